//! ConfigMap commands. The namespace admits a config map before it is created and releases it
//! after it is deleted (the handler sends both); permissions are checked before.

use super::values::ConfigMapFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigMapCommand {
    pub actor: Actor,
    pub action: ConfigMapAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConfigMapAction {
    Create {
        namespace_id: i64,
        fields: ConfigMapFields,
        by: Option<i64>,
    },
    /// Replaces the data (the name stays).
    Update {
        fields: ConfigMapFields,
        by: Option<i64>,
    },
    Delete,
}
