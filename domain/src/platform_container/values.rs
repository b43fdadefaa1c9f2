//! What a container is made of (its spec: image, resources, ports, environment, mounts), each
//! part validated by one rule, and what the orchestrator reports of it.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::error::ContainerSpecError as E;
use crate::quantity::{is_dns_label, is_dns_subdomain, Quantity};
use crate::volume::is_absolute_path;

/// The most ports, variables and mounts one container may have.
pub const MAX_PORTS: usize = 100;
pub const MAX_ENV: usize = 200;
pub const MAX_MOUNTS: usize = 50;

/// A container as its owner describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerSpec {
    /// A DNS-1123 label; also its Kubernetes name (its Deployment's), unique in the namespace.
    pub name: String,
    pub display_name: Option<String>,
    pub image_id: i64,
    pub cpu_request: Option<String>,
    pub cpu_limit: Option<String>,
    pub memory_request: Option<String>,
    pub memory_limit: Option<String>,
    #[serde(default)]
    pub ports: Vec<PortSpec>,
    #[serde(default)]
    pub env: Vec<EnvVar>,
    #[serde(default)]
    pub volume_mounts: Vec<VolumeMount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortSpec {
    pub name: Option<String>,
    pub container_port: u16,
    pub protocol: Protocol,
    pub host_port: Option<u16>,
    pub node_port: Option<u16>,
}

/// Where an environment variable's value comes from. A secret's value is never resolved here:
/// only its name and key are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "from")]
pub enum EnvSource {
    Literal { value: String },
    ConfigMap { name: String, key: String },
    Secret { name: String, key: String },
}

impl EnvSource {
    /// `value_from` as the table has it.
    pub fn kind(&self) -> &'static str {
        match self {
            EnvSource::Literal { .. } => "literal",
            EnvSource::ConfigMap { .. } => "config_map",
            EnvSource::Secret { .. } => "secret",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    pub name: String,
    pub source: EnvSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeMount {
    pub volume_id: i64,
    pub mount_path: String,
    pub read_only: bool,
    pub sub_path: Option<String>,
}

/// The lowest and highest node port Kubernetes allocates.
pub const NODE_PORTS: std::ops::RangeInclusive<u16> = 30000..=32767;

fn quantity(text: &Option<String>, field: &'static str) -> Result<Option<u128>, E> {
    match text {
        None => Ok(None),
        Some(t) if t.len() > 20 => Err(E::Quantity(field)),
        Some(t) => Quantity::parse(t)
            .map(|q| Some(q.millis()))
            .map_err(|_| E::Quantity(field)),
    }
}

/// Whether `name` is an environment variable name Kubernetes takes (C identifier-like, with
/// `.` and `-` allowed after the first character), at most 253 characters.
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 253
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Whether `key` is a config map or secret key (Kubernetes' rule).
pub fn is_data_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

impl ContainerSpec {
    pub fn validated(self) -> Result<Self, E> {
        if !is_dns_label(&self.name) {
            return Err(E::Name);
        }
        if self
            .display_name
            .as_ref()
            .is_some_and(|d| d.is_empty() || d.chars().count() > 253)
        {
            return Err(E::DisplayName);
        }
        for (request, limit, what) in [
            (&self.cpu_request, &self.cpu_limit, "cpu"),
            (&self.memory_request, &self.memory_limit, "memory"),
        ] {
            let (request_field, limit_field) = if what == "cpu" {
                ("cpuRequest", "cpuLimit")
            } else {
                ("memoryRequest", "memoryLimit")
            };
            let request = quantity(request, request_field)?;
            let limit = quantity(limit, limit_field)?;
            if let (Some(request), Some(limit)) = (request, limit) {
                if request > limit {
                    return Err(E::RequestAboveLimit(what));
                }
            }
        }
        self.check_ports()?;
        self.check_env()?;
        self.check_mounts()?;
        Ok(self)
    }

    fn check_ports(&self) -> Result<(), E> {
        if self.ports.len() > MAX_PORTS {
            return Err(E::TooMany("ports", MAX_PORTS));
        }
        let mut seen = HashSet::new();
        let mut names = HashSet::new();
        let mut node_ports = HashSet::new();
        for port in &self.ports {
            if port.container_port == 0 || port.host_port == Some(0) {
                return Err(E::Port);
            }
            if !seen.insert((port.container_port, port.protocol)) {
                return Err(E::DuplicatePort(
                    port.container_port,
                    port.protocol.as_str(),
                ));
            }
            if let Some(node) = port.node_port {
                if !NODE_PORTS.contains(&node) || !node_ports.insert(node) {
                    return Err(E::NodePort);
                }
            }
            if let Some(name) = &port.name {
                if name.len() > 15 || !is_dns_label(name) || !names.insert(name) {
                    return Err(E::PortName);
                }
            }
        }
        Ok(())
    }

    fn check_env(&self) -> Result<(), E> {
        if self.env.len() > MAX_ENV {
            return Err(E::TooMany("env", MAX_ENV));
        }
        let mut names = HashSet::new();
        for var in &self.env {
            if !is_env_name(&var.name) {
                return Err(E::EnvName);
            }
            if !names.insert(var.name.as_str()) {
                return Err(E::DuplicateEnv(var.name.clone()));
            }
            match &var.source {
                EnvSource::Literal { value } if value.len() > 65_536 || value.contains('\0') => {
                    return Err(E::EnvValue)
                }
                EnvSource::ConfigMap { name, key } | EnvSource::Secret { name, key } => {
                    if !is_dns_subdomain(name) || !is_data_key(key) {
                        return Err(E::EnvSource);
                    }
                }
                EnvSource::Literal { .. } => {}
            }
        }
        Ok(())
    }

    fn check_mounts(&self) -> Result<(), E> {
        if self.volume_mounts.len() > MAX_MOUNTS {
            return Err(E::TooMany("volumeMounts", MAX_MOUNTS));
        }
        let mut paths = HashSet::new();
        for mount in &self.volume_mounts {
            if !is_absolute_path(&mount.mount_path) {
                return Err(E::MountPath);
            }
            if !paths.insert(mount.mount_path.trim_end_matches('/')) {
                return Err(E::DuplicateMountPath(mount.mount_path.clone()));
            }
            if let Some(sub) = &mount.sub_path {
                if sub.is_empty()
                    || sub.len() > 500
                    || sub.starts_with('/')
                    || sub.contains('\0')
                    || sub.split('/').any(|s| s == "..")
                {
                    return Err(E::SubPath);
                }
            }
        }
        Ok(())
    }

    /// The config maps and secrets (`(is_secret, name, key)`) its environment reads.
    pub fn env_sources(&self) -> impl Iterator<Item = (bool, &str, &str)> {
        self.env.iter().filter_map(|var| match &var.source {
            EnvSource::ConfigMap { name, key } => Some((false, name.as_str(), key.as_str())),
            EnvSource::Secret { name, key } => Some((true, name.as_str(), key.as_str())),
            EnvSource::Literal { .. } => None,
        })
    }
}
