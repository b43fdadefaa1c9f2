//! Keys that must be unique across aggregates (an event store cannot check them by itself).
//!
//! An aggregate reports the keys its current state holds; the write side diffs the keys before
//! and after a command and claims or releases reservations in the same transaction as the
//! append (docs/adr/0003-uniqueness-reservations.md).

/// A key held by one aggregate within a scope, e.g. `("application.name_version_provider", ..)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UniqueKey {
    pub scope: &'static str,
    pub key: String,
}

/// Implemented by aggregates whose state holds keys unique across aggregates.
pub trait HoldsUniqueKeys {
    /// The keys the current state holds (empty once deleted).
    fn unique_keys(&self) -> Vec<UniqueKey>;
}
