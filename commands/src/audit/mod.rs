//! Reading the log for people (docs/audit.md): an aggregate's history, each event with its
//! envelope (who, which request, which correlation) and, on request, the change of state it
//! caused as an RFC 6902 JSON Patch; the aggregate's state as of a version or a time; and the
//! global log filtered by who, what and when. Nothing here writes. Secrets stay sealed: what a
//! reader sees passes through [`redact`].
//!
//! - [`fold`]: the aggregates by type name, folded event by event into their states.
//! - [`redact`]: sealed values and password fields hidden from every answer.
//! - [`log`]: the SQL over `events` and the shapes it answers with.

pub mod fold;
pub mod log;
pub mod redact;

use chrono::{DateTime, Utc};
use db::{DbError, Pool};
use serde_json::Value;

pub use log::{AuditEvent, EventPage, LogFilter};

/// Why an audit question has no answer.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("no {0} has the id {1}")]
    NotFound(String, String),
    #[error("{0} has no state model; its history has no diffs and no states")]
    NoStateModel(String),
    #[error("no state of {0} {1} is as old as that")]
    BeforeFirst(String, String),
    #[error("an event cannot be read: {0}")]
    Decode(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Which moment of an aggregate's life a state answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// After the event with this sequence (version).
    Version(i64),
    /// After the last event recorded at or before this time.
    Time(DateTime<Utc>),
}

impl AsOf {
    /// Reads `asOf`: an integer version, or an RFC 3339 time.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(version) = text.parse::<i64>() {
            return (version >= 0).then_some(AsOf::Version(version));
        }
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| AsOf::Time(t.with_timezone(&Utc)))
    }
}

/// One page of an aggregate's history.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The aggregate's version now (its last sequence).
    pub version: i64,
    /// Who created it (the first event's user).
    pub created_by: Option<String>,
    pub events: Vec<AuditEvent>,
    /// The `after` of the next page, when there is one.
    pub next: Option<i64>,
}

/// An aggregate's state at a moment.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateAt {
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The version the state corresponds to (the sequence of the last event folded in).
    pub version: i64,
    /// When that event was recorded.
    pub recorded_at: DateTime<Utc>,
    pub state: Value,
}

/// Paging of a history: events after sequence `after`, at most `limit`, with diffs or not.
#[derive(Debug, Clone, Copy)]
pub struct HistoryQuery {
    pub after: i64,
    pub limit: i64,
    pub diff: bool,
}

/// The audit reader over the event store.
#[derive(Clone)]
pub struct AuditLog {
    pool: Pool,
}

impl AuditLog {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    /// The user who created the aggregate (its first event's user), or `NotFound`.
    pub async fn creator(&self, aggregate_type: &str, id: &str) -> Result<String, AuditError> {
        log::creator(&self.pool, aggregate_type, id)
            .await?
            .ok_or_else(|| AuditError::NotFound(aggregate_type.to_owned(), id.to_owned()))
    }

    /// A page of the aggregate's history. With `diff`, each event carries the patch from the
    /// state before it to the state after it (the whole stream is folded for that).
    pub async fn history(
        &self,
        aggregate_type: &str,
        id: &str,
        query: HistoryQuery,
    ) -> Result<History, AuditError> {
        let stream = log::stream(&self.pool, aggregate_type, id).await?;
        let Some(first) = stream.first() else {
            return Err(AuditError::NotFound(
                aggregate_type.to_owned(),
                id.to_owned(),
            ));
        };
        let created_by = first.user_id().map(str::to_owned);
        let version = stream.last().map_or(0, |e| e.sequence);
        let diffs = if query.diff {
            let states = fold::states(aggregate_type, &stream)?;
            Some(fold::diffs(&states))
        } else {
            None
        };
        let mut events = Vec::new();
        let mut next = None;
        for (index, event) in stream.iter().enumerate() {
            if event.sequence <= query.after {
                continue;
            }
            if events.len() as i64 == query.limit {
                next = events.last().map(|e: &AuditEvent| e.sequence);
                break;
            }
            let mut shown = AuditEvent::from(event);
            shown.diff = diffs.as_ref().map(|d| d[index].clone());
            events.push(shown);
        }
        Ok(History {
            aggregate_type: aggregate_type.to_owned(),
            aggregate_id: id.to_owned(),
            version,
            created_by,
            events,
            next,
        })
    }

    /// The aggregate's state as of a version or a time.
    pub async fn state_as_of(
        &self,
        aggregate_type: &str,
        id: &str,
        as_of: Option<AsOf>,
    ) -> Result<StateAt, AuditError> {
        let stream = log::stream(&self.pool, aggregate_type, id).await?;
        if stream.is_empty() {
            return Err(AuditError::NotFound(
                aggregate_type.to_owned(),
                id.to_owned(),
            ));
        }
        let upto = stream
            .iter()
            .take_while(|e| match as_of {
                None => true,
                Some(AsOf::Version(v)) => e.sequence <= v,
                Some(AsOf::Time(t)) => e.recorded_at <= t,
            })
            .count();
        if upto == 0 {
            return Err(AuditError::BeforeFirst(
                aggregate_type.to_owned(),
                id.to_owned(),
            ));
        }
        let last = &stream[upto - 1];
        let state = fold::state(aggregate_type, &stream[..upto])?;
        Ok(StateAt {
            aggregate_type: aggregate_type.to_owned(),
            aggregate_id: id.to_owned(),
            version: last.sequence,
            recorded_at: last.recorded_at,
            state,
        })
    }

    /// The global log filtered, one page by position.
    pub async fn events(&self, filter: &LogFilter) -> Result<EventPage, AuditError> {
        log::filtered(&self.pool, filter).await
    }
}
