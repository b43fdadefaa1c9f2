//! Queries of `operation_logs` and `user_operation_stats`, run as `edgedev_platform_reader` (a
//! role that owns nothing) with the caller set for the transaction: the tables' row-level
//! security policies decide which rows exist for the caller, whatever conditions a query adds.

use chrono::{DateTime, Utc};
use db::{DbError, FromRow, Pool, Transaction};

/// Who is asking: their platform user id, and for callers that are not platform users, the
/// system roles their token names (the policies grant by those roles' permissions).
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub system_roles: Vec<String>,
}

/// Filters of the operation log; each applies when given.
#[derive(Debug, Default)]
pub struct OperationLogFilter<'a> {
    pub user_id: Option<i64>,
    pub action: Option<&'a str>,
    pub resource_type: Option<&'a str>,
    pub namespace_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, operation_id, user_id, username, action, resource_type, resource_id, \
    resource_name, namespace_id, request_method, request_path, request_body, client_ip, \
    user_agent, status_code, duration_ms, error_code, error_message, started_at, completed_at";

const CONDITION: &str = "($1::int8 IS NULL OR user_id = $1) AND ($2::text IS NULL OR action = $2) \
    AND ($3::text IS NULL OR resource_type = $3) AND ($4::int8 IS NULL OR namespace_id = $4) \
    AND ($5::timestamptz IS NULL OR started_at >= $5) AND ($6::timestamptz IS NULL OR started_at < $6)";

/// Opens `viewer`'s transaction: the reader role and the caller, for this transaction only.
pub(crate) async fn as_viewer<'a>(
    client: &'a mut db::Client,
    viewer: &Viewer,
) -> Result<Transaction<'a>, DbError> {
    let tx = client.transaction().await?;
    let user_id = viewer.user_id.map(|id| id.to_string()).unwrap_or_default();
    let roles = viewer.system_roles.join(",");
    tx.execute(
        "SELECT set_config('role', 'edgedev_platform_reader', true), \
         set_config('app.current_user_id', $1, true), set_config('app.current_roles', $2, true)",
        &[&user_id, &roles],
    )
    .await?;
    Ok(tx)
}

/// A page of the operation log, newest first, and how many rows match in all: only the rows
/// the policy lets `viewer` see.
pub async fn list<T: FromRow>(
    pool: &Pool,
    viewer: &Viewer,
    filter: &OperationLogFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let mut client = pool.get().await?;
    let tx = as_viewer(&mut client, viewer).await?;
    let params: [&(dyn db::ToSql + Sync); 6] = [
        &filter.user_id,
        &filter.action,
        &filter.resource_type,
        &filter.namespace_id,
        &filter.from,
        &filter.to,
    ];
    let page = format!(
        "SELECT {COLUMNS} FROM operation_logs WHERE {CONDITION} \
         ORDER BY started_at DESC, id DESC LIMIT $7 OFFSET $8"
    );
    let count = format!("SELECT count(*) FROM operation_logs WHERE {CONDITION}");
    let mut page_params = params.to_vec();
    page_params.push(&limit);
    page_params.push(&offset);
    let (rows, total) = futures_util::future::try_join(
        tx.query(&page, &page_params),
        tx.query_one(&count, &params),
    )
    .await?;
    tx.commit().await?;
    Ok((db::rows_as(rows)?, db::scalar(total)?))
}

/// The counts of `user_operation_stats` for one user, as far as the policy lets `viewer` see
/// that user's rows; `None` when no such user exists.
pub async fn stats<T: FromRow>(
    pool: &Pool,
    viewer: &Viewer,
    user_id: i64,
) -> Result<Option<T>, DbError> {
    let mut client = pool.get().await?;
    let tx = as_viewer(&mut client, viewer).await?;
    let row = tx
        .query_opt(
            "SELECT user_id, username, full_name, total_operations, successful_operations, \
             failed_operations, create_operations, start_operations, stop_operations, \
             delete_operations, first_operation_at, last_operation_at, \
             avg_duration_ms::float8 AS avg_duration_ms, operations_last_30_days \
             FROM user_operation_stats WHERE user_id = $1",
            &[&user_id],
        )
        .await?;
    tx.commit().await?;
    db::opt_as(row)
}
