//! One batch of one projection, in one transaction: take the lease, read the next events, apply
//! them, advance the checkpoint, commit. The lease is a transaction-scoped advisory lock on the
//! projection's name: while one process holds it the others skip the projection, and a process
//! that dies loses its connection and with it the lock. (An advisory lock, unlike a row lock,
//! takes no transaction id, so reading does not hold back the horizon of other readers.)
//!
//! Projection transactions commit with `synchronous_commit = off`: the log they read is durable,
//! and a batch lost in a database crash is lost together with its checkpoint, so it is simply
//! applied again. Atomicity (exactly once) is kept; only the fsync wait is saved.

use std::sync::atomic::{AtomicU32, Ordering};

use db::{Conn, DbError, Pool, SimpleQueryMessage, Sql};

use super::log::{Checkpoint, LogEvent};
use super::{Projection, ProjectionError};

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// Applied this many events and committed the new checkpoint.
    Applied {
        events: usize,
        checkpoint: Checkpoint,
    },
    /// Nothing visible to apply; `pending` says whether newer events wait behind the horizon.
    CaughtUp {
        checkpoint: Checkpoint,
        pending: bool,
    },
    /// Another process holds the lease.
    Busy,
    /// The projection is stopped on a poison event.
    Failed,
}

/// Test hook: makes the next `n` steps fail after their read-model writes and before the
/// checkpoint, as a crash at that point would (the transaction never commits).
#[derive(Debug, Default)]
pub struct FailPoint {
    remaining: AtomicU32,
}

