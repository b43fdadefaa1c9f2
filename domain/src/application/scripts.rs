//! The scripts of an application (reference 1.1, `/{id}/scripts`): shell scripts uploaded as
//! files and named by the application, run on its VMs or packaged with it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rules::RuleError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppScript {
    /// Chosen by the server.
    pub id: String,
    /// The uploaded file's name.
    pub name: String,
    /// The uploaded file (type script) the script is.
    pub script_file_id: String,
    pub created_at: DateTime<Utc>,
}

impl AppScript {
    /// The name fits its column; ids are the server's.
    pub fn validated(self) -> Result<Self, RuleError> {
        if self.name.is_empty() || self.name.chars().count() > 255 || self.name.contains('\0') {
            return Err(RuleError::new("name", "must be 1-255 characters"));
        }
        Ok(self)
    }
}
