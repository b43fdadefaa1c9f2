//! # edgedev write side
//!
//! Runs commands against aggregates and persists what they decide in the PostgreSQL event store
//! (`events`, the postgres-es table with edgedev's extra columns). One command is one database
//! transaction: the appended events, the uniqueness reservations the aggregate claims or releases
//! and the idempotency record commit together or not at all.
//!
//! # Layout
//! - [`audit`]: the log read for people: histories with diffs, states as of a moment, who did what.
//! - [`metadata`]: who/why/correlation metadata recorded on every event.
//! - [`store`]: loading an aggregate from its events and appending new ones.
//! - [`executor`]: the command loop: load, decide, append, retry on conflict, idempotency.
//! - [`error`]: how a command can fail, classified for the HTTP layer.
//! - [`catalogue`]: the catalogues seeded as events at first start.
//! - [`seeding`]: creating streams from seed rows, once.
//! - [`system_roles`]: the roles ADMIN, TENANT and GUEST, seeded like a catalogue.
//! - [`ids`]: integer ids chosen on the write side (sequences).
//! - [`reservations`]: reads of the uniqueness reservations.
//! - [`secrets`]: sealing passwords before they reach a command, an event or a table.
//! - [`rotation`]: a new secret key, and namespace secrets re-sealed under it.
//! - [`passwords`]: Argon2id password hashes, sealed.

pub mod audit;
pub mod catalogue;
pub mod error;
pub mod executor;
pub mod ids;
pub mod metadata;
pub mod passwords;
pub mod reservations;
pub mod rotation;
pub mod secrets;
pub mod seeding;
pub mod store;
pub mod system_roles;

pub use error::CommandError;
pub use executor::{
    CommandExecutor, CommandOptions, Executed, IdempotencyRequest, Outcome, StoredResponse,
};
pub use metadata::CommandMetadata;
pub use store::{EventStore, LogPosition};
