//! Volume commands. The namespace admits a volume before it is created and releases it after it
//! is deleted (the handler sends both); permissions and the source's existence are checked before.

use super::values::VolumeFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct VolumeCommand {
    pub actor: Actor,
    pub action: VolumeAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VolumeAction {
    Create {
        namespace_id: i64,
        fields: VolumeFields,
        by: Option<i64>,
    },
    /// Change what may change: the size (a claim's only grows) and the default mount path.
    Update {
        fields: VolumeFields,
        by: Option<i64>,
    },
    Delete,
}
