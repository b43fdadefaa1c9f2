//! The entries of the older model's VM catalogue, as its seed data has them: size presets
//! ("regulations"), the networks a sandbox VM attaches to, and cloud-init templates per OS.

use serde::{Deserialize, Serialize};

use super::error::VmCatalogueError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmRegulation {
    pub regulation_id: i32,
    pub architecture: String,
    pub name_zh: String,
    pub name_en: String,
    pub scene_zh: String,
    pub scene_en: String,
    pub memory: i32,
    pub cpu: i32,
    pub system_disk: i32,
    pub data_disk: i32,
    pub gpu: String,
    pub other_ability: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmNetworkType {
    pub network_type: String,
    pub description_zh: String,
    pub description_en: String,
    pub network_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmUserData {
    pub operate_system: String,
    pub flavor_extra_specs: String,
    pub is_temp: bool,
    /// The template as the seed writes it (`\r\n` as two characters each).
    pub contents: String,
    pub params: String,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum VmCatalogueEntry {
    Regulation(VmRegulation),
    Network(VmNetworkType),
    UserData(VmUserData),
}

fn fits(field: &'static str, value: &str, max: usize) -> Result<(), VmCatalogueError> {
    if value.chars().count() > max || value.contains('\0') {
        return Err(VmCatalogueError::TooLong(field, max));
    }
    Ok(())
}

impl VmCatalogueEntry {
    /// The entry's stream id: its kind and key.
    pub fn stream_id(&self) -> String {
        match self {
            Self::Regulation(r) => format!("regulation/{}", r.regulation_id),
            Self::Network(n) => format!("network/{}", n.network_type),
            Self::UserData(u) => format!("user-data/{}", u.operate_system),
        }
    }

    /// Checks that every value fits its column.
    pub fn validated(self) -> Result<Self, VmCatalogueError> {
        match &self {
            Self::Regulation(r) => {
                for (field, value, max) in [
                    ("architecture", &r.architecture, 50),
                    ("nameZh", &r.name_zh, 50),
                    ("nameEn", &r.name_en, 50),
                    ("sceneZh", &r.scene_zh, 255),
                    ("sceneEn", &r.scene_en, 255),
                    ("gpu", &r.gpu, 50),
                    ("otherAbility", &r.other_ability, 255),
                ] {
                    fits(field, value, max)?;
                }
            }
            Self::Network(n) => {
                for (field, value, max) in [
                    ("networkType", &n.network_type, 50),
                    ("descriptionZh", &n.description_zh, 255),
                    ("descriptionEn", &n.description_en, 255),
                    ("networkName", &n.network_name, 50),
                ] {
                    fits(field, value, max)?;
                }
            }
            Self::UserData(u) => {
                fits("operateSystem", &u.operate_system, 50)?;
                for (field, value) in [
                    ("flavorExtraSpecs", &u.flavor_extra_specs),
                    ("contents", &u.contents),
                    ("params", &u.params),
                ] {
                    fits(field, value, 1 << 20)?;
                }
            }
        }
        Ok(self)
    }
}

/// Java-style unescaping of a template's text, as the original applies to `contents` and
/// `params`: `\r`, `\n`, `\t`, `\\`, `\"`, `\'` become the characters they name; any other
/// backslash stays.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let replaced = match chars.peek() {
            Some('r') => Some('\r'),
            Some('n') => Some('\n'),
            Some('t') => Some('\t'),
            Some('\\') => Some('\\'),
            Some('"') => Some('"'),
            Some('\'') => Some('\''),
            _ => None,
        };
        match replaced {
            Some(r) => {
                out.push(r);
                chars.next();
            }
            None => out.push('\\'),
        }
    }
    out
}
