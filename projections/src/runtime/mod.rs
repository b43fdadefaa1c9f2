//! The projector runtime (DESIGN.md §4).
//!
//! - [`log`]: reading a batch of the log past a checkpoint, below the commit horizon.
//! - [`step`]: one batch of one projection: lease, apply, advance, commit; poison handling.
//! - [`group`]: one batch for several projections: the log read once, each member's own
//!   checkpoint advanced, in one transaction.
//! - [`runner`]: the process's loop over its projections, woken by the process's own appends and
//!   other processes' NOTIFY, with a timed poll as backstop.
//! - [`board`]: the checkpoints this process has seen, for read-your-writes waits.
//! - [`admin`]: status, lag, rebuild and resume.
//! - [`blue_green`]: a rebuild into a schema of its own, swapped in at the head in one
//!   transaction.
//! - [`shadow`]: copies of a projection's tables in another schema, foreign keys included.
//! - `wait`: how the projector and chainer loops wait between steps.

mod admin;
pub mod blue_green;
mod board;
mod group;
mod log;
mod runner;
pub mod shadow;
mod step;
mod wait;

pub use admin::ProjectionStatus;
pub use admin::{reset_checkpoint, AdminError};
pub use board::CheckpointBoard;
pub(crate) use group::reads_any;
pub use group::{group_step, GroupError, GroupStep};
pub use log::{Checkpoint, LogEvent, SELECT_EVENTS};
pub use runner::{ProjectionRuntime, RuntimeConfig};
pub use step::{close_batch, open_batch, FailPoint, Opening, StepOutcome};
pub(crate) use wait::Wait;

use std::future::Future;
use std::pin::Pin;

use db::{Conn, DbError};

/// A boxed future borrowing its inputs, so projections can live behind `dyn`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A read model fed from the log. It owns `tables` (truncated on rebuild) and applies batches of
/// events inside the runtime's transaction; it never commits by itself.
pub trait Projection: Send + Sync + 'static {
    /// Stable name, also the checkpoint row's key.
    fn name(&self) -> &'static str;
    /// The tables this projection alone writes.
    fn tables(&self) -> &'static [&'static str];
    /// The aggregate types whose events it reads. In a group step, a batch holding none of them
    /// costs it no statement: its checkpoint just moves past. Empty means every type.
    fn aggregate_types(&self) -> &'static [&'static str] {
        &[]
    }
    /// Applies `events` (in log order) to the read model through `conn`.
    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>>;
}

/// Why a projection could not apply an event.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The event could not be decoded (unknown type or version, bad payload).
    #[error("cannot decode {event_type} v{event_version}: {message}")]
    Decode {
        event_type: String,
        event_version: String,
        message: String,
    },
    /// The read model refused the write.
    #[error(transparent)]
    Database(#[from] DbError),
}

impl ProjectionError {
    /// Transient failures (connection lost, serialization conflicts) are retried with backoff;
    /// anything else poisons the projection until an operator acts.
    pub fn is_transient(&self) -> bool {
        match self {
            ProjectionError::Decode { .. } => false,
            ProjectionError::Database(e) => e.is_transient(),
        }
    }
}
