//! Queries of the operations read model (`tbl_operation_status`, `tbl_action_status`) and of the
//! request that started an operation. Rows are read into the caller's type, its fields named as the
//! columns.

use cqrs_es::Aggregate;
use db::{DbError, FromRow, Pool};
use domain::application::Application;
use domain::operation::OperationEventKind;

use crate::runtime::Checkpoint;

/// Where an operation was requested, by whom, and who owns its application.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationRequest {
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The user who requested it.
    pub requester: Option<String>,
    /// The owner of the application it runs on (read from `tbl_application`, through `tbl_vm`
    /// for an operation on a VM).
    pub owner: Option<String>,
    /// The request's place in the log.
    pub requested_at: Checkpoint,
}

/// The request of operation `operation_id`, if there is one.
pub async fn request(pool: &Pool, operation_id: &str) -> Result<Option<OperationRequest>, DbError> {
    let row = pool
        .query_opt(
            "SELECT r.aggregate_type, r.aggregate_id, r.payload->>'userId' AS requester, \
             r.transaction_id::text::bigint AS txid, r.global_position, \
             (SELECT a.user_id FROM tbl_application a WHERE a.id = CASE WHEN r.aggregate_type = $3 \
                THEN r.aggregate_id WHEN r.aggregate_type = $4 THEN r.aggregate_id ELSE (SELECT v.app_id FROM tbl_vm v WHERE v.id = r.aggregate_id) END) AS owner \
             FROM events r WHERE r.event_type = $2 AND r.payload->>'operationId' = $1",
            &[
                &operation_id,
                &OperationEventKind::OperationRequested.name(),
                &Application::TYPE,
                &domain::container::Container::TYPE,
            ],
        )
        .await?;
    row.map(|row| {
        Ok(OperationRequest {
            aggregate_type: row.try_get("aggregate_type")?,
            aggregate_id: row.try_get("aggregate_id")?,
            requester: row.try_get("requester")?,
            owner: row.try_get("owner")?,
            requested_at: (row.try_get("txid")?, row.try_get("global_position")?),
        })
    })
    .transpose()
}

/// An operation's row (columns `id, user_name, object_type, object_id, object_name,
/// operation_name, progress, status, error_msg, create_time, update_time`).
pub async fn operation<T: FromRow>(pool: &Pool, operation_id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        "SELECT id, user_name, object_type, object_id, object_name, operation_name, progress, status, \
         error_msg, create_time, update_time FROM tbl_operation_status WHERE id = $1",
        &[&operation_id],
    )
    .await
    .and_then(db::opt_as)
}

/// An operation's actions in order (columns `id, object_type, object_id, action_name, progress,
/// status, error_msg, status_log, update_time`).
pub async fn actions<T: FromRow>(pool: &Pool, operation_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT id, object_type, object_id, action_name, progress, status, error_msg, status_log, \
         update_time FROM tbl_action_status WHERE operation_id = $1 ORDER BY id",
        &[&operation_id],
    )
    .await
    .and_then(db::rows_as)
}
