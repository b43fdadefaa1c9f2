//! CapabilityGroup commands: create and delete a group (admins only).

use super::values::CapabilityGroupFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct CapabilityGroupCommand {
    pub actor: Actor,
    pub action: CapabilityGroupAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CapabilityGroupAction {
    /// `author` defaults to the actor's name (the catalogue gives its own); `created_at` is
    /// epoch milliseconds.
    Create {
        fields: CapabilityGroupFields,
        author: Option<String>,
        created_at: i64,
    },
    Delete,
}
