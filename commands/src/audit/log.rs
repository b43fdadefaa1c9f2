//! The audit reads of `events`: one aggregate's stream with its envelopes, its creator, and the
//! global log filtered by user, correlation, aggregate type and time, paged by position.

use chrono::{DateTime, Utc};
use db::{DbError, Pool, Row};
use serde_json::Value;
use uuid::Uuid;

use super::{redact, AuditError};

const COLUMNS: &str = "global_position, sequence, event_id, recorded_at, aggregate_type, \
    aggregate_id, event_type, event_version, payload, metadata";

/// One stored event with its envelope, as the audit reads it.
#[derive(Debug, Clone)]
pub struct RecordedEvent {
    pub global_position: i64,
    pub sequence: i64,
    pub event_id: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
}

impl RecordedEvent {
    fn from_row(row: &Row) -> Result<Self, DbError> {
        Ok(Self {
            global_position: row.try_get(0)?,
            sequence: row.try_get(1)?,
            event_id: row.try_get(2)?,
            recorded_at: row.try_get(3)?,
            aggregate_type: row.try_get(4)?,
            aggregate_id: row.try_get(5)?,
            event_type: row.try_get(6)?,
            event_version: row.try_get(7)?,
            payload: row.try_get(8)?,
            metadata: row.try_get(9)?,
        })
    }

    fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(Value::as_str)
    }

    /// The user the event was recorded for.
    pub fn user_id(&self) -> Option<&str> {
        self.meta("user_id")
    }
}

/// One event as an audit answer shows it: the envelope flattened, the payload redacted, and the
/// state change when asked for.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
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
    pub payload: Value,
    /// The RFC 6902 patch from the state before the event to the state after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Value>,
}

impl From<&RecordedEvent> for AuditEvent {
    fn from(event: &RecordedEvent) -> Self {
        let meta = |key: &str| event.meta(key).map(str::to_owned);
        let mut payload = event.payload.clone();
        redact::redact(&mut payload);
        Self {
            global_position: event.global_position,
            sequence: event.sequence,
            event_id: event.event_id,
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            event_type: event.event_type.clone(),
            event_version: event.event_version.clone(),
            recorded_at: event.recorded_at,
            user_id: meta("user_id"),
            user_name: meta("user_name"),
            request_id: meta("request_id"),
            correlation_id: meta("correlation_id"),
            causation_id: meta("causation_id"),
            idempotency_key: meta("idempotency_key"),
            operation_id: meta("operation_id"),
            payload,
            diff: None,
        }
    }
}

/// One aggregate's events in order.
pub(super) async fn stream(
    pool: &Pool,
    aggregate_type: &str,
    id: &str,
) -> Result<Vec<RecordedEvent>, AuditError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
         ORDER BY sequence"
    );
    let rows = pool.query(&sql, &[&aggregate_type, &id]).await?;
    Ok(rows
        .iter()
        .map(RecordedEvent::from_row)
        .collect::<Result<_, _>>()?)
}

/// The user of an aggregate's first event.
pub(super) async fn creator(
    pool: &Pool,
    aggregate_type: &str,
    id: &str,
) -> Result<Option<String>, DbError> {
    let row = pool
        .query_opt(
            "SELECT coalesce(metadata->>'user_id', '') FROM events \
             WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence LIMIT 1",
            &[&aggregate_type, &id],
        )
        .await?;
    row.map(|r| r.try_get(0)).transpose().map_err(DbError::from)
}

/// What the global log is filtered by. `owner` keeps only aggregates that user created. A
/// correlation takes in the events of the operations its events started (an operation's steps
/// are correlated by the operation's id).
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub user_id: Option<String>,
    pub correlation_id: Option<String>,
    pub aggregate_type: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub owner: Option<String>,
    /// Events after this global position.
    pub after: i64,
    pub limit: i64,
}

/// One page of the filtered log.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    pub events: Vec<AuditEvent>,
    /// The `after` of the next page, when there may be one.
    pub next: Option<i64>,
}

pub(super) async fn filtered(pool: &Pool, filter: &LogFilter) -> Result<EventPage, AuditError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events e WHERE global_position > $1 \
           AND ($2::text IS NULL OR metadata->>'user_id' = $2) \
           AND ($3::text IS NULL OR metadata->>'correlation_id' = $3 \
                OR metadata->>'operation_id' IN (SELECT s.metadata->>'operation_id' FROM events s \
                    WHERE s.metadata->>'correlation_id' = $3 AND s.metadata ? 'operation_id')) \
           AND ($4::text IS NULL OR aggregate_type = $4) \
           AND ($5::timestamptz IS NULL OR recorded_at >= $5) \
           AND ($6::timestamptz IS NULL OR recorded_at < $6) \
           AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM events c \
                WHERE c.aggregate_type = e.aggregate_type AND c.aggregate_id = e.aggregate_id \
                  AND c.sequence = 1 AND c.metadata->>'user_id' = $7)) \
         ORDER BY global_position LIMIT $8"
    );
    let rows = pool
        .query(
            &sql,
            &[
                &filter.after,
                &filter.user_id,
                &filter.correlation_id,
                &filter.aggregate_type,
                &filter.from,
                &filter.to,
                &filter.owner,
                &filter.limit,
            ],
        )
        .await?;
    let events: Vec<AuditEvent> = rows
        .iter()
        .map(|row| RecordedEvent::from_row(row).map(|e| AuditEvent::from(&e)))
        .collect::<Result<_, _>>()?;
    let next = (events.len() as i64 == filter.limit)
        .then(|| events.last().map(|e| e.global_position))
        .flatten();
    Ok(EventPage { events, next })
}
