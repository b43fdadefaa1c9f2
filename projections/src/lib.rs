//! # edgedev read side
//!
//! Projections are named consumers of the global event log. Each reads events in
//! `(transaction_id, global_position)` order, only from transactions older than the
//! `pg_snapshot_xmin` horizon, and commits its read-model writes together with its checkpoint, so
//! every event takes effect exactly once whatever crashes (docs/adr/0002-log-order-and-horizon.md).
//!
//! # Layout
//! - [`runtime`]: the projector runtime: log reader, checkpoints and leases, runner loop,
//!   wake-ups, read-your-writes waits, status and rebuild.
//! - [`read_models`]: one module per read model (the seed tables) and the registry of all of them.
//! - [`relay`]: the AMQP relay, a consumer of the log publishing every event.
//! - [`chain`]: the tamper-evident chain over the log, its chainer and its verifier.
//! - [`verify`]: each projection rebuilt into a shadow schema and compared with the live tables.

pub mod chain;
pub mod read_models;
pub mod relay;
pub mod runtime;
pub mod verify;

pub use read_models::all_projections;
pub use runtime::{
    group_step, AdminError, FailPoint, GroupError, GroupStep, LogEvent, Projection,
    ProjectionError, ProjectionRuntime, ProjectionStatus, RuntimeConfig,
};
