//! Secret commands. Values arrive sealed (checked by `check_plain` before); the namespace admits
//! a secret first and releases it after its deletion; permissions are checked before.

use std::collections::BTreeMap;

use super::values::SecretType;
use crate::identity::Actor;
use crate::secret::Sealed;

#[derive(Debug, Clone, PartialEq)]
pub struct SecretCommand {
    pub actor: Actor,
    pub action: SecretAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SecretAction {
    Create {
        namespace_id: i64,
        name: String,
        secret_type: SecretType,
        data: BTreeMap<String, Sealed>,
        by: Option<i64>,
    },
    /// Replaces the values (the name and type stay).
    Update {
        name: String,
        secret_type: SecretType,
        data: BTreeMap<String, Sealed>,
        by: Option<i64>,
    },
    /// Someone read the values: recorded, so every reveal is in the log.
    Reveal {
        by: Option<i64>,
    },
    /// The same values sealed under another key (key rotation).
    Reseal {
        data: BTreeMap<String, Sealed>,
    },
    Delete,
}
