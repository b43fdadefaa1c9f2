//! The command loop: load the aggregate, let it decide, and append what it decided together with
//! its uniqueness reservations and the idempotency record, in one statement (one round trip). A concurrent append
//! to the same aggregate is retried from a fresh load a bounded number of times. A create on an
//! id generated for it skips the load: one round trip in all.

use std::collections::BTreeSet;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use db::{DbError, Pool};
use domain::uniqueness::{HoldsUniqueKeys, UniqueKey};
use serde_json::Value;

use crate::error::CommandError;
use crate::metadata::CommandMetadata;
use crate::store::{
    violated_constraint, AppendError, AppendRequest, EventStore, IdempotencyRecord, LoadError,
    LogPosition,
};

/// How often a command is retried after losing a race with a concurrent append.
const MAX_ATTEMPTS: usize = 5;

/// An Idempotency-Key sent with a command, and a fingerprint of the request it came with.
#[derive(Debug, Clone)]
pub struct IdempotencyRequest {
    pub key: String,
    pub fingerprint: String,
}

/// Options of one command execution.
#[derive(Debug, Clone, Default)]
pub struct CommandOptions {
    /// `If-Match`: the version the caller believes the aggregate is at.
    pub expected_version: Option<i64>,
    pub idempotency: Option<IdempotencyRequest>,
    /// The aggregate id was generated for this command (a create): the first attempt decides on
    /// an empty stream without reading it, and the append's primary key catches the (unlikely)
    /// stream that exists, after which the command is decided again on the loaded state.
    pub new_stream: bool,
}

impl CommandOptions {
    /// These options for a command on an id generated for it.
    pub fn for_new_stream(mut self) -> Self {
        self.new_stream = true;
        self
    }
}

/// The HTTP answer recorded for an idempotent command.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: Value,
}

/// What a successful command did.
#[derive(Debug)]
pub struct Executed<A> {
    /// The aggregate after the command.
    pub aggregate: A,
    /// Its version (last sequence) after the command.
    pub version: i64,
    /// Where its last event landed in the log; `None` when the command appended nothing.
    pub position: Option<LogPosition>,
    /// The recorded response, when an idempotency key was sent.
    pub response: Option<StoredResponse>,
}

/// A command either ran now, or was a retry answered from its first result.
#[derive(Debug)]
pub enum Outcome<A> {
    Executed(Executed<A>),
    Replayed(StoredResponse),
}

#[derive(Clone)]
pub struct CommandExecutor {
    store: EventStore,
}

impl CommandExecutor {
    pub fn new(pool: Pool) -> Self {
        Self {
            store: EventStore::new(pool),
        }
    }

    pub fn store(&self) -> &EventStore {
        &self.store
    }

