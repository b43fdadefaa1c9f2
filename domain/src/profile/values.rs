//! A profile's validated facts: what its `profile.yaml` declares (the application it makes, its
//! apps in deploy order with their deploy files, its config script) and the stored zip.

use serde::{Deserialize, Serialize};

use super::error::ProfileError;
use crate::plugin::StoredFile;

/// The most apps one profile may list.
pub const MAX_APPS: usize = 20;

/// One app of a profile: a deploy file of Kubernetes manifests inside the zip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileApp {
    pub name: String,
    pub version: String,
    /// Its path inside the zip.
    pub deploy_file: String,
}

/// Everything a profile is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileFields {
    pub name: String,
    pub description: String,
    pub description_en: Option<String>,
    /// The application type the profile's application gets.
    pub profile_type: String,
    pub industry: String,
    pub architecture: String,
    pub app_class: String,
    pub create_type: String,
    pub apps: Vec<ProfileApp>,
    /// The apps' names in deploy order.
    pub seq: Vec<String>,
    /// The config script's path inside the zip.
    pub config_file: Option<String>,
    /// The topology picture's path inside the zip.
    pub topo_file: Option<String>,
    /// The zip in the file store.
    pub file: StoredFile,
}

fn bounded(value: &str, field: &'static str, min: usize, max: usize) -> Result<(), ProfileError> {
    let n = value.chars().count();
    if n < min || n > max || value.contains('\0') {
        return Err(ProfileError::Invalid(format!(
            "{field} must be {min}-{max} characters"
        )));
    }
    Ok(())
}

impl ProfileFields {
    /// The rules of every field (the zip's content was checked by the caller).
    pub fn validated(self) -> Result<Self, ProfileError> {
        bounded(&self.name, "name", 1, 255)?;
        bounded(&self.description, "description", 0, 255)?;
        if let Some(en) = &self.description_en {
            bounded(en, "descriptionEn", 0, 255)?;
        }
        bounded(&self.profile_type, "type", 1, 255)?;
        bounded(&self.industry, "industry", 1, 255)?;
        if self.apps.is_empty() || self.apps.len() > MAX_APPS {
            return Err(ProfileError::Invalid(format!(
                "appList must list 1-{MAX_APPS} apps"
            )));
        }
        for (i, app) in self.apps.iter().enumerate() {
            bounded(&app.name, "appList.name", 1, 64)?;
            bounded(&app.version, "appList.version", 1, 64)?;
            if self.apps[..i].iter().any(|other| other.name == app.name) {
                return Err(ProfileError::Invalid(format!(
                    "appList names {} twice",
                    app.name
                )));
            }
        }
        if self.seq.len() != self.apps.len()
            || !self
                .seq
                .iter()
                .all(|s| self.apps.iter().any(|a| a.name == *s))
        {
            return Err(ProfileError::Invalid(
                "seq must list every app of appList once".into(),
            ));
        }
        Ok(self)
    }

    /// The apps in deploy order.
    pub fn apps_in_order(&self) -> Vec<&ProfileApp> {
        self.seq
            .iter()
            .filter_map(|name| self.apps.iter().find(|a| a.name == *name))
            .collect()
    }
}
