//! The pieces every operation's steps are made of: what a step decided ([`Advance`]), the events
//! that start, progress, succeed or fail an action, the actor and metadata the runner records
//! them with, and deadlines counted from an action's recorded start.

use std::time::Duration;

use commands::{CommandMetadata, StoredResponse};
use domain::operation::{OperationEvent, OperationState};
use domain::vm::VmEvent;
use domain::{Actor, Role};

/// What one step of an operation decided (with the events of the operation's aggregate).
pub enum Advance<E = VmEvent> {
    /// Record these events (the operation goes on unless they end it).
    Record(Vec<E>),
    /// Nothing to record yet: poll again after the interval.
    Poll,
    /// The step recorded its events itself; go on.
    Recorded,
    /// The operation ended meanwhile (cancelled).
    Stopped,
}

/// The recorded response of a command nobody replays (no idempotency key).
pub fn no_response<A>(_: &A, _: i64) -> StoredResponse {
    StoredResponse {
        status: 200,
        body: serde_json::Value::Null,
    }
}

/// The runner acts for the operation's requester (checks were made when it was requested).
pub fn actor_of(op: &OperationState) -> Actor {
    Actor::new(op.user_id.clone(), op.user_name.clone(), vec![Role::Tenant])
}

pub fn metadata_of(op: &OperationState) -> CommandMetadata {
    let mut metadata = CommandMetadata::system(&actor_of(op));
    metadata.correlation_id = op.id.clone();
    metadata.operation_id = Some(op.id.clone());
    metadata
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    db::now_micros()
}

/// Whether the action started at `started_at` is past `limit`.
pub fn past_deadline(started_at: chrono::DateTime<chrono::Utc>, limit: Duration) -> bool {
    chrono::Utc::now()
        .signed_duration_since(started_at)
        .to_std()
        .is_ok_and(|elapsed| elapsed > limit)
}

/// The events that fail action `index` and its operation with `error`.
pub fn failed(op: &OperationState, index: usize, error: &str) -> Vec<OperationEvent> {
    let at = now();
    vec![
        OperationEvent::ActionFailed {
            operation_id: op.id.clone(),
            action: index,
            error: error.to_owned(),
            at,
        },
        OperationEvent::OperationFailed {
            operation_id: op.id.clone(),
            error: error.to_owned(),
            at,
        },
    ]
}

pub fn progressed(op: &OperationState, index: usize, progress: i32, log: &str) -> OperationEvent {
    OperationEvent::ActionProgressed {
        operation_id: op.id.clone(),
        action: index,
        progress,
        log: log.to_owned(),
        at: now(),
    }
}

pub fn succeeded(op: &OperationState, index: usize, log: &str) -> OperationEvent {
    OperationEvent::ActionSucceeded {
        operation_id: op.id.clone(),
        action: index,
        log: log.to_owned(),
        at: now(),
    }
}