    /// Executes `command` on aggregate `aggregate_id`. `respond` renders the response recorded
    /// for an idempotency key from the aggregate after the command.
    pub async fn execute<A, F>(
        &self,
        aggregate_id: &str,
        command: A::Command,
        services: &A::Services,
        metadata: &CommandMetadata,
        options: &CommandOptions,
        respond: F,
    ) -> Result<Outcome<A>, CommandError<A::Error>>
    where
        A: Aggregate + HoldsUniqueKeys,
        A::Command: Clone,
        F: Fn(&A, i64) -> StoredResponse,
    {
        if let Some(request) = &options.idempotency {
            if let Some(stored) = self.stored_response(&metadata.user_id, request).await? {
                return Ok(Outcome::Replayed(stored));
            }
        }
        for attempt in 0..MAX_ATTEMPTS {
            let (mut aggregate, version) = if attempt == 0 && options.new_stream {
                (A::default(), 0)
            } else {
                self.store
                    .load::<A>(aggregate_id)
                    .await
                    .map_err(load_error)?
            };
            if let Some(expected) = options.expected_version {
                if expected != version {
                    return Err(CommandError::VersionMismatch {
                        expected,
                        actual: version,
                    });
                }
            }
            let before: BTreeSet<UniqueKey> = aggregate.unique_keys().into_iter().collect();
            let sink = EventSink::default();
            aggregate
                .handle(command.clone(), services, &sink)
                .await
                .map_err(CommandError::Rejected)?;
            let events = sink.collect().await;
            if events.is_empty() {
                return Ok(Outcome::Executed(Executed {
                    aggregate,
                    version,
                    position: None,
                    response: None,
                }));
            }
            let after: BTreeSet<UniqueKey> = aggregate.unique_keys().into_iter().collect();
            let new_version = version + events.len() as i64;
            let response = options
                .idempotency
                .as_ref()
                .map(|_| respond(&aggregate, new_version));

            let release: Vec<UniqueKey> = before.difference(&after).cloned().collect();
            let claim: Vec<UniqueKey> = after.difference(&before).cloned().collect();
            let idempotency = match (&options.idempotency, &response) {
                (Some(request), Some(response)) => Some(IdempotencyRecord {
                    user_id: &metadata.user_id,
                    key: &request.key,
                    fingerprint: &request.fingerprint,
                    status: response.status as i16,
                    response: &response.body,
                }),
                _ => None,
            };
            let appended = self
                .store
                .append_command(AppendRequest {
                    aggregate_type: A::TYPE,
                    aggregate_id,
                    version,
                    events: &events,
                    metadata,
                    release,
                    claim: claim.clone(),
                    idempotency,
                })
                .await;
            let error = match appended {
                Ok(position) => {
                    return Ok(Outcome::Executed(Executed {
                        aggregate,
                        version: new_version,
                        position: Some(position),
                        response,
                    }))
                }
                Err(AppendError::Encode(e)) => return Err(CommandError::Decode(e.to_string())),
                Err(AppendError::Database(e)) => e,
            };
            // A retry with the same idempotency key that committed first wins every race: answer
            // with its result, whatever constraint this attempt tripped on.
            if let Some(request) = &options.idempotency {
                if violated_constraint(&error).is_some() {
                    if let Some(stored) = self.stored_response(&metadata.user_id, request).await? {
                        return Ok(Outcome::Replayed(stored));
                    }
                }
            }
            match violated_constraint(&error).as_deref() {
                // A concurrent command appended first: decide again on fresh state.
                Some("events_pkey") => continue,
                Some("unique_reservations_pkey") => {
                    let scope = self.store.held_elsewhere(aggregate_id, &claim).await?;
                    return Err(CommandError::Duplicate {
                        scope: scope.unwrap_or("unique key"),
                    });
                }
                Some("idempotency_keys_pkey") => return Err(CommandError::Conflict),
                _ => return Err(error.into()),
            }
        }
        Err(CommandError::Conflict)
    }

    /// The recorded answer of an earlier request with the same idempotency key, if any (refused
    /// when the key was used for a different request).
    pub async fn stored_response<E: std::error::Error>(
        &self,
        user_id: &str,
        request: &IdempotencyRequest,
    ) -> Result<Option<StoredResponse>, CommandError<E>> {
        let row = self
            .store
            .pool()
            .query_opt(
                "SELECT fingerprint, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                &[&user_id, &request.key],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let fingerprint: String = row.try_get("fingerprint").map_err(DbError::from)?;
        if fingerprint != request.fingerprint {
            return Err(CommandError::IdempotencyKeyReused);
        }
        let status: i16 = row.try_get("status").map_err(DbError::from)?;
        Ok(Some(StoredResponse {
            status: status as u16,
            body: row.try_get("response").map_err(DbError::from)?,
        }))
    }
}

fn load_error<E: std::error::Error>(error: LoadError) -> CommandError<E> {
    match error {
        LoadError::Decode(message) => CommandError::Decode(message),
        LoadError::Database(e) => CommandError::Database(e),
    }
}
