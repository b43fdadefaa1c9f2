//! The event store over the `events` table: loading one aggregate's stream and appending to it
//! inside a caller-owned transaction. Appends report the log position of what they wrote, which
//! read-your-writes waits for.

use cqrs_es::{Aggregate, DomainEvent};
use db::{DbError, Pool, Row};
use domain::operation_log::{OperationRecord, RequestLogEventKind, REQUEST_LOG};
use domain::uniqueness::UniqueKey;
use serde_json::Value;

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

const LOAD: &str = "SELECT sequence, event_type, event_version, payload FROM events \
                    WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence";

/// One command's whole write in one statement (one round trip, autocommit): release and claim
/// uniqueness reservations, remember the idempotent response, append the events. Any violated
/// constraint aborts all of it; the caller classifies the violation by constraint name.
pub const APPEND_COMMAND: &str = "WITH \
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

/// Many one-event streams in one statement: the `RequestLogged` events of a batch of requests
/// (ADR 0017), each on its own new stream.
const APPEND_REQUEST_LOGS: &str = "INSERT INTO events \
    (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
    SELECT $1, id, 1, $2, $3, p, m FROM unnest($4::text[], $5::jsonb[], $6::jsonb[]) AS r(id, p, m)";

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
    pool: Pool,
}

impl EventStore {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Rebuilds an aggregate from its events; returns it with its version (last sequence, 0 when
    /// it has no events).
    pub async fn load<A: Aggregate>(&self, aggregate_id: &str) -> Result<(A, i64), LoadError> {
        let rows: Vec<Row> = self.pool.query(LOAD, &[&A::TYPE, &aggregate_id]).await?;
        let mut aggregate = A::default();
        let mut version = 0;
        for row in rows {
            let event_type: String = row.try_get("event_type").map_err(DbError::from)?;
            let stored_version: String = row.try_get("event_version").map_err(DbError::from)?;
            let payload: Value = row.try_get("payload").map_err(DbError::from)?;
            let event: A::Event =
                domain::upcast::from_stored(&event_type, &stored_version, payload)
                    .map_err(|e| LoadError::Decode(format!("{} {event_type}: {e}", A::TYPE)))?;
            aggregate.apply(event);
            version = row.try_get("sequence").map_err(DbError::from)?;
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
        let (release_scopes, release_keys) = (scopes(&request.release), keys(&request.release));
        let (claim_scopes, claim_keys) = (scopes(&request.claim), keys(&request.claim));
        let row = self
            .pool
            .query_one(
                APPEND_COMMAND,
                &[
                    &request.aggregate_type,
                    &request.aggregate_id,
                    &sequences,
                    &types,
                    &versions,
                    &payloads,
                    &metadata,
                    &release_scopes,
                    &release_keys,
                    &claim_scopes,
                    &claim_keys,
                    &idem.map(|i| i.user_id),
                    &idem.map(|i| i.key),
                    &idem.map(|i| i.fingerprint),
                    &idem.map(|i| i.status),
                    &idem.map(|i| i.response),
                ],
            )
            .await?;
        self.pool.announce_append();
        Ok(LogPosition {
            txid: row.try_get("txid").map_err(DbError::from)?,
            position: row.try_get("global_position").map_err(DbError::from)?,
        })
    }

    /// Appends one `RequestLogged` event per record, each on the new stream named by its
    /// operation id, in one statement.
    pub async fn append_request_logs(
        &self,
        records: &[(OperationRecord, CommandMetadata)],
    ) -> Result<(), AppendError> {
        let kind = RequestLogEventKind::RequestLogged;
        let mut ids = Vec::with_capacity(records.len());
        let mut payloads = Vec::with_capacity(records.len());
        let mut metadata = Vec::with_capacity(records.len());
        for (record, meta) in records {
            ids.push(record.operation_id.to_string());
            payloads.push(serde_json::to_value(record).map_err(AppendError::Encode)?);
            metadata.push(serde_json::to_value(meta).map_err(AppendError::Encode)?);
        }
        self.pool
            .execute(
                APPEND_REQUEST_LOGS,
                &[
                    &REQUEST_LOG,
                    &kind.name(),
                    &kind.version(),
                    &ids,
                    &payloads,
                    &metadata,
                ],
            )
            .await?;
        self.pool.announce_append();
        Ok(())
    }

    /// The ids of every stream of `aggregate_type`.
    pub async fn stream_ids(&self, aggregate_type: &str) -> Result<Vec<String>, DbError> {
        self.pool
            .query(
                "SELECT DISTINCT aggregate_id FROM events WHERE aggregate_type = $1 ORDER BY 1",
                &[&aggregate_type],
            )
            .await
            .and_then(db::scalars)
    }

    /// Whether any stream of `aggregate_type` has events.
    pub async fn any_stream(&self, aggregate_type: &str) -> Result<bool, DbError> {
        self.pool
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM events WHERE aggregate_type = $1)",
                &[&aggregate_type],
            )
            .await
            .and_then(db::scalar)
    }

    /// Where the newest event of an aggregate is in the log; `None` when it has no events.
    pub async fn head(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<Option<LogPosition>, DbError> {
        let row = self
            .pool
            .query_opt(
                "SELECT transaction_id::text::bigint, global_position FROM events \
                 WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence DESC LIMIT 1",
                &[&aggregate_type, &aggregate_id],
            )
            .await?;
        Ok(match row {
            Some(row) => Some(LogPosition {
                txid: row.try_get(0)?,
                position: row.try_get(1)?,
            }),
            None => None,
        })
    }

    /// The scope of the first of `keys` held by an aggregate other than `aggregate_id`.
    pub async fn held_elsewhere(
        &self,
        aggregate_id: &str,
        keys: &[UniqueKey],
    ) -> Result<Option<&'static str>, DbError> {
        for key in keys {
            let held: bool = self
                .pool
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM unique_reservations WHERE scope = $1 AND key = $2 AND aggregate_id <> $3)",
                    &[&key.scope, &key.key, &aggregate_id],
                )
                .await?
                .get(0);
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
    Database(#[from] DbError),
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("event could not be encoded: {0}")]
    Encode(serde_json::Error),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// The name of the unique constraint a database error violated, if it is one.
pub fn violated_constraint(error: &DbError) -> Option<String> {
    error.unique_violation().map(str::to_owned)
}
