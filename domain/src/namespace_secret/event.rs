//! Secret events; values appear only sealed. Wire names and versions are declared once, in
//! `wire_names!` below.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::values::SecretType;
use crate::secret::Sealed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum SecretEvent {
    SecretCreated {
        namespace_id: i64,
        name: String,
        secret_type: SecretType,
        data: BTreeMap<String, Sealed>,
        created_by: Option<i64>,
    },
    SecretUpdated {
        data: BTreeMap<String, Sealed>,
        updated_by: Option<i64>,
    },
    SecretRevealed {
        revealed_by: Option<i64>,
        keys: Vec<String>,
    },
    SecretResealed {
        data: BTreeMap<String, Sealed>,
    },
    SecretDeleted {},
}

crate::wire_names!(SecretEvent => SecretEventKind {
    SecretCreated = "1",
    SecretUpdated = "1",
    SecretRevealed = "1",
    SecretResealed = "1",
    SecretDeleted = "1",
});
