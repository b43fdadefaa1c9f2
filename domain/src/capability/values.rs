//! A capability's validated fields. Lengths are the columns' (`tbl_capability`); text is kept as
//! given (the catalogue's rows keep their trailing spaces), blank required fields are refused.

use serde::{Deserialize, Serialize};

use super::error::CapabilityError;

/// Longest description (each language) and experience URL.
pub const MAX_DESCRIPTION: usize = 4096;
/// The protocols a capability's service speaks.
pub const PROTOCOLS: [&str; 2] = ["http", "https"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityFields {
    pub name: String,
    pub name_en: String,
    pub version: String,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub provider: Option<String>,
    pub group_id: String,
    pub api_file_id: String,
    pub guide_file_id: String,
    pub guide_file_id_en: Option<String>,
    pub icon_file_id: String,
    /// The service's registered name.
    pub host: String,
    pub port: i32,
    pub protocol: String,
    pub author: Option<String>,
    pub experience_url: Option<String>,
}

impl CapabilityFields {
    /// Checks every rule; the protocol is kept in lower case.
    pub fn validated(mut self) -> Result<Self, CapabilityError> {
        let required = [
            ("name", &self.name, 100),
            ("nameEn", &self.name_en, 100),
            ("version", &self.version, 100),
            ("groupId", &self.group_id, 50),
            ("apiFileId", &self.api_file_id, 255),
            ("guideFileId", &self.guide_file_id, 255),
            ("iconFileId", &self.icon_file_id, 50),
            ("host", &self.host, 50),
        ];
        for (field, value, max) in required {
            if value.trim().is_empty() {
                return Err(CapabilityError::Required(field));
            }
            if value.chars().count() > max {
                return Err(CapabilityError::TooLong(field, max));
            }
        }
        let optional = [
            ("description", &self.description, MAX_DESCRIPTION),
            ("descriptionEn", &self.description_en, MAX_DESCRIPTION),
            ("provider", &self.provider, 100),
            ("guideFileIdEn", &self.guide_file_id_en, 255),
            ("author", &self.author, 50),
            ("experienceUrl", &self.experience_url, MAX_DESCRIPTION),
        ];
        for (field, value, max) in optional {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                return Err(CapabilityError::TooLong(field, max));
            }
        }
        if !(0..=65_535).contains(&self.port) {
            return Err(CapabilityError::Port);
        }
        self.protocol = PROTOCOLS
            .into_iter()
            .find(|p| p.eq_ignore_ascii_case(self.protocol.trim()))
            .ok_or(CapabilityError::Protocol)?
            .to_owned();
        Ok(self)
    }

    /// The uploaded files the capability names, with their fields' names.
    pub fn files(&self) -> Vec<(&'static str, &str)> {
        let mut files = vec![
            ("apiFileId", self.api_file_id.as_str()),
            ("guideFileId", self.guide_file_id.as_str()),
            ("iconFileId", self.icon_file_id.as_str()),
        ];
        if let Some(en) = &self.guide_file_id_en {
            files.push(("guideFileIdEn", en.as_str()));
        }
        files
    }
}
