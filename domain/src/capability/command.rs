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
    /// An application requires the capability (a service required): counted in `selectCount`.
    Select {
        application_id: String,
    },
    /// The application no longer requires it.
    Unselect {
        application_id: String,
    },
}

impl CapabilityAction {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Update(_) => "update",
            Self::Delete => "delete",
            Self::Select { .. } => "select",
            Self::Unselect { .. } => "unselect",
        }
    }
}
