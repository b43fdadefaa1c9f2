//! One batch of one projection, in one transaction: lease the checkpoint row, read the next
//! events, apply them, advance the checkpoint, commit. The row lock (`FOR UPDATE SKIP LOCKED`) is
//! the lease: while one process holds it the others skip the projection, and a process that dies
//! loses its connection and with it the lock.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{PgPool, Row};

use super::log::{has_pending, read_batch, Checkpoint};
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
    fn fire(&self) -> bool {
        self.remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// The error of a failed step.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The projection rejected an event; `single` says whether the batch held only that event.
    #[error("{error}")]
    Apply {
        error: ProjectionError,
        single: bool,
        event: Option<(uuid::Uuid, i64)>,
    },
    #[error("simulated crash before the checkpoint")]
    SimulatedCrash,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

const LEASE: &str = "SELECT last_txid::text::bigint AS txid, last_position, status \
    FROM projection_checkpoints WHERE name = $1 FOR UPDATE SKIP LOCKED";

const ADVANCE: &str = "UPDATE projection_checkpoints \
    SET last_txid = $2::text::xid8, last_position = $3, events_applied = events_applied + $4, updated_at = now() \
    WHERE name = $1";

/// Runs one step of `projection` with at most `limit` events.
pub async fn step(
    pool: &PgPool,
    projection: &dyn Projection,
    limit: i64,
    fail_point: &FailPoint,
) -> Result<StepOutcome, StepError> {
    let mut tx = pool.begin().await?;
    let Some(row) = sqlx::query(LEASE)
        .bind(projection.name())
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(StepOutcome::Busy);
    };
    if row.try_get::<String, _>("status")? == "failed" {
        return Ok(StepOutcome::Failed);
    }
    let checkpoint: Checkpoint = (row.try_get("txid")?, row.try_get("last_position")?);
    let events = read_batch(&mut tx, checkpoint, limit).await?;
    let Some(last) = events.last() else {
        let pending = has_pending(&mut tx, checkpoint).await?;
        tx.commit().await?;
        return Ok(StepOutcome::CaughtUp {
            checkpoint,
            pending,
        });
    };
    let next = last.checkpoint();
    if let Err(error) = projection.apply(&mut tx, &events).await {
        let event = (events.len() == 1).then(|| (events[0].event_id, events[0].global_position));
        return Err(StepError::Apply {
            error,
            single: events.len() == 1,
            event,
        });
    }
    if fail_point.fire() {
        return Err(StepError::SimulatedCrash); // dropping `tx` rolls the writes back
    }
    sqlx::query(ADVANCE)
        .bind(projection.name())
        .bind(next.0.to_string())
        .bind(next.1)
        .bind(events.len() as i64)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(StepOutcome::Applied {
        events: events.len(),
        checkpoint: next,
    })
}

/// Stops `name` on a poison event: records the error where status queries and metrics see it.
pub async fn mark_failed(
    pool: &PgPool,
    name: &str,
    error: &str,
    event: Option<(uuid::Uuid, i64)>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE projection_checkpoints SET status = 'failed', last_error = $2, failed_event_id = $3, \
         failed_position = $4, updated_at = now() WHERE name = $1",
    )
    .bind(name)
    .bind(error)
    .bind(event.map(|e| e.0))
    .bind(event.map(|e| e.1))
    .execute(pool)
    .await?;
    Ok(())
}

/// Makes sure `name` has a checkpoint row (at the start of the log).
pub async fn register(pool: &PgPool, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .execute(pool)
    .await?;
    Ok(())
}
