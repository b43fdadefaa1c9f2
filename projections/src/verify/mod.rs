//! The projections verifier (`edgedev verify projections`, docs/audit.md): each projection is
//! rebuilt from the log into a shadow schema of the same tables, up to exactly its live
//! checkpoint, and compared with the live tables row by row. Everything happens in one
//! REPEATABLE READ transaction that is rolled back: the live tables and the checkpoint are seen
//! as the runner committed them together (one transaction per batch), the log up to the
//! checkpoint is all visible, and nothing is left behind. Nothing live is locked or paused.
//!
//! - [`compare`]: the row-by-row comparison of a live table with its rebuilt shadow.

pub mod compare;

use db::{Conn, DbError, Pool};
use serde::Serialize;

use crate::runtime::{LogEvent, Projection, ProjectionError, SELECT_EVENTS};
pub use compare::TableReport;

/// The schema a projection is rebuilt into (inside the verifying transaction only).
pub const SHADOW: &str = "edgedev_verify";

const BATCH: i64 = 2000;

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0} cannot apply the log: {1}")]
    Apply(String, ProjectionError),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// What the verifier found for one projection.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectionReport {
    pub name: String,
    /// The live checkpoint the rebuild stopped at: `(transaction id, global position)`.
    pub checkpoint: (i64, i64),
    /// Events read to rebuild it.
    pub events: u64,
    pub ok: bool,
    pub tables: Vec<TableReport>,
}

/// Rebuilds `projection` in the shadow schema up to its live checkpoint and compares.
pub async fn verify_projection(
    pool: &Pool,
    projection: &dyn Projection,
) -> Result<ProjectionReport, VerifyError> {
    let conn = pool.get().await?;
    let result = verify_on(&conn, projection).await;
    db::rollback_or_discard(conn).await;
    result
}

async fn verify_on(
    conn: &Conn,
    projection: &dyn Projection,
) -> Result<ProjectionReport, VerifyError> {
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL synchronous_commit = off")
        .await
        .map_err(DbError::from)?;
    let checkpoint = conn
        .query_opt(
            "SELECT last_txid::text::bigint, last_position FROM projection_checkpoints WHERE name = $1",
            &[&projection.name()],
        )
        .await
        .map_err(DbError::from)?
        .map(|row| Ok::<_, DbError>((row.try_get(0)?, row.try_get(1)?)))
        .transpose()?
        .unwrap_or((0, 0));
    crate::runtime::shadow::create(conn, SHADOW, projection.tables()).await?;
    conn.batch_execute(&format!("SET LOCAL search_path = {SHADOW}, public"))
        .await
        .map_err(DbError::from)?;
    let events = rebuild_until(conn, projection, checkpoint).await?;
    conn.batch_execute("SET LOCAL search_path = public")
        .await
        .map_err(DbError::from)?;
    let mut tables = Vec::new();
    for table in projection.tables() {
        tables.push(compare::table(conn, table).await?);
    }
    Ok(ProjectionReport {
        name: projection.name().to_owned(),
        checkpoint,
        events,
        ok: tables.iter().all(TableReport::is_equal),
        tables,
    })
}

/// Applies the log up to `until` to the projection (its tables resolved in the shadow schema).
async fn rebuild_until(
    conn: &Conn,
    projection: &dyn Projection,
    until: (i64, i64),
) -> Result<u64, VerifyError> {
    let sql = format!(
        "{SELECT_EVENTS} WHERE (transaction_id, global_position) > ($1::text::xid8, $2) \
           AND (transaction_id, global_position) <= ($3::text::xid8, $4) \
         ORDER BY transaction_id, global_position LIMIT {BATCH}"
    );
    let mut after = (0i64, 0i64);
    let mut read = 0u64;
    loop {
        let rows = conn
            .query(
                &sql,
                &[
                    &after.0.to_string(),
                    &after.1,
                    &until.0.to_string(),
                    &until.1,
                ],
            )
            .await
            .map_err(DbError::from)?;
        let events: Vec<LogEvent> = rows
            .iter()
            .map(LogEvent::from_row)
            .collect::<Result<_, _>>()?;
        let Some(last) = events.last() else {
            return Ok(read);
        };
        after = last.checkpoint();
        read += events.len() as u64;
        if crate::runtime::reads_any(projection, &events) {
            projection
                .apply(conn, &events)
                .await
                .map_err(|e| VerifyError::Apply(projection.name().to_owned(), e))?;
        }
    }
}

/// A consumer's checkpoint checked against the log.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointCheck {
    pub name: String,
    pub checkpoint: (i64, i64),
    /// Events past it.
    pub behind: i64,
    /// It is at or below the log's head and names an event of the log (or the start).
    pub ok: bool,
}

/// Every checkpoint (projections, chainer, relay): at or below the log's head, and at an event
/// the log holds.
pub async fn checkpoints(pool: &Pool) -> Result<Vec<CheckpointCheck>, DbError> {
    let rows = pool
        .query(
            "SELECT c.name, c.last_txid::text::bigint, c.last_position, \
                (SELECT count(*) FROM events e \
                  WHERE (e.transaction_id, e.global_position) > (c.last_txid, c.last_position)), \
                (c.last_position = 0 OR EXISTS (SELECT 1 FROM events e \
                  WHERE e.global_position = c.last_position AND e.transaction_id = c.last_txid)) \
             FROM projection_checkpoints c ORDER BY c.name",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(CheckpointCheck {
                name: row.try_get(0)?,
                checkpoint: (row.try_get(1)?, row.try_get(2)?),
                behind: row.try_get(3)?,
                ok: row.try_get(4)?,
            })
        })
        .collect()
}
