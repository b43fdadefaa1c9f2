//! Namespace commands. The caller's permission (`namespaces:*`, platform-wide or in the
//! namespace) is checked before a command is built; `by` is the acting platform user.

use super::values::NamespaceFields;
use super::ResourceKind;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceCommand {
    pub actor: Actor,
    pub action: NamespaceAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NamespaceAction {
    Create {
        fields: NamespaceFields,
        by: Option<i64>,
    },
    Update {
        fields: NamespaceFields,
        by: Option<i64>,
    },
    Activate {
        by: Option<i64>,
    },
    Deactivate {
        by: Option<i64>,
    },
    /// Refused while it holds resources.
    Delete,
    /// A resource (config map, secret, ...) is about to be created in the namespace: refused
    /// unless the namespace is active. Its own stream is written next.
    Admit {
        kind: ResourceKind,
        id: i64,
    },
    /// A resource of the namespace was deleted (or never came to be).
    Release {
        kind: ResourceKind,
        id: i64,
    },
}
