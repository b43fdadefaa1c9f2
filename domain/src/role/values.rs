//! A role's validated fields.

use serde::{Deserialize, Serialize};

use super::error::RoleError;
use crate::permission::Permission;

/// Longest display name (varchar(100)) and description.
const MAX_DISPLAY_NAME: usize = 100;
const MAX_DESCRIPTION: usize = 1024;
/// Most permissions one role lists.
const MAX_PERMISSIONS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleFields {
    pub name: String,
    pub display_name: String,
    pub description: Option<String>,
    pub permissions: Vec<Permission>,
}

/// A role's name: 2-50 letters, digits and `_`, starting with a letter (`ADMIN`,
/// `NAMESPACE_VIEWER`); given in any case, kept upper-case.
pub fn role_name(text: &str) -> Result<String, RoleError> {
    let upper = text.to_ascii_uppercase();
    let first_ok = upper.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    let rest_ok = upper
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !(2..=50).contains(&upper.len()) || !first_ok || !rest_ok {
        return Err(RoleError::Name);
    }
    Ok(upper)
}

impl RoleFields {
    /// Checks every rule: the name's form, a display name, known permissions (sorted, each once).
    pub fn validated(self) -> Result<Self, RoleError> {
        if self.display_name.chars().count() > MAX_DISPLAY_NAME {
            return Err(RoleError::DisplayName);
        }
        let display_name = self.display_name.trim().to_owned();
        if display_name.is_empty() {
            return Err(RoleError::DisplayName);
        }
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
        {
            return Err(RoleError::Description);
        }
        let description = self
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if self.permissions.len() > MAX_PERMISSIONS {
            return Err(RoleError::TooManyPermissions);
        }
        let mut permissions = self.permissions;
        permissions.sort();
        permissions.dedup();
        Ok(Self {
            name: role_name(&self.name)?,
            display_name,
            description,
            permissions,
        })
    }
}
