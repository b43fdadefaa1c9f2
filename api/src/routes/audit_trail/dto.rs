//! The audit endpoints' query parameters and answers.

use chrono::{DateTime, Utc};
use commands::audit::{AuditEvent, EventPage, History, StateAt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Paging of a history, and whether each event carries its state change.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Each event with the RFC 6902 JSON Patch from the state before it to the state after it.
    pub diff: Option<bool>,
    /// Events after this sequence (the `next` of the page before).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// 1-500; 100 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// The moment a state answers for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StateQuery {
    /// A version (an event's sequence) or an RFC 3339 time; the newest state when absent.
    #[param(max_length = 64)]
    pub as_of: Option<String>,
}

/// Filters of the global log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Events recorded for this user.
    #[param(max_length = 128)]
    pub user_id: Option<String>,
    /// Events a request and the workflows it started caused, across aggregates.
    #[param(max_length = 128)]
    pub correlation_id: Option<String>,
    #[param(max_length = 64)]
    pub aggregate_type: Option<String>,
    /// Recorded at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Recorded before this time (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Events after this global position (the `next` of the page before).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// 1-500; 100 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// One event with its envelope.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventBody {
    pub global_position: i64,
    pub sequence: i64,
    pub event_id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub event_type: String,
    pub event_version: String,
    pub recorded_at: DateTime<Utc>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    pub causation_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub operation_id: Option<String>,
    /// The event's body; sealed values and password fields read `[sealed]`.
    #[schema(value_type = Object)]
    pub payload: Value,
    /// With `diff=true`: the RFC 6902 operations from the state before the event to after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub diff: Option<Value>,
}

impl From<AuditEvent> for AuditEventBody {
    fn from(e: AuditEvent) -> Self {
        Self {
            global_position: e.global_position,
            sequence: e.sequence,
            event_id: e.event_id,
            aggregate_type: e.aggregate_type,
            aggregate_id: e.aggregate_id,
            event_type: e.event_type,
            event_version: e.event_version,
            recorded_at: e.recorded_at,
            user_id: e.user_id,
            user_name: e.user_name,
            request_id: e.request_id,
            correlation_id: e.correlation_id,
            causation_id: e.causation_id,
            idempotency_key: e.idempotency_key,
            operation_id: e.operation_id,
            payload: e.payload,
            diff: e.diff,
        }
    }
}

/// A page of an aggregate's history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryBody {
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The aggregate's version now.
    pub version: i64,
    /// The user of its first event.
    pub created_by: Option<String>,
    pub events: Vec<AuditEventBody>,
    /// `after` for the next page; null on the last.
    pub next: Option<i64>,
}

impl From<History> for HistoryBody {
    fn from(h: History) -> Self {
        Self {
            aggregate_type: h.aggregate_type,
            aggregate_id: h.aggregate_id,
            version: h.version,
            created_by: h.created_by,
            events: h.events.into_iter().map(Into::into).collect(),
            next: h.next,
        }
    }
}

/// An aggregate's state at a moment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StateBody {
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The version the state corresponds to.
    pub version: i64,
    /// When the event of that version was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The aggregate as the write side folds it; sealed values read `[sealed]`.
    #[schema(value_type = Object)]
    pub state: Value,
}

impl From<StateAt> for StateBody {
    fn from(s: StateAt) -> Self {
        Self {
            aggregate_type: s.aggregate_type,
            aggregate_id: s.aggregate_id,
            version: s.version,
            recorded_at: s.recorded_at,
            state: s.state,
        }
    }
}

/// A page of the filtered log.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventPageBody {
    pub events: Vec<AuditEventBody>,
    /// `after` for the next page; null when this page was not full.
    pub next: Option<i64>,
}

impl From<EventPage> for EventPageBody {
    fn from(p: EventPage) -> Self {
        Self {
            events: p.events.into_iter().map(Into::into).collect(),
            next: p.next,
        }
    }
}
