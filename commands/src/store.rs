//! The event store over the `events` table: loading one aggregate's stream and appending to it
//! inside a caller-owned transaction. Appends report the log position of what they wrote, which
//! read-your-writes waits for.

use cqrs_es::{Aggregate, DomainEvent};
use serde_json::Value;
use sqlx::{PgPool, Postgres, Row, Transaction};

use crate::metadata::CommandMetadata;

/// A place in the global log: projectors read in `(transaction_id, global_position)` order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct LogPosition {
    pub txid: i64,
    pub position: i64,
}

/// One stored event, as read back from the log.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
}

const LOAD: &str = "SELECT sequence, event_type, payload FROM events \
                    WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence";

const APPEND: &str = "INSERT INTO events \
    (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
    SELECT $1, $2, s, t, v, p, $7 \
    FROM unnest($3::bigint[], $4::text[], $5::text[], $6::jsonb[]) AS e(s, t, v, p) \
    RETURNING transaction_id::text::bigint AS txid, global_position";

#[derive(Clone)]
pub struct EventStore {
    pool: PgPool,
}

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Rebuilds an aggregate from its events; returns it with its version (last sequence, 0 when
    /// it has no events).
    pub async fn load<A: Aggregate>(&self, aggregate_id: &str) -> Result<(A, i64), LoadError> {
        let rows = sqlx::query(LOAD)
            .bind(A::TYPE)
            .bind(aggregate_id)
            .fetch_all(&self.pool)
            .await?;
        let mut aggregate = A::default();
        let mut version = 0;
        for row in rows {
            let event_type: String = row.try_get("event_type")?;
            let payload: Value = row.try_get("payload")?;
            let event: A::Event = domain::wire::from_wire(&event_type, payload)
                .map_err(|e| LoadError::Decode(format!("{} {event_type}: {e}", A::TYPE)))?;
            aggregate.apply(event);
            version = row.try_get("sequence")?;
        }
        Ok((aggregate, version))
    }

    /// Appends `events` after `version` in `tx`. A concurrent append to the same aggregate makes
    /// this fail on `events_pkey`, which the executor treats as a conflict.
    pub async fn append<A: Aggregate>(
        tx: &mut Transaction<'_, Postgres>,
        aggregate_id: &str,
        version: i64,
        events: &[A::Event],
        metadata: &CommandMetadata,
    ) -> Result<LogPosition, AppendError> {
        let mut sequences = Vec::with_capacity(events.len());
        let mut types = Vec::with_capacity(events.len());
        let mut versions = Vec::with_capacity(events.len());
        let mut payloads = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            let (name, body) = domain::wire::to_wire(event).map_err(AppendError::Encode)?;
            sequences.push(version + 1 + i as i64);
            types.push(name);
            versions.push(event.event_version());
            payloads.push(body);
        }
        let metadata = serde_json::to_value(metadata).map_err(AppendError::Encode)?;
        let rows = sqlx::query(APPEND)
            .bind(A::TYPE)
            .bind(aggregate_id)
            .bind(&sequences)
            .bind(&types)
            .bind(&versions)
            .bind(&payloads)
            .bind(&metadata)
            .fetch_all(&mut **tx)
            .await?;
        let mut last = LogPosition::default();
        for row in rows {
            let at = LogPosition {
                txid: row.try_get("txid")?,
                position: row.try_get("global_position")?,
            };
            last = last.max(at);
        }
        Ok(last)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Decode(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("event could not be encoded: {0}")]
    Encode(serde_json::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The name of the unique constraint a database error violated, if it is one.
pub fn violated_constraint(error: &sqlx::Error) -> Option<String> {
    let db = error.as_database_error()?;
    if db.code().as_deref() != Some("23505") {
        return None;
    }
    db.constraint().map(str::to_owned)
}
