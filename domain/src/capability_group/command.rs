//! CapabilityGroup commands: create and delete a group, and file capabilities under it (admins
//! only).

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
    /// A capability is filed under the group (before the capability's own command).
    Join {
        capability_id: String,
    },
    /// The capability left the group (deleted, or moved to another).
    Leave {
        capability_id: String,
    },
}
