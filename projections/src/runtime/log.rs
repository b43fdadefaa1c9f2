//! Reading the global log in commit-safe order.
//!
//! Positions come from an identity column, so a transaction can take a lower position and commit
//! after one with a higher position. Reading `(transaction_id, global_position) > checkpoint` and
//! only `transaction_id < pg_snapshot_xmin(pg_current_snapshot())` never skips such an event: every
//! transaction below the horizon has finished, so nothing can appear behind the checkpoint later.

use chrono::{DateTime, Utc};
use db::{DbError, Json, Row, SimpleQueryRow};
use serde_json::value::RawValue;
use serde_json::Value;
use uuid::Uuid;

/// A place in the log, as `(transaction id, global position)`.
pub type Checkpoint = (i64, i64);

/// One event as projections see it: the stored row with its envelope.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub txid: i64,
    pub global_position: i64,
    pub event_id: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    /// The body as stored, unparsed: each reader decodes it straight into its typed event, and
    /// the relay copies it into the message as is.
    pub payload: Box<RawValue>,
    pub metadata: Value,
}

impl LogEvent {
    pub fn checkpoint(&self) -> Checkpoint {
        (self.txid, self.global_position)
    }

    /// Decodes the payload into a domain event enum by its wire name, upcast from its stored
    /// version.
    pub fn decode<E: serde::de::DeserializeOwned>(&self) -> Result<E, super::ProjectionError> {
        domain::upcast::from_stored_raw(&self.event_type, &self.event_version, &self.payload)
            .map_err(|e| super::ProjectionError::Decode {
                event_type: self.event_type.clone(),
                event_version: self.event_version.clone(),
                message: e.to_string(),
            })
    }

    /// A metadata field (`user_id`, `correlation_id`, ...) as text.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(Value::as_str)
    }
}

/// The columns of a log read, in the shape [`LogEvent::from_row`] decodes.
pub const SELECT_EVENTS: &str = "SELECT transaction_id::text::bigint AS txid, global_position, event_id, \
    recorded_at, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata FROM events";

impl LogEvent {
    /// Decodes a row selected with [`SELECT_EVENTS`] (its columns by position).
    pub fn from_row(row: &Row) -> Result<Self, DbError> {
        Ok(LogEvent {
            txid: row.try_get(0)?,
            global_position: row.try_get(1)?,
            event_id: row.try_get(2)?,
            recorded_at: row.try_get(3)?,
            aggregate_type: row.try_get(4)?,
            aggregate_id: row.try_get(5)?,
            sequence: row.try_get(6)?,
            event_type: row.try_get(7)?,
            event_version: row.try_get(8)?,
            payload: row.try_get::<_, Json<Box<RawValue>>>(9)?.0,
            metadata: row.try_get(10)?,
        })
    }

    /// Decodes a row selected with [`SELECT_EVENTS`] over the simple protocol (text columns).
    pub fn from_text_row(row: &SimpleQueryRow) -> Result<Self, DbError> {
        use db::text::get;
        let text = |index: usize| -> Result<&str, DbError> {
            row.try_get(index)?
                .ok_or_else(|| DbError::Decode(format!("column {index} is NULL")))
        };
        let json = |index: usize, e: serde_json::Error| {
            DbError::Decode(format!("column {index}: invalid JSON: {e}"))
        };
        let recorded_at = DateTime::parse_from_str(text(3)?, "%Y-%m-%d %H:%M:%S%.f%#z")
            .map_err(|e| DbError::Decode(format!("recorded_at: {e}")))?
            .with_timezone(&Utc);
        Ok(LogEvent {
            txid: get(row, 0)?,
            global_position: get(row, 1)?,
            event_id: get(row, 2)?,
            recorded_at,
            aggregate_type: get(row, 4)?,
            aggregate_id: get(row, 5)?,
            sequence: get(row, 6)?,
            event_type: get(row, 7)?,
            event_version: get(row, 8)?,
            payload: serde_json::from_str(text(9)?).map_err(|e| json(9, e))?,
            metadata: serde_json::from_str(text(10)?).map_err(|e| json(10, e))?,
        })
    }
}
