//! The JSON shapes of namespaces and their conversion to the Namespace aggregate's fields.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::namespace::{Namespace, NamespaceError, NamespaceFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorCode};

/// A namespace as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceBody {
    pub id: i64,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub kubernetes_name: String,
    pub cluster_name: String,
    /// active or inactive (an inactive namespace takes no new resources).
    pub status: Option<String>,
    /// Kubernetes ResourceQuota `hard` values by key.
    #[schema(value_type = Option<Object>)]
    pub resource_quota: Option<serde_json::Value>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
}

db::from_row!(NamespaceBody {
    id,
    name,
    display_name,
    description,
    kubernetes_name,
    cluster_name,
    status,
    resource_quota,
    created_at,
    updated_at,
    created_by,
    updated_by,
});

/// The body of a command's answer, from the aggregate (times come with GET).
pub(super) fn render(id: i64, namespace: &Namespace) -> serde_json::Value {
    let Some(f) = &namespace.fields else {
        return serde_json::Value::Bool(true);
    };
    serde_json::to_value(NamespaceBody {
        id,
        name: f.name.clone(),
        display_name: f.display_name.clone(),
        description: f.description.clone(),
        kubernetes_name: f.kubernetes_name.clone(),
        cluster_name: f.cluster_name.clone(),
        status: Some(
            if namespace.active {
                "active"
            } else {
                "inactive"
            }
            .into(),
        ),
        resource_quota: f.resource_quota.as_ref().map(|q| serde_json::json!(q)),
        created_at: None,
        updated_at: None,
        created_by: None,
        updated_by: None,
    })
    .unwrap_or_default()
}

/// A quota value: a quantity (`500m`, `2Gi`) or a count, as text or a whole number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum QuotaValue {
    Text(String),
    Number(u64),
}

/// The body of a namespace's creation or update.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceInput {
    /// A DNS-1123 label; unique.
    #[schema(
        example = "team-a",
        min_length = 1,
        max_length = 63,
        pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    )]
    pub name: String,
    #[schema(max_length = 100)]
    pub display_name: Option<String>,
    #[schema(max_length = 1024)]
    pub description: Option<String>,
    /// The namespace's name in Kubernetes, a DNS-1123 label (default: `name`); unique in its
    /// cluster; cannot change.
    #[schema(
        example = "team-a",
        min_length = 1,
        max_length = 63,
        pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    )]
    pub kubernetes_name: Option<String>,
    /// Default `default`; cannot change.
    #[schema(
        example = "edge-cluster-1",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub cluster_name: Option<String>,
    /// Kubernetes ResourceQuota `hard` values: `cpu`, `requests.cpu`, `limits.cpu` (quantities
    /// like `500m`, `2`), `memory`, `requests.memory`, `limits.memory`, `requests.storage`,
    /// `requests.ephemeral-storage`, `limits.ephemeral-storage` (like `512Mi`, `2Gi`) and
    /// `pods`, `services`, `configmaps`, `secrets`, `persistentvolumeclaims`,
    /// `services.nodeports`, `services.loadbalancers` (whole numbers); a request not above its
    /// limit.
    #[schema(example = json!({"limits.cpu": "4", "limits.memory": "8Gi", "pods": 20}))]
    pub resource_quota: Option<BTreeMap<String, QuotaValue>>,
}

impl NamespaceInput {
    /// The fields, with `kubernetesName` and `clusterName` defaulted from `current` (or `name`
    /// and `default`), validated.
    pub(super) fn fields(
        &self,
        current: Option<&NamespaceFields>,
    ) -> Result<NamespaceFields, ApiError> {
        let quota = self.resource_quota.as_ref().map(|q| {
            q.iter()
                .map(|(k, v)| {
                    let value = match v {
                        QuotaValue::Text(text) => text.clone(),
                        QuotaValue::Number(n) => n.to_string(),
                    };
                    (k.clone(), value)
                })
                .collect()
        });
        NamespaceFields {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            description: self.description.clone(),
            kubernetes_name: self
                .kubernetes_name
                .clone()
                .or_else(|| current.map(|c| c.kubernetes_name.clone()))
                .unwrap_or_else(|| self.name.clone()),
            cluster_name: self
                .cluster_name
                .clone()
                .or_else(|| current.map(|c| c.cluster_name.clone()))
                .unwrap_or_else(|| "default".into()),
            resource_quota: quota,
        }
        .validated()
        .map_err(invalid)
    }
}

/// Filters of the namespace list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct NamespaceQuery {
    /// Part of the name or display name, any case.
    pub search: Option<String>,
    #[param(pattern = "^(active|inactive)$")]
    pub status: Option<String>,
    pub cluster_name: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The answer to a field that breaks its rule.
pub(super) fn invalid(error: NamespaceError) -> ApiError {
    let param = match &error {
        NamespaceError::Name(field) | NamespaceError::TooLong(field, _) => field,
        NamespaceError::Immutable(field) => field,
        NamespaceError::ClusterName => "clusterName",
        NamespaceError::Quota(_) => "resourceQuota",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![(*param).to_owned()])
}
