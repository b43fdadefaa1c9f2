//! One error for everything the database can do wrong, classified by SQLSTATE and constraint
//! name so callers decide without reading messages: a unique violation names its constraint, a
//! lost or unreachable server is "unavailable" (HTTP 503), serialization failures are transient.

use deadpool_postgres::PoolError;

/// A database failure: no connection could be had from the pool, a statement failed, or a row
/// held a value of an unexpected shape.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection: the pool timed out, is closed, or the server refused a new connection.
    #[error("no database connection: {0}")]
    Pool(#[source] PoolError),
    /// A statement failed, or the connection broke while it ran.
    #[error("{}", describe(.0))]
    Query(#[source] tokio_postgres::Error),
    /// A row could not be read into the expected type.
    #[error("unexpected database value: {0}")]
    Decode(String),
}

impl From<tokio_postgres::Error> for DbError {
    fn from(error: tokio_postgres::Error) -> Self {
        DbError::Query(error)
    }
}

impl From<PoolError> for DbError {
    fn from(error: PoolError) -> Self {
        match error {
            PoolError::Backend(error) => DbError::Query(error),
            other => DbError::Pool(other),
        }
    }
}

/// The text of a statement error: SQLSTATE and the server's message, or the client's reason.
fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(error) {
            Some(source) => format!("{error}: {source}"),
            None => error.to_string(),
        },
    }
}

impl DbError {
    /// The server's SQLSTATE, when the server answered with an error.
    pub fn code(&self) -> Option<&str> {
        match self {
            DbError::Query(e) => e.as_db_error().map(|db| db.code().code()),
            _ => None,
        }
    }

    /// The constraint a statement violated, when it names one.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            DbError::Query(e) => e.as_db_error().and_then(|db| db.constraint()),
            _ => None,
        }
    }

    /// The name of the unique constraint this error violated, if it is a unique violation.
    pub fn unique_violation(&self) -> Option<&str> {
        if self.code() != Some("23505") {
            return None;
        }
        self.constraint()
    }

    /// Text the database cannot hold: a NUL character (`\\u0000`) in a text parameter, or in
    /// JSON headed for a `jsonb` column.
    pub fn is_invalid_text(&self) -> bool {
        matches!(self.code(), Some("22021" | "22P05"))
    }

    /// The database could not be reached or went away: the request may succeed later (503).
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Pool(_) => true,
            DbError::Query(e) => match e.as_db_error() {
                // Shutting down, too many connections, cannot connect now.
                Some(db) => matches!(
                    db.code().code(),
                    "57P01" | "57P02" | "57P03" | "53300" | "08000" | "08003" | "08006"
                ),
                // No answer from the server: the connection broke or could not be made.
                None => e.is_closed() || std::error::Error::source(e).is_some_and(is_io),
            },
            DbError::Decode(_) => false,
        }
    }

    /// Worth retrying as is: the database was unavailable, or the transaction lost a
    /// serialization race or a deadlock.
    pub fn is_transient(&self) -> bool {
        self.is_unavailable() || matches!(self.code(), Some("40001" | "40P01"))
    }
}

fn is_io(error: &(dyn std::error::Error + 'static)) -> bool {
    error.is::<std::io::Error>()
}
