//! How a command fails, classified so the HTTP layer can answer with the right status without
//! looking at messages.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CommandError<E: std::error::Error> {
    /// The aggregate rejected the command.
    #[error(transparent)]
    Rejected(E),
    /// A key the command needs is held by another aggregate (scope names which key).
    #[error("a resource with the same {scope} already exists")]
    Duplicate { scope: &'static str },
    /// The caller asked for version `expected` (If-Match) but the aggregate is at `actual`.
    #[error("the resource is at version {actual}, not {expected}")]
    VersionMismatch { expected: i64, actual: i64 },
    /// Concurrent commands kept winning the race for this aggregate.
    #[error("the resource was changed concurrently; retry the request")]
    Conflict,
    /// The idempotency key was used before for a different request.
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    /// A stored event could not be read back (a bug or an unknown event version).
    #[error("stored event could not be decoded: {0}")]
    Decode(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] db::DbError),
}
