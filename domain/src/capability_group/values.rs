//! A capability group's validated fields.

use serde::{Deserialize, Serialize};

use super::error::CapabilityGroupError;

/// The group types: the platform's own services, its ecosystem's, and standards bodies'.
pub const GROUP_TYPES: [&str; 3] = ["OPENMEP", "OPENMEP_ECO", "STANDARD"];
/// Longest description (each language) and icon file id (its column is varchar(50)).
const MAX_DESCRIPTION: usize = 4096;
const MAX_ICON_FILE_ID: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityGroupFields {
    pub name: String,
    pub name_en: String,
    #[serde(rename = "type")]
    pub group_type: String,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub icon_file_id: Option<String>,
}

impl CapabilityGroupFields {
    /// Checks every rule; names are trimmed, the type kept in its canonical spelling.
    pub fn validated(mut self) -> Result<Self, CapabilityGroupError> {
        for (field, value) in [("name", &mut self.name), ("nameEn", &mut self.name_en)] {
            if value.chars().count() > 255 || value.trim().is_empty() {
                return Err(CapabilityGroupError::Name(field));
            }
            *value = value.trim().to_owned();
        }
        self.group_type = GROUP_TYPES
            .into_iter()
            .find(|t| t.eq_ignore_ascii_case(self.group_type.trim()))
            .ok_or(CapabilityGroupError::Type)?
            .to_owned();
        for (field, value, max) in [
            ("description", &self.description, MAX_DESCRIPTION),
            ("descriptionEn", &self.description_en, MAX_DESCRIPTION),
            ("iconFileId", &self.icon_file_id, MAX_ICON_FILE_ID),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                return Err(CapabilityGroupError::TooLong(field, max));
            }
        }
        Ok(self)
    }
}
