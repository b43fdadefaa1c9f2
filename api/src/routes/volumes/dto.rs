//! The JSON shapes of volumes and their conversion to the Volume aggregate's fields.

use chrono::{DateTime, Utc};
use domain::volume::{AccessMode, VolumeError, VolumeFields, VolumeType};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};

/// A volume as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeBody {
    pub id: i64,
    pub namespace_id: i64,
    pub name: String,
    /// persistent_volume_claim, config_map, secret, host_path or empty_dir.
    #[serde(rename = "type")]
    pub volume_type: String,
    pub storage_class: Option<String>,
    pub size: Option<String>,
    pub access_mode: Option<String>,
    pub mount_path: Option<String>,
    pub host_path: Option<String>,
    pub source_name: Option<String>,
    pub kubernetes_name: Option<String>,
    /// available.
    pub status: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
}

db::from_row!(VolumeBody {
    id,
    namespace_id,
    name,
    volume_type = "type",
    storage_class,
    size,
    access_mode,
    mount_path,
    host_path,
    source_name,
    kubernetes_name,
    status,
    created_at,
    updated_at,
    created_by,
});

/// The body of a command's answer (times come with GET).
pub(super) fn render(id: i64, namespace_id: i64, f: &VolumeFields) -> serde_json::Value {
    serde_json::to_value(VolumeBody {
        id,
        namespace_id,
        name: f.name.clone(),
        volume_type: f.volume_type.as_str().to_owned(),
        storage_class: f.storage_class.clone(),
        size: f.size.clone(),
        access_mode: f.access_mode.map(|m| m.as_str().to_owned()),
        mount_path: f.mount_path.clone(),
        host_path: f.host_path.clone(),
        source_name: f.source_name.clone(),
        kubernetes_name: Some(f.name.clone()),
        status: Some("available".into()),
        created_at: None,
        updated_at: None,
        created_by: None,
    })
    .unwrap_or_default()
}

/// The body of a volume's creation. Each type takes its own fields and refuses the others'.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeInput {
    /// A DNS-1123 label, unique in the namespace; also its name in Kubernetes; cannot change.
    #[schema(
        example = "data",
        min_length = 1,
        max_length = 63,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    )]
    pub name: String,
    /// persistent_volume_claim (needs `size`; `accessMode`, `storageClass`), config_map or secret
    /// (need `sourceName`, one of the namespace's), host_path (needs `hostPath` and
    /// `volumes:admin`), empty_dir (`size` as its limit).
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "persistent_volume_claim",
        pattern = "^(persistent_volume_claim|config_map|secret|host_path|empty_dir)$")]
    pub volume_type: VolumeType,
    #[schema(
        max_length = 100,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    )]
    pub storage_class: Option<String>,
    /// A quantity of bytes above zero (`1Gi`, `500M`).
    #[schema(example = "1Gi", max_length = 20)]
    pub size: Option<String>,
    /// ReadWriteOnce (a claim's default), ReadOnlyMany or ReadWriteMany.
    #[schema(value_type = Option<String>, pattern = "^(ReadWriteOnce|ReadOnlyMany|ReadWriteMany)$")]
    pub access_mode: Option<AccessMode>,
    /// Where containers mount it unless a mount says otherwise: absolute, without `..`.
    #[schema(example = "/var/lib/data", max_length = 500, pattern = "^/")]
    pub mount_path: Option<String>,
    /// A host_path volume's absolute path on the node, without `..`.
    #[schema(max_length = 500, pattern = "^/")]
    pub host_path: Option<String>,
    /// The config map or secret of the namespace a config_map or secret volume mounts.
    #[schema(
        max_length = 253,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    )]
    pub source_name: Option<String>,
}

impl VolumeInput {
    pub(super) fn fields(&self) -> Result<VolumeFields, ApiError> {
        VolumeFields {
            name: self.name.clone(),
            volume_type: self.volume_type,
            storage_class: self.storage_class.clone(),
            size: self.size.clone(),
            access_mode: self.access_mode,
            mount_path: self.mount_path.clone(),
            host_path: self.host_path.clone(),
            source_name: self.source_name.clone(),
        }
        .validated()
        .map_err(invalid)
    }
}

/// Filters of the volume list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VolumeQuery {
    /// Only volumes of this type.
    #[serde(rename = "type")]
    #[param(
        rename = "type",
        pattern = "^(persistent_volume_claim|config_map|secret|host_path|empty_dir)$"
    )]
    pub volume_type: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The answer to a field that breaks its rule.
pub(super) fn invalid(error: VolumeError) -> ApiError {
    let param = match &error {
        VolumeError::Name => "name",
        VolumeError::Required(field, _) | VolumeError::NotApplicable(field, _) => field,
        VolumeError::Size => "size",
        VolumeError::StorageClass => "storageClass",
        VolumeError::SourceName => "sourceName",
        VolumeError::Path(field) => field,
        VolumeError::Immutable(field) => field,
        VolumeError::Shrink => "size",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![(*param).to_owned()])
}
