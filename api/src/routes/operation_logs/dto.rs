//! The operation log's shapes: a row, the list's filters, a user's counts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One request to the container platform's API and how it ended.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationLogBody {
    pub id: i64,
    pub operation_id: Uuid,
    /// The platform user who made the request (absent when unauthenticated or not a platform user).
    pub user_id: Option<i64>,
    pub username: Option<String>,
    /// create, update, delete, list, get, login, change_password, or an action's verb.
    pub action: String,
    /// user, role, role_binding, namespace, config_map, secret, api_key, operation_log, ...
    pub resource_type: String,
    pub resource_id: Option<i64>,
    pub resource_name: Option<String>,
    pub namespace_id: Option<i64>,
    pub request_method: Option<String>,
    pub request_path: Option<String>,
    /// The JSON body (any JSON value), with passwords and secret values replaced by
    /// "[REDACTED]"; `{"omitted": ...}` for a body that was not JSON or too large to keep.
    pub request_body: Option<serde_json::Value>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub status_code: Option<i32>,
    pub duration_ms: Option<i32>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

db::from_row!(OperationLogBody {
    id,
    operation_id,
    user_id,
    username,
    action,
    resource_type,
    resource_id,
    resource_name,
    namespace_id,
    request_method,
    request_path,
    request_body,
    client_ip,
    user_agent,
    status_code,
    duration_ms,
    error_code,
    error_message,
    started_at,
    completed_at,
});

/// Filters of the operation log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OperationLogQuery {
    /// Only this user's requests (another user's needs `operation-logs:read`).
    #[param(minimum = 1, maximum = 9007199254740991_i64)]
    pub user_id: Option<i64>,
    /// Only this action (create, update, delete, list, get, login, reveal, ...).
    #[param(max_length = 50)]
    pub action: Option<String>,
    /// Only this resource type (user, role, namespace, config_map, secret, ...).
    #[param(max_length = 50)]
    pub resource_type: Option<String>,
    #[param(minimum = 1, maximum = 9007199254740991_i64)]
    pub namespace_id: Option<i64>,
    /// Requests started at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Requests started before this time (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// What one user did, counted (the `user_operation_stats` view).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatsBody {
    pub user_id: i64,
    pub username: String,
    pub full_name: Option<String>,
    pub total_operations: i64,
    /// Answered 2xx.
    pub successful_operations: i64,
    /// Answered 4xx or 5xx.
    pub failed_operations: i64,
    pub create_operations: i64,
    pub start_operations: i64,
    pub stop_operations: i64,
    pub delete_operations: i64,
    pub first_operation_at: Option<DateTime<Utc>>,
    pub last_operation_at: Option<DateTime<Utc>>,
    pub avg_duration_ms: Option<f64>,
    pub operations_last_30_days: i64,
}

db::from_row!(OperationStatsBody {
    user_id,
    username,
    full_name,
    total_operations,
    successful_operations,
    failed_operations,
    create_operations,
    start_operations,
    stop_operations,
    delete_operations,
    first_operation_at,
    last_operation_at,
    avg_duration_ms,
    operations_last_30_days,
});
