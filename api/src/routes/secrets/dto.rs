//! The JSON shapes of secrets: plain values only on the way in and in a reveal's answer;
//! every other answer shows keys and metadata.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::namespace_secret::SecretError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};

/// A secret as the API shows it: its keys, never its values.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretBody {
    pub id: i64,
    pub namespace_id: i64,
    pub name: String,
    pub kubernetes_name: String,
    /// Opaque, kubernetes.io/tls or kubernetes.io/dockerconfigjson.
    #[serde(rename = "type")]
    pub secret_type: Option<String>,
    pub keys: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
}

db::from_row!(SecretBody {
    id,
    namespace_id,
    name,
    kubernetes_name,
    secret_type,
    keys,
    created_at,
    updated_at,
    created_by,
    updated_by,
});

/// The body of a secret's creation or update (an update replaces the values; the name and
/// type stay).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretInput {
    /// A DNS-1123 subdomain; unique in the namespace; also its name in Kubernetes.
    #[schema(
        example = "db-credentials",
        min_length = 1,
        max_length = 253,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    )]
    pub name: String,
    /// Opaque (default), kubernetes.io/tls (keys `tls.crt` and `tls.key`, PEM) or
    /// kubernetes.io/dockerconfigjson (key `.dockerconfigjson`, a JSON object with `auths`).
    #[serde(rename = "type", default)]
    #[schema(example = "Opaque")]
    pub secret_type: Option<String>,
    /// Write-only: plain values by key (keys: 1-253 letters, digits, `-`, `_`, `.`; 1 MiB in
    /// all). They are sealed before anything stores them.
    #[schema(example = json!({"username": "app", "password": "s3cret-value"}), write_only)]
    pub data: BTreeMap<String, String>,
}

/// A reveal's answer: the plain values.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevealedSecret {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub secret_type: String,
    pub data: BTreeMap<String, String>,
}

/// The answer to a field that breaks its rule.
pub(super) fn invalid(error: SecretError) -> ApiError {
    let param = match &error {
        SecretError::Name | SecretError::Renamed => "name",
        SecretError::Type | SecretError::Retyped => "type",
        _ => "data",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![param.to_owned()])
}
