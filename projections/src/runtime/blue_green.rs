//! A blue-green rebuild (docs/audit.md): the projection is rebuilt from the log into a schema of
//! its own (`edgedev_green_<name>`, the same tables) while the live tables keep answering and
//! the live projection keeps applying new events. Near the head, one transaction takes the
//! projection's lease (the live runner skips it meanwhile), applies the last events to the green
//! tables, replaces the live tables' content with theirs and moves the checkpoint to where the
//! green copy stands, and commits: a query sees the old read model or the new one, never a
//! partial one (readers of the projection's tables wait for that one transaction). The green
//! schema is dropped afterwards, and also when the rebuild fails, which leaves the live tables
//! as they were. Progress (events done and total) is kept on the checkpoint row.

use std::time::Instant;

use db::{Conn, DbError, Pool};

use super::admin::AdminError;
use super::log::{Checkpoint, LogEvent, SELECT_EVENTS};
use super::step::literal;
use super::Projection;

/// Rebuilds of one projection at a time: a session lock on this key and the name.
const REBUILD_LOCK: i32 = 727276;

/// How far a rebuild has come.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub events_per_second: f64,
}

impl Progress {
    /// Seconds left at the current rate.
    pub fn eta_seconds(&self) -> Option<f64> {
        (self.events_per_second > 0.0)
            .then(|| self.total.saturating_sub(self.done) as f64 / self.events_per_second)
    }
}

fn green(name: &str) -> String {
    format!("edgedev_green_{name}")
}

fn below_horizon(after: Checkpoint, limit: i64) -> String {
    format!(
        "{SELECT_EVENTS} WHERE (transaction_id, global_position) > ('{}'::xid8, {}) \
           AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
         ORDER BY transaction_id, global_position LIMIT {limit}",
        after.0, after.1
    )
}

/// Applies the next batch below the horizon to the green tables (inside the caller's
/// transaction); returns the events read.
async fn green_batch(
    conn: &Conn,
    projection: &dyn Projection,
    schema: &str,
    after: &mut Checkpoint,
    limit: i64,
) -> Result<usize, AdminError> {
    conn.batch_execute(&format!("SET LOCAL search_path = {schema}, public"))
        .await
        .map_err(DbError::from)?;
    let rows = conn
        .query(&below_horizon(*after, limit), &[])
        .await
        .map_err(DbError::from)?;
    let events: Vec<LogEvent> = rows
        .iter()
        .map(LogEvent::from_row)
        .collect::<Result<_, _>>()?;
    if let Some(last) = events.last() {
        if super::reads_any(projection, &events) {
            projection
                .apply(conn, &events)
                .await
                .map_err(|e| AdminError::Projection(e.to_string()))?;
        }
        *after = last.checkpoint();
    }
    conn.batch_execute("SET LOCAL search_path = public")
        .await
        .map_err(DbError::from)?;
    Ok(events.len())
}

async fn columns(conn: &Conn, table: &str) -> Result<String, DbError> {
    let rows = conn
        .query(
            "SELECT quote_ident(attname) FROM pg_attribute \
             WHERE attrelid = ('public.' || $1)::regclass AND attnum > 0 AND NOT attisdropped \
               AND attgenerated = '' ORDER BY attnum",
            &[&table],
        )
        .await?;
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    Ok(names.join(", "))
}

/// Whether a blue-green rebuild of `name` runs in any process (its lock is held). The progress
/// columns cannot say: a process that died mid-rebuild leaves them set.
pub async fn running(pool: &Pool, name: &str) -> Result<bool, DbError> {
    let conn = pool.get().await?;
    let free: bool = conn
        .query_one(
            "SELECT pg_try_advisory_lock($1, hashtext($2))",
            &[&REBUILD_LOCK, &name],
        )
        .await?
        .try_get(0)?;
    if free {
        conn.execute(
            "SELECT pg_advisory_unlock($1, hashtext($2))",
            &[&REBUILD_LOCK, &name],
        )
        .await?;
    }
    Ok(!free)
}

