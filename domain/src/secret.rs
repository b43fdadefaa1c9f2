//! Secrets (VM and host passwords) as the domain holds them: sealed by the server's key before a
//! command is built, so plain text never reaches an event, a table or a log.

use serde::{Deserialize, Serialize};

/// Ciphertext of a secret (AEAD, with the key id inside); opaque to the domain.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sealed(pub String);

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealed(..)")
    }
}
