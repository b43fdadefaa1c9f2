//! Operating projections: status with lag, rebuild from zero, resume after a poison event.

use chrono::{DateTime, Utc};
use db::{DbError, Pool, Sql};
use serde::Serialize;

use super::Projection;

/// What `GET /api/v1/projections` and `edgedev projections status` show for one projection.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectionStatus {
    pub name: String,
    pub status: String,
    pub checkpoint_transaction_id: i64,
    pub checkpoint_position: i64,
    pub events_applied: i64,
    pub lag_events: i64,
    pub lag_seconds: f64,
    pub last_error: Option<String>,
    pub failed_position: Option<i64>,
    pub updated_at: DateTime<Utc>,
    /// A blue-green rebuild in progress: events done and total, and when it started.
    pub rebuild: Option<(i64, i64, DateTime<Utc>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("no projection is named {0}")]
    Unknown(String),
    #[error("projection {0} is stopped on a poison event; see its last error")]
    Failed(String),
    #[error("a rebuild of {0} is running")]
    Busy(String),
    #[error("projection error: {0}")]
    Projection(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

const STATUS: &str =
    "SELECT c.name, c.status, c.last_txid::text::bigint AS txid, c.last_position, \
        c.events_applied, c.last_error, c.failed_position, c.updated_at, \
        c.rebuild_done, c.rebuild_total, c.rebuild_started_at, \
        lag.events AS lag_events, \
        COALESCE(EXTRACT(EPOCH FROM now() - lag.oldest)::float8, 0) AS lag_seconds \
    FROM projection_checkpoints c \
    CROSS JOIN LATERAL ( \
        SELECT count(*) AS events, min(e.recorded_at) AS oldest FROM events e \
        WHERE (e.transaction_id, e.global_position) > (c.last_txid, c.last_position) \
    ) lag \
    ORDER BY c.name";

pub async fn status(pool: &Pool) -> Result<Vec<ProjectionStatus>, DbError> {
    let rows = pool.query(STATUS, &[]).await?;
    rows.into_iter()
        .map(|row| {
            Ok(ProjectionStatus {
                name: row.try_get("name")?,
                status: row.try_get("status")?,
                checkpoint_transaction_id: row.try_get("txid")?,
                checkpoint_position: row.try_get("last_position")?,
                events_applied: row.try_get("events_applied")?,
                lag_events: row.try_get("lag_events")?,
                lag_seconds: row.try_get("lag_seconds")?,
                last_error: row.try_get("last_error")?,
                failed_position: row.try_get("failed_position")?,
                updated_at: row.try_get("updated_at")?,
                rebuild: match (
                    row.try_get::<_, Option<i64>>("rebuild_done")?,
                    row.try_get::<_, Option<i64>>("rebuild_total")?,
                    row.try_get::<_, Option<DateTime<Utc>>>("rebuild_started_at")?,
                ) {
                    (Some(done), Some(total), Some(started)) => Some((done, total, started)),
                    _ => None,
                },
            })
        })
        .collect()
}

/// Empties the projection's tables and resets its checkpoint, in one transaction. Taking the lease
/// waits for a batch in flight in any process, so no batch straddles the reset.
pub async fn reset(pool: &Pool, projection: &dyn Projection) -> Result<(), AdminError> {
    super::step::register(pool, projection.name()).await?;
    let mut client = pool.get().await?;
    let tx = client.transaction().await.map_err(DbError::from)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(727275, hashtext($1))",
        &[&projection.name()],
    )
    .await?;
    if !projection.tables().is_empty() {
        let tables = projection.tables().join(", ");
        tx.execute(&format!("TRUNCATE {tables}"), &[]).await?;
    }
    tx.execute("UPDATE projection_checkpoints SET last_txid = '0', last_position = 0, events_applied = 0, \
         status = 'running', last_error = NULL, failed_event_id = NULL, failed_position = NULL, \
         updated_at = now() WHERE name = $1", &[&projection.name()])
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

pub async fn resume(pool: &Pool, name: &str) -> Result<(), AdminError> {
    pool.execute("UPDATE projection_checkpoints SET status = 'running', last_error = NULL, failed_event_id = NULL, \
         failed_position = NULL, updated_at = now() WHERE name = $1", &[&name])
    .await?;
    Ok(())
}

/// Moves a consumer (e.g. the relay) back to the start of the log without touching any table.
pub async fn reset_checkpoint(pool: &Pool, name: &str) -> Result<(), AdminError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await.map_err(DbError::from)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(727275, hashtext($1))",
        &[&name],
    )
    .await?;
    tx.execute("UPDATE projection_checkpoints SET last_txid = '0', last_position = 0, events_applied = 0, \
         last_error = NULL, updated_at = now() WHERE name = $1", &[&name])
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