impl FailPoint {
    pub fn arm(&self, times: u32) {
        self.remaining.store(times, Ordering::SeqCst);
    }
    pub(super) fn fire(&self) -> bool {
        self.remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// The error of a failed step.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The projection rejected a batch; `event` (id, position) names the event when the batch
    /// held only that one, so it is the poison event.
    #[error("{error}")]
    Apply {
        error: ProjectionError,
        event: Option<(uuid::Uuid, i64)>,
    },
    #[error("simulated crash before the checkpoint")]
    SimulatedCrash,
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Quotes a projection name as an SQL literal (names are static identifiers; quotes are doubled
/// all the same).
pub(super) fn literal(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// The opening round trip of a step, as one simple-protocol message: begin, take the lease, read
/// the checkpoint, read the next batch below the horizon, and say whether committed events wait
/// behind the horizon. Statements run in order, so the batch is read after the lease is held.
///
/// Sequential scans are off for the step: every read of a step is a range or key lookup, but on a
/// young or freshly grown log the planner's statistics make a scan of `events` look cheaper, and
/// each step then reads the whole log (measured: 570 scans/s of the whole table at 16 clients).
fn opening_sql(name: &str, limit: i64) -> String {
    let name = literal(name);
    let checkpoint = format!(
        "(SELECT last_txid, last_position FROM projection_checkpoints WHERE name = {name})"
    );
    format!(
        "BEGIN; SET LOCAL synchronous_commit = off; SET LOCAL enable_seqscan = off; \
         SELECT pg_try_advisory_xact_lock(727275, hashtext({name})) AS leased, \
                last_txid::text::bigint AS txid, last_position, status \
           FROM projection_checkpoints WHERE name = {name}; \
         {} WHERE (transaction_id, global_position) > {checkpoint} \
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
          ORDER BY transaction_id, global_position LIMIT {limit}; \
         SELECT EXISTS (SELECT 1 FROM events WHERE (transaction_id, global_position) > {checkpoint} \
            AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS pending",
        super::log::SELECT_EVENTS
    )
}

/// Runs one step of `projection` with at most `limit` events.
pub async fn step(
    pool: &Pool,
    projection: &dyn Projection,
    limit: i64,
    fail_point: &FailPoint,
) -> Result<StepOutcome, StepError> {
    let conn = pool.get().await?;
    let result = step_on(&conn, projection, limit, fail_point).await;
    if result.is_err() {
        // Leave nothing open on a pooled connection: roll back, or drop the connection.
        db::rollback_or_discard(conn).await;
    }
    result
}

/// What the opening round trip of a step found.
pub enum Opening {
    /// Another process holds the lease (or the consumer is not registered); the transaction is
    /// closed.
    Busy,
    /// The consumer is stopped on a poison event; the transaction is closed.
    Failed,
    /// Nothing visible to apply; the transaction is closed.
    CaughtUp {
        checkpoint: Checkpoint,
        pending: bool,
    },
    /// A batch to apply; the transaction (with the lease) stays open until [`close_batch`] or
    /// a rollback.
    Batch { events: Vec<LogEvent> },
}

/// Opens a step of consumer `name` on `conn`: begin, lease, checkpoint, batch, horizon check.
pub async fn open_batch(conn: &Conn, name: &str, limit: i64) -> Result<Opening, DbError> {
    let opening = opening_sql(name, limit);
    use db::text::{flag, get};
    let messages = conn.simple(&opening).await?;
    let mut lease = None;
    let mut events = Vec::new();
    let mut pending = false;
    for message in &messages {
        let SimpleQueryMessage::Row(row) = message else {
            continue;
        };
        match row.columns().first().map(|c| c.name()) {
            Some("leased") => lease = Some(row),
            Some("pending") => pending = flag(row, 0)?,
            _ => events.push(LogEvent::from_text_row(row)?),
        }
    }
    let outcome = match lease {
        None => Opening::Busy,
        Some(lease) if !flag(lease, 0)? => Opening::Busy,
        Some(lease) if get::<String>(lease, 3)? == "failed" => Opening::Failed,
        Some(lease) if events.is_empty() => Opening::CaughtUp {
            checkpoint: (get(lease, 1)?, get(lease, 2)?),
            pending,
        },
        Some(_) => return Ok(Opening::Batch { events }),
    };
    let end = if matches!(outcome, Opening::CaughtUp { .. }) {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    conn.batch_execute(end).await?;
    Ok(outcome)
}

/// Advances consumer `name`'s checkpoint past `events` and commits the step.
pub async fn close_batch(
    conn: &Conn,
    name: &str,
    events: &[LogEvent],
) -> Result<Checkpoint, DbError> {
    let next = events.last().map(LogEvent::checkpoint).unwrap_or_default();
    let close = format!(
        "UPDATE projection_checkpoints SET last_txid = '{}', last_position = {}, \
         events_applied = events_applied + {}, last_error = NULL, updated_at = now() WHERE name = {}; COMMIT",
        next.0,
        next.1,
        events.len(),
        literal(name)
    );
    conn.batch_execute(&close).await?;
    Ok(next)
}

async fn step_on(
    conn: &Conn,
    projection: &dyn Projection,
    limit: i64,
    fail_point: &FailPoint,
) -> Result<StepOutcome, StepError> {
    let name = projection.name();
    let events = match open_batch(conn, name, limit).await? {
        Opening::Busy => return Ok(StepOutcome::Busy),
        Opening::Failed => return Ok(StepOutcome::Failed),
        Opening::CaughtUp {
            checkpoint,
            pending,
        } => {
            return Ok(StepOutcome::CaughtUp {
                checkpoint,
                pending,
            })
        }
        Opening::Batch { events } => events,
    };
    if let Err(error) = projection.apply(conn, &events).await {
        let event = (events.len() == 1).then(|| (events[0].event_id, events[0].global_position));
        return Err(StepError::Apply { error, event });
    }
    if fail_point.fire() {
        return Err(StepError::SimulatedCrash); // the caller rolls the writes back
    }
    let checkpoint = close_batch(conn, name, &events).await?;
    Ok(StepOutcome::Applied {
        events: events.len(),
        checkpoint,
    })
}

/// Stops `name` on a poison event: records the error where status queries and metrics see it.
pub async fn mark_failed(
    pool: &Pool,
    name: &str,
    error: &str,
    event: Option<(uuid::Uuid, i64)>,
) -> Result<(), DbError> {
    pool.execute("UPDATE projection_checkpoints SET status = 'failed', last_error = $2, failed_event_id = $3, \
         failed_position = $4, updated_at = now() WHERE name = $1", &[&name, &error, &event.map(|e| e.0), &event.map(|e| e.1)])
    .await?;
    Ok(())
}

/// Makes sure `name` has a checkpoint row (at the start of the log).
pub async fn register(pool: &Pool, name: &str) -> Result<(), DbError> {
    pool.execute(
        "INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
        &[&name],
    )
    .await?;
    Ok(())
}
