//! A volume's validated fields: each type takes its own fields and refuses the others' (a
//! persistent volume claim a size and an access mode, a config map or secret volume its source's
//! name, a host path an absolute path, an empty dir an optional size limit).

use serde::{Deserialize, Serialize};

use super::error::VolumeError;
use crate::quantity::{is_dns_label, is_dns_subdomain, Quantity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VolumeType {
    PersistentVolumeClaim,
    ConfigMap,
    Secret,
    HostPath,
    EmptyDir,
}

impl VolumeType {
    /// The name the table and the API use.
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeType::PersistentVolumeClaim => "persistent_volume_claim",
            VolumeType::ConfigMap => "config_map",
            VolumeType::Secret => "secret",
            VolumeType::HostPath => "host_path",
            VolumeType::EmptyDir => "empty_dir",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadOnlyMany,
    ReadWriteMany,
}

impl AccessMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
            AccessMode::ReadWriteMany => "ReadWriteMany",
        }
    }
}

/// What a volume is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeFields {
    pub name: String,
    pub volume_type: VolumeType,
    pub storage_class: Option<String>,
    /// The claim's size, or an empty dir's size limit.
    pub size: Option<String>,
    pub access_mode: Option<AccessMode>,
    /// Where containers mount it unless a mount says otherwise.
    pub mount_path: Option<String>,
    pub host_path: Option<String>,
    /// The config map or secret a `config_map` or `secret` volume mounts.
    pub source_name: Option<String>,
}

/// Whether `path` is absolute, at most 500 characters, without a `..` segment or NUL.
pub fn is_absolute_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() <= 500
        && !path.contains('\0')
        && !path.split('/').any(|segment| segment == "..")
}

impl VolumeFields {
    pub fn validated(mut self) -> Result<Self, VolumeError> {
        if !is_dns_label(&self.name) {
            return Err(VolumeError::Name);
        }
        let kind = self.volume_type.as_str();
        let present = |field: bool, name: &'static str| -> Result<(), VolumeError> {
            if field {
                Err(VolumeError::NotApplicable(name, kind))
            } else {
                Ok(())
            }
        };
        let claim = self.volume_type == VolumeType::PersistentVolumeClaim;
        let sourced = matches!(self.volume_type, VolumeType::ConfigMap | VolumeType::Secret);
        let host = self.volume_type == VolumeType::HostPath;
        let sized = claim || self.volume_type == VolumeType::EmptyDir;
        present(!claim && self.storage_class.is_some(), "storageClass")?;
        present(!claim && self.access_mode.is_some(), "accessMode")?;
        present(!sized && self.size.is_some(), "size")?;
        present(!sourced && self.source_name.is_some(), "sourceName")?;
        present(!host && self.host_path.is_some(), "hostPath")?;
        if claim {
            if self.size.is_none() {
                return Err(VolumeError::Required("size", kind));
            }
            self.access_mode.get_or_insert(AccessMode::ReadWriteOnce);
        }
        if let Some(size) = &self.size {
            if size.len() > 20 {
                return Err(VolumeError::Size);
            }
            let bytes = Quantity::parse(size).map_err(|_| VolumeError::Size)?;
            if bytes.millis() < 1000 {
                return Err(VolumeError::Size);
            }
        }
        if let Some(class) = &self.storage_class {
            if class.len() > 100 || !is_dns_subdomain(class) {
                return Err(VolumeError::StorageClass);
            }
        }
        if sourced {
            match &self.source_name {
                None => return Err(VolumeError::Required("sourceName", kind)),
                Some(name) if !is_dns_subdomain(name) => return Err(VolumeError::SourceName),
                Some(_) => {}
            }
        }
        if host {
            match &self.host_path {
                None => return Err(VolumeError::Required("hostPath", kind)),
                Some(path) if !is_absolute_path(path) => return Err(VolumeError::Path("hostPath")),
                Some(_) => {}
            }
        }
        if self
            .mount_path
            .as_deref()
            .is_some_and(|p| !is_absolute_path(p))
        {
            return Err(VolumeError::Path("mountPath"));
        }
        Ok(self)
    }
}

impl VolumeFields {
    /// Whether `next` may replace these fields: only the size (a claim's may only grow) and the
    /// default mount path change.
    pub fn check_change(&self, next: &VolumeFields) -> Result<(), VolumeError> {
        let same = [
            (self.name == next.name, "name"),
            (self.volume_type == next.volume_type, "type"),
            (self.storage_class == next.storage_class, "storageClass"),
            (self.access_mode == next.access_mode, "accessMode"),
            (self.host_path == next.host_path, "hostPath"),
            (self.source_name == next.source_name, "sourceName"),
        ];
        if let Some((_, field)) = same.iter().find(|(same, _)| !same) {
            return Err(VolumeError::Immutable(field));
        }
        if self.volume_type == VolumeType::PersistentVolumeClaim {
            let bytes = |size: &Option<String>| {
                size.as_deref()
                    .and_then(|s| Quantity::parse(s).ok())
                    .map_or(0, |q| q.millis())
            };
            if bytes(&next.size) < bytes(&self.size) {
                return Err(VolumeError::Shrink);
            }
        }
        Ok(())
    }
}
