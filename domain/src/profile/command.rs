//! Profile commands, each with the actor asking.

use chrono::{DateTime, Utc};

use super::values::ProfileFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileCommand {
    pub actor: Actor,
    pub action: ProfileAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProfileAction {
    Create {
        fields: ProfileFields,
        at: DateTime<Utc>,
    },
    Update {
        fields: ProfileFields,
        at: DateTime<Utc>,
    },
    Delete,
}

impl ProfileAction {
    pub fn name(&self) -> &'static str {
        match self {
            ProfileAction::Create { .. } => "create",
            ProfileAction::Update { .. } => "update",
            ProfileAction::Delete => "delete",
        }
    }
}
