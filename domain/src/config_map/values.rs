//! A config map's validated data: keys as Kubernetes allows them, string values in `data`,
//! base64 in `binaryData`, at most 1 MiB in all (as Kubernetes limits an object).

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::error::ConfigMapError;
use crate::quantity::is_dns_subdomain;

/// The most bytes a config map's keys and values may hold (binary values counted decoded).
pub const MAX_BYTES: usize = 1024 * 1024;

/// A config map's name and contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMapFields {
    pub name: String,
    pub kubernetes_name: String,
    pub data: BTreeMap<String, String>,
    pub binary_data: BTreeMap<String, String>,
}

/// Whether `key` is a key Kubernetes allows in a config map or secret: 1-253 characters of
/// letters, digits, `-`, `_` and `.`, not `.` or `..`.
pub fn is_data_key(key: &str) -> bool {
    (1..=253).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && key != "."
        && key != ".."
}

impl ConfigMapFields {
    /// Checks every rule: DNS-1123 subdomain names, keys, base64 binary values, no key in both
    /// maps, 1 MiB in all.
    pub fn validated(self) -> Result<Self, ConfigMapError> {
        if !is_dns_subdomain(&self.name) {
            return Err(ConfigMapError::Name("name"));
        }
        if !is_dns_subdomain(&self.kubernetes_name) {
            return Err(ConfigMapError::Name("kubernetesName"));
        }
        let mut size = 0;
        for (key, value) in &self.data {
            if !is_data_key(key) {
                return Err(ConfigMapError::Key(key.clone()));
            }
            size += key.len() + value.len();
        }
        for (key, value) in &self.binary_data {
            if !is_data_key(key) {
                return Err(ConfigMapError::Key(key.clone()));
            }
            if self.data.contains_key(key) {
                return Err(ConfigMapError::KeyInBoth(key.clone()));
            }
            let decoded = STANDARD
                .decode(value)
                .map_err(|_| ConfigMapError::NotBase64(key.clone()))?;
            size += key.len() + decoded.len();
        }
        if size > MAX_BYTES {
            return Err(ConfigMapError::TooLarge(size));
        }
        Ok(self)
    }
}
