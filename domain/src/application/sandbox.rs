//! What an application configures for its sandbox: networks and virtual machines with their ports
//! and login certificate (reference 1.3). These live in the Application aggregate, so the rules
//! that span them (unique network names, ports only on existing networks, no deleting a network a
//! port uses) are checked in one place, atomically.

use serde::{Deserialize, Serialize};

use super::error::FieldError;
use crate::secret::Sealed;

/// A network of the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    pub id: String,
    pub name: String,
    pub description: String,
}

/// Network names of the default networks, by package spec (reference 1.3).
pub fn default_network_names(pkg_spec_id: Option<&str>) -> [&'static str; 3] {
    match pkg_spec_id {
        Some(spec) if spec.eq_ignore_ascii_case("PKG_SPEC_SUPPORT_DYNAMIC_FLAVOR") => {
            ["MEC_APP_Private", "MEC_APP_Public", "MEC_APP_MP1"]
        }
        _ => ["MEC_APP_N6", "MEC_APP_Internet", "MEC_APP_MP1"],
    }
}

/// A virtual machine of the application, as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmSpec {
    pub name: String,
    pub flavor_id: String,
    pub image_id: i32,
    pub user_data: Option<String>,
    pub area_zone: Option<String>,
    pub flavor_extra_specs: Option<String>,
    pub ports: Vec<VmPort>,
    pub certificate: Option<VmCertificate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmPort {
    pub id: String,
    pub name: String,
    pub description: String,
    pub network_name: String,
}

/// How one logs into the VM. The password is sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum VmCertificate {
    Password { username: String, password: Sealed },
    KeyPair { key_pair_id: String },
}

/// A configured VM with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmConfig {
    pub id: String,
    #[serde(flatten)]
    pub spec: VmSpec,
}

fn is_simple_name(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.chars().count() <= max
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Checks a network's name (1-64 letters, digits, '_', '-', '.') and description (at most 255).
pub fn check_network(name: &str, description: &str) -> Result<(), FieldError> {
    if !is_simple_name(name, 64) {
        return Err(FieldError::NetworkName);
    }
    if description.chars().count() > 255 {
        return Err(FieldError::NetworkDescription);
    }
    Ok(())
}

/// Checks a VM's own fields; ports' networks are checked against the application.
pub fn check_vm(spec: &VmSpec) -> Result<(), FieldError> {
    if !is_simple_name(&spec.name, 64) {
        return Err(FieldError::VmName);
    }
    if spec.flavor_id.trim().is_empty() || spec.flavor_id.len() > 255 {
        return Err(FieldError::FlavorId);
    }
    if spec.image_id < 1 {
        return Err(FieldError::ImageId);
    }
    if spec.user_data.as_ref().is_some_and(|u| u.len() > 65_536)
        || spec
            .flavor_extra_specs
            .as_ref()
            .is_some_and(|u| u.len() > 65_536)
        || spec.area_zone.as_ref().is_some_and(|a| a.len() > 255)
    {
        return Err(FieldError::VmText);
    }
    if spec.ports.len() > 8 {
        return Err(FieldError::Ports);
    }
    let mut names = std::collections::BTreeSet::new();
    for port in &spec.ports {
        if !is_simple_name(&port.name, 64)
            || port.description.chars().count() > 255
            || !names.insert(port.name.as_str())
        {
            return Err(FieldError::Ports);
        }
    }
    match &spec.certificate {
        Some(VmCertificate::Password { username, .. })
            if username.trim().is_empty() || username.len() > 64 =>
        {
            Err(FieldError::Certificate)
        }
        Some(VmCertificate::KeyPair { key_pair_id })
            if key_pair_id.trim().is_empty() || key_pair_id.len() > 255 =>
        {
            Err(FieldError::Certificate)
        }
        _ => Ok(()),
    }
}
