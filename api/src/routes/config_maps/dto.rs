//! The JSON shapes of config maps and their conversion to the ConfigMap aggregate's fields.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::config_map::{ConfigMap, ConfigMapError, ConfigMapFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};

/// A config map as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMapBody {
    pub id: i64,
    pub namespace_id: i64,
    pub name: String,
    pub kubernetes_name: String,
    /// String values by key.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Base64 values by key.
    #[schema(value_type = Option<Object>)]
    pub binary_data: Option<serde_json::Value>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
}

db::from_row!(ConfigMapBody {
    id,
    namespace_id,
    name,
    kubernetes_name,
    data,
    binary_data,
    created_at,
    updated_at,
    created_by,
    updated_by,
});

/// The body of a command's answer (times come with GET).
pub(super) fn render(
    id: i64,
    namespace_id: i64,
    fields: &ConfigMapFields,
    map: &ConfigMap,
) -> serde_json::Value {
    if map.name.is_none() {
        return serde_json::Value::Bool(true);
    }
    serde_json::to_value(ConfigMapBody {
        id,
        namespace_id,
        name: fields.name.clone(),
        kubernetes_name: fields.kubernetes_name.clone(),
        data: serde_json::json!(fields.data),
        binary_data: Some(serde_json::json!(fields.binary_data)),
        created_at: None,
        updated_at: None,
        created_by: None,
        updated_by: None,
    })
    .unwrap_or_default()
}

/// The body of a config map's creation or update (an update replaces the data; the name stays).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMapInput {
    /// A DNS-1123 subdomain (lower-case labels joined by dots); unique in the namespace; also
    /// its name in Kubernetes; cannot change.
    #[schema(
        example = "app-settings",
        min_length = 1,
        max_length = 253,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    )]
    pub name: String,
    /// String values by key (keys: 1-253 letters, digits, `-`, `_`, `.`).
    #[serde(default)]
    #[schema(example = json!({"log.level": "info"}))]
    pub data: BTreeMap<String, String>,
    /// Base64 values by key; a key is in `data` or here, not both. Keys and values (decoded)
    /// hold at most 1 MiB in all.
    #[serde(default)]
    pub binary_data: BTreeMap<String, String>,
}

impl ConfigMapInput {
    pub(super) fn fields(&self) -> Result<ConfigMapFields, ApiError> {
        ConfigMapFields {
            name: self.name.clone(),
            kubernetes_name: self.name.clone(),
            data: self.data.clone(),
            binary_data: self.binary_data.clone(),
        }
        .validated()
        .map_err(invalid)
    }
}

/// Filters of the config map list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ConfigMapQuery {
    /// Part of the name.
    pub search: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The answer to a field that breaks its rule.
pub(super) fn invalid(error: ConfigMapError) -> ApiError {
    let param = match &error {
        ConfigMapError::Name(field) => field,
        ConfigMapError::Renamed => "name",
        ConfigMapError::Key(_) | ConfigMapError::KeyInBoth(_) | ConfigMapError::TooLarge(_) => {
            "data"
        }
        ConfigMapError::NotBase64(_) => "binaryData",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![(*param).to_owned()])
}
