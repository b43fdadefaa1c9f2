//! Capability commands: create, update and delete a capability of the ability centre (admins).

use super::values::CapabilityFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct CapabilityCommand {
    pub actor: Actor,
    pub action: CapabilityAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CapabilityAction {
    Create {
        fields: CapabilityFields,
        /// Epoch milliseconds (the seed's `upload_time`).
        uploaded_at: i64,
    },
    Update(CapabilityFields),
    Delete,
}

impl CapabilityAction {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Update(_) => "update",
            Self::Delete => "delete",
        }
    }
}
