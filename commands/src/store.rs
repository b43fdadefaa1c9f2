//! The event store over the `events` table: loading one aggregate's stream and appending to it
//! inside a caller-owned transaction. Appends report the log position of what they wrote, which
//! read-your-writes waits for.

use cqrs_es::{Aggregate, DomainEvent};
use domain::uniqueness::UniqueKey;
use serde_json::Value;
use sqlx::{PgPool, Row};

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

const LOAD: &str = "SELECT sequence, event_type, payload FROM events \
                    WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence";

/// One command's whole write in one statement (one round trip, autocommit): release and claim
/// uniqueness reservations, remember the idempotent response, append the events. Any violated
/// constraint aborts all of it; the caller classifies the violation by constraint name.
const APPEND_COMMAND: &str = "WITH \
    released AS ( \
        DELETE FROM unique_reservations r USING unnest($8::text[], $9::text[]) AS x(scope, key) \
        WHERE r.scope = x.scope AND r.key = x.key AND r.aggregate_id = $2), \
    claimed AS ( \
        INSERT INTO unique_reservations (scope, key, aggregate_id) \
        SELECT scope, key, $2 FROM unnest($10::text[], $11::text[]) AS c(scope, key)), \
    remembered AS ( \
        INSERT INTO idempotency_keys (user_id, key, fingerprint, status, response) \
        SELECT $12, $13, $14, $15, $16 WHERE $13::text IS NOT NULL), \
    appended AS ( \
        INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
        SELECT $1, $2, s, t, v, p, $7 FROM unnest($3::bigint[], $4::text[], $5::text[], $6::jsonb[]) AS e(s, t, v, p) \
        RETURNING transaction_id::text::bigint AS txid, global_position) \
    SELECT max(txid) AS txid, max(global_position) AS global_position FROM appended";

/// Everything one command writes.
pub struct AppendRequest<'a, E> {
    pub aggregate_type: &'static str,
    pub aggregate_id: &'a str,
    /// The aggregate's version the events follow.
    pub version: i64,
    pub events: &'a [E],
    pub metadata: &'a CommandMetadata,
    pub release: Vec<UniqueKey>,
    pub claim: Vec<UniqueKey>,
    pub idempotency: Option<IdempotencyRecord<'a>>,
}

/// The response remembered for an idempotency key.
pub struct IdempotencyRecord<'a> {
    pub user_id: &'a str,
    pub key: &'a str,
    pub fingerprint: &'a str,
    pub status: i16,
    pub response: &'a Value,
}

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

    /// Writes one command: reservations, idempotency record and events, atomically.
    pub async fn append_command<E: DomainEvent>(
        &self,
        request: AppendRequest<'_, E>,
    ) -> Result<LogPosition, AppendError> {
        let mut sequences = Vec::with_capacity(request.events.len());
        let mut types = Vec::with_capacity(request.events.len());
        let mut versions = Vec::with_capacity(request.events.len());
        let mut payloads = Vec::with_capacity(request.events.len());
        for (i, event) in request.events.iter().enumerate() {
            let (name, body) = domain::wire::to_wire(event).map_err(AppendError::Encode)?;
            sequences.push(request.version + 1 + i as i64);
            types.push(name);
            versions.push(event.event_version());
            payloads.push(body);
        }
        let metadata = serde_json::to_value(request.metadata).map_err(AppendError::Encode)?;
        let scopes =
            |keys: &[UniqueKey]| keys.iter().map(|k| k.scope.to_owned()).collect::<Vec<_>>();
        let keys = |keys: &[UniqueKey]| keys.iter().map(|k| k.key.clone()).collect::<Vec<_>>();
        let idem = request.idempotency.as_ref();
        let row = sqlx::query(APPEND_COMMAND)
            .bind(request.aggregate_type)
            .bind(request.aggregate_id)
            .bind(&sequences)
            .bind(&types)
            .bind(&versions)
            .bind(&payloads)
            .bind(&metadata)
            .bind(scopes(&request.release))
            .bind(keys(&request.release))
            .bind(scopes(&request.claim))
            .bind(keys(&request.claim))
            .bind(idem.map(|i| i.user_id))
            .bind(idem.map(|i| i.key))
            .bind(idem.map(|i| i.fingerprint))
            .bind(idem.map(|i| i.status))
            .bind(idem.map(|i| i.response))
            .fetch_one(&self.pool)
            .await?;
        Ok(LogPosition {
            txid: row.try_get("txid")?,
            position: row.try_get("global_position")?,
        })
    }

    /// The scope of the first of `keys` held by an aggregate other than `aggregate_id`.
    pub async fn held_elsewhere(
        &self,
        aggregate_id: &str,
        keys: &[UniqueKey],
    ) -> Result<Option<&'static str>, sqlx::Error> {
        for key in keys {
            let held: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM unique_reservations WHERE scope = $1 AND key = $2 AND aggregate_id <> $3)",
            )
            .bind(key.scope)
            .bind(&key.key)
            .bind(aggregate_id)
            .fetch_one(&self.pool)
            .await?;
            if held {
                return Ok(Some(key.scope));
            }
        }
        Ok(None)
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