/// Rebuilds `projection` blue-green; `report` is told the progress after every batch. Returns
/// the events applied.
pub async fn rebuild(
    pool: &Pool,
    projection: &dyn Projection,
    limit: i64,
    mut report: impl FnMut(Progress),
) -> Result<u64, AdminError> {
    let name = projection.name();
    let schema = green(name);
    let guard = pool.get().await?;
    let locked: bool = guard
        .query_one(
            "SELECT pg_try_advisory_lock($1, hashtext($2))",
            &[&REBUILD_LOCK, &name],
        )
        .await
        .map_err(DbError::from)?
        .try_get(0)
        .map_err(DbError::from)?;
    if !locked {
        return Err(AdminError::Busy(name.to_owned()));
    }
    let result = build_and_swap(pool, projection, &schema, limit, &mut report).await;
    let cleanup = format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; \
         UPDATE projection_checkpoints SET rebuild_done = NULL, rebuild_total = NULL, \
         rebuild_started_at = NULL WHERE name = {}",
        literal(name)
    );
    if let Err(error) = pool.batch(&cleanup).await {
        tracing::warn!(projection = name, %error, "cannot drop the green schema");
    }
    let _ = guard
        .execute(
            "SELECT pg_advisory_unlock($1, hashtext($2))",
            &[&REBUILD_LOCK, &name],
        )
        .await;
    result
}

async fn build_and_swap(
    pool: &Pool,
    projection: &dyn Projection,
    schema: &str,
    limit: i64,
    report: &mut impl FnMut(Progress),
) -> Result<u64, AdminError> {
    let name = projection.name();
    let conn = pool.get().await?;
    super::shadow::create(&conn, schema, projection.tables()).await?;
    let total: i64 = pool
        .query_one("SELECT count(*) FROM events", &[])
        .await
        .and_then(db::scalar)?;
    pool.execute(
        "UPDATE projection_checkpoints SET rebuild_done = 0, rebuild_total = $2, \
         rebuild_started_at = now() WHERE name = $1",
        &[&name, &total],
    )
    .await?;
    let started = Instant::now();
    let mut after: Checkpoint = (0, 0);
    let mut done = 0u64;
    // The bulk, batch by batch, each its own transaction; the live projection goes on.
    loop {
        conn.batch_execute("BEGIN; SET LOCAL synchronous_commit = off")
            .await
            .map_err(DbError::from)?;
        let read = match green_batch(&conn, projection, schema, &mut after, limit).await {
            Ok(read) => read,
            Err(error) => {
                db::rollback_or_discard(conn).await;
                return Err(error);
            }
        };
        conn.batch_execute("COMMIT").await.map_err(DbError::from)?;
        done += read as u64;
        let progress = Progress {
            done,
            total: (total as u64).max(done),
            events_per_second: done as f64 / started.elapsed().as_secs_f64().max(1e-3),
        };
        pool.execute(
            "UPDATE projection_checkpoints SET rebuild_done = $2, rebuild_total = $3 WHERE name = $1",
            &[&name, &(progress.done as i64), &(progress.total as i64)],
        )
        .await?;
        report(progress);
        if (read as i64) < limit {
            break;
        }
    }
    // The swap: under the lease, the rest of the log, then the content and the checkpoint.
    let swapped = swap(&conn, projection, schema, &mut after, limit, &mut done).await;
    if swapped.is_err() {
        db::rollback_or_discard(conn).await;
    }
    swapped?;
    report(Progress {
        done,
        total: done,
        events_per_second: done as f64 / started.elapsed().as_secs_f64().max(1e-3),
    });
    Ok(done)
}

async fn swap(
    conn: &Conn,
    projection: &dyn Projection,
    schema: &str,
    after: &mut Checkpoint,
    limit: i64,
    done: &mut u64,
) -> Result<(), AdminError> {
    let name = projection.name();
    conn.batch_execute(&format!(
        "BEGIN; SELECT pg_advisory_xact_lock(727275, hashtext({}))",
        literal(name)
    ))
    .await
    .map_err(DbError::from)?;
    loop {
        let read = green_batch(conn, projection, schema, after, limit).await?;
        *done += read as u64;
        if read == 0 {
            break;
        }
    }
    let tables = projection.tables();
    if !tables.is_empty() {
        conn.batch_execute(&format!("TRUNCATE {}", tables.join(", ")))
            .await
            .map_err(DbError::from)?;
    }
    for table in tables {
        let columns = columns(conn, table).await?;
        conn.batch_execute(&format!(
            "INSERT INTO public.{table} ({columns}) SELECT {columns} FROM {schema}.{table}"
        ))
        .await
        .map_err(DbError::from)?;
    }
    conn.execute(
        "UPDATE projection_checkpoints SET last_txid = $2::text::xid8, last_position = $3, \
         events_applied = $4, status = 'running', last_error = NULL, failed_event_id = NULL, \
         failed_position = NULL, updated_at = now() WHERE name = $1",
        &[&name, &after.0.to_string(), &after.1, &(*done as i64)],
    )
    .await
    .map_err(DbError::from)?;
    conn.batch_execute("COMMIT").await.map_err(DbError::from)?;
    Ok(())
}
