//! A secret's type and the rules its plain values must meet, checked before they are sealed:
//! Kubernetes' key names, 1 MiB in all, and per type: `kubernetes.io/tls` a PEM certificate in
//! `tls.crt` and a PEM private key in `tls.key`; `kubernetes.io/dockerconfigjson` a
//! `.dockerconfigjson` holding a JSON object with an `auths` object.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::SecretError;
use crate::config_map::{is_data_key, MAX_BYTES};
use crate::quantity::is_dns_subdomain;

/// The secret types the platform takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretType {
    #[serde(rename = "Opaque")]
    Opaque,
    #[serde(rename = "kubernetes.io/tls")]
    Tls,
    #[serde(rename = "kubernetes.io/dockerconfigjson")]
    DockerConfigJson,
}

impl SecretType {
    pub const ALL: [SecretType; 3] = [
        SecretType::Opaque,
        SecretType::Tls,
        SecretType::DockerConfigJson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SecretType::Opaque => "Opaque",
            SecretType::Tls => "kubernetes.io/tls",
            SecretType::DockerConfigJson => "kubernetes.io/dockerconfigjson",
        }
    }

    pub fn parse(text: &str) -> Result<Self, SecretError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or(SecretError::Type)
    }
}

/// The name rule: a DNS-1123 subdomain.
pub fn check_name(name: &str) -> Result<(), SecretError> {
    if is_dns_subdomain(name) {
        Ok(())
    } else {
        Err(SecretError::Name)
    }
}

/// Checks the plain values of a secret of `secret_type` (before they are sealed).
pub fn check_plain(
    secret_type: SecretType,
    data: &BTreeMap<String, String>,
) -> Result<(), SecretError> {
    let mut size = 0;
    for (key, value) in data {
        if !is_data_key(key) {
            return Err(SecretError::Key(key.clone()));
        }
        size += key.len() + value.len();
    }
    if size > MAX_BYTES {
        return Err(SecretError::TooLarge(size));
    }
    let required = |key: &'static str| data.get(key).ok_or(SecretError::Missing(key));
    match secret_type {
        SecretType::Opaque => {}
        SecretType::Tls => {
            let certificates =
                pem::parse_many(required("tls.crt")?).map_err(|_| SecretError::Pem("tls.crt"))?;
            if certificates.is_empty() || certificates.iter().any(|c| c.tag() != "CERTIFICATE") {
                return Err(SecretError::Pem("tls.crt"));
            }
            let key = pem::parse(required("tls.key")?).map_err(|_| SecretError::Pem("tls.key"))?;
            if !key.tag().ends_with("PRIVATE KEY") {
                return Err(SecretError::Pem("tls.key"));
            }
        }
        SecretType::DockerConfigJson => {
            let config: serde_json::Value = serde_json::from_str(required(".dockerconfigjson")?)
                .map_err(|_| SecretError::DockerConfig)?;
            if !config.get("auths").is_some_and(|a| a.is_object()) {
                return Err(SecretError::DockerConfig);
            }
        }
    }
    Ok(())
}
