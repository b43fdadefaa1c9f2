//! A namespace's validated fields and its resource quota.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::NamespaceError;
use crate::quantity::{is_dns_label, Quantity};

/// Longest display name (varchar(100)), cluster name (varchar(100)) and description.
const MAX_DISPLAY_NAME: usize = 100;
const MAX_CLUSTER_NAME: usize = 100;
const MAX_DESCRIPTION: usize = 1024;

/// Quota keys whose values are CPU amounts, byte amounts and object counts (Kubernetes'
/// ResourceQuota `hard` keys).
pub const CPU_KEYS: &[&str] = &["cpu", "requests.cpu", "limits.cpu"];
pub const BYTE_KEYS: &[&str] = &[
    "memory",
    "requests.memory",
    "limits.memory",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.ephemeral-storage",
];
pub const COUNT_KEYS: &[&str] = &[
    "pods",
    "services",
    "configmaps",
    "secrets",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];

/// The namespace's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceFields {
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub kubernetes_name: String,
    pub cluster_name: String,
    pub resource_quota: Option<BTreeMap<String, String>>,
}

impl NamespaceFields {
    /// Checks every rule: DNS-1123 labels for `name` and `kubernetesName`, lengths, a quota of
    /// known keys with quantities (CPU, bytes) or whole counts, `requests.*` not above `limits.*`.
    pub fn validated(self) -> Result<Self, NamespaceError> {
        if !is_dns_label(&self.name) {
            return Err(NamespaceError::Name("name"));
        }
        if !is_dns_label(&self.kubernetes_name) {
            return Err(NamespaceError::Name("kubernetesName"));
        }
        let cluster_name = self.cluster_name.trim().to_owned();
        if cluster_name.is_empty() || self.cluster_name.chars().count() > MAX_CLUSTER_NAME {
            return Err(NamespaceError::ClusterName);
        }
        for (field, value, max) in [
            ("displayName", &self.display_name, MAX_DISPLAY_NAME),
            ("description", &self.description, MAX_DESCRIPTION),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                return Err(NamespaceError::TooLong(field, max));
            }
        }
        let trimmed = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        if let Some(quota) = &self.resource_quota {
            check_quota(quota)?;
        }
        Ok(Self {
            name: self.name,
            display_name: trimmed(self.display_name),
            description: trimmed(self.description),
            kubernetes_name: self.kubernetes_name,
            cluster_name,
            resource_quota: self.resource_quota.filter(|q| !q.is_empty()),
        })
    }
}

fn check_quota(quota: &BTreeMap<String, String>) -> Result<(), NamespaceError> {
    let quantity = |key: &str, value: &str| {
        Quantity::parse(value).map_err(|_| {
            NamespaceError::Quota(format!(
                "{key}: {value:?} is not a quantity like 500m, 2, 128Mi or 1Gi"
            ))
        })
    };
    for (key, value) in quota {
        if CPU_KEYS.contains(&key.as_str()) || BYTE_KEYS.contains(&key.as_str()) {
            quantity(key, value)?;
        } else if COUNT_KEYS.contains(&key.as_str()) {
            let whole =
                !value.is_empty() && value.len() <= 18 && value.chars().all(|c| c.is_ascii_digit());
            if !whole {
                return Err(NamespaceError::Quota(format!(
                    "{key}: {value:?} is not a whole number"
                )));
            }
        } else {
            return Err(NamespaceError::Quota(format!(
                "{key} is not a quota key; use one of {:?}",
                [CPU_KEYS, BYTE_KEYS, COUNT_KEYS].concat()
            )));
        }
    }
    for resource in ["cpu", "memory", "ephemeral-storage"] {
        let request = quota.get(&format!("requests.{resource}"));
        let limit = quota.get(&format!("limits.{resource}"));
        if let (Some(request), Some(limit)) = (request, limit) {
            if quantity("", request)?.millis() > quantity("", limit)?.millis() {
                return Err(NamespaceError::Quota(format!(
                    "requests.{resource} ({request}) is above limits.{resource} ({limit})"
                )));
            }
        }
    }
    Ok(())
}
