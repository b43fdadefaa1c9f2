//! The database stack every edgedev crate shares: tokio-postgres connections in one
//! deadpool-postgres pool, statements prepared once per connection, one classified error type,
//! LISTEN connections, and the migration runner over the embedded `migrations/` files.
//!
//! - [`pool`]: [`Pool`], [`Sql`] (query calls on a connection or a transaction).
//! - [`error`]: [`DbError`] and its classification (unique violation, unavailable, transient).
//! - [`listen`]: [`Listener`], notifications on a dedicated connection.
//! - [`migrate`]: applying, reverting and listing migrations in `schema_migrations`.
//! - [`partitions`]: retention of the partitioned read models.
//! - [`row`]: [`FromRow`] and [`from_row!`], rows into structs.
//! - [`text`]: reading values from simple-protocol (text) rows.

pub mod error;
pub mod listen;
pub mod migrate;
pub mod partitions;
pub mod pool;
pub mod row;
pub mod text;

pub use error::DbError;
pub use listen::{announce_appends, Listener, EVENTS_CHANNEL};
pub use pool::{detach, rollback_or_discard, Client, Conn, Params, Pool, Sql, Transaction};
pub use row::{opt_as, opt_scalar, row_as, rows_as, scalar, scalars, FromRow};
pub use tokio_postgres::types::{Json, ToSql};
pub use tokio_postgres::{Row, SimpleQueryMessage, SimpleQueryRow};

/// `text` as a literal inside a `LIKE ... ESCAPE '\'` pattern (its `%`, `_` and `\` escaped).
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A `LIKE` pattern matching any text that contains `part`; `None` for no or an empty part.
pub fn contains_pattern(part: Option<&str>) -> Option<String> {
    part.filter(|p| !p.is_empty())
        .map(|p| format!("%{}%", escape_like(p)))
}

/// Now, truncated to the microseconds PostgreSQL keeps, so what a command records equals what the
/// read models later return.
pub fn now_micros() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}
