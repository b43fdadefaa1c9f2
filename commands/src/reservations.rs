//! Reads of the uniqueness reservations the write side keeps (ADR 0003): whether a key is held,
//! and the keys of a scope that start with a prefix (composite keys are JSON arrays, so
//! `["host-id",` selects one host's addresses).

use db::{DbError, Pool};

/// Whether `key` of `scope` is held by any aggregate.
pub async fn is_held(pool: &Pool, scope: &str, key: &str) -> Result<bool, DbError> {
    pool.query_one(
        "SELECT EXISTS (SELECT 1 FROM unique_reservations WHERE scope = $1 AND key = $2)",
        &[&scope, &key],
    )
    .await
    .and_then(db::scalar)
}

/// The aggregate holding `key` of `scope`, if any.
pub async fn holder(pool: &Pool, scope: &str, key: &str) -> Result<Option<String>, DbError> {
    pool.query_opt(
        "SELECT aggregate_id FROM unique_reservations WHERE scope = $1 AND key = $2",
        &[&scope, &key],
    )
    .await
    .and_then(db::opt_scalar)
}

/// The held keys of `scope` that start with `prefix`.
pub async fn keys_with_prefix(
    pool: &Pool,
    scope: &str,
    prefix: &str,
) -> Result<Vec<String>, DbError> {
    let pattern = format!("{}%", db::escape_like(prefix));
    pool.query(
        "SELECT key FROM unique_reservations WHERE scope = $1 AND key LIKE $2 ESCAPE '\\'",
        &[&scope, &pattern],
    )
    .await
    .and_then(db::scalars)
}

/// Whether any held key of `scope` starts with `prefix`.
pub async fn any_with_prefix(pool: &Pool, scope: &str, prefix: &str) -> Result<bool, DbError> {
    let pattern = format!("{}%", db::escape_like(prefix));
    pool.query_one(
        "SELECT EXISTS (SELECT 1 FROM unique_reservations WHERE scope = $1 AND key LIKE $2 ESCAPE '\\')",
        &[&scope, &pattern],
    )
    .await
    .and_then(db::scalar)
}

/// The prefix of the composite keys whose first part is `first` (`["first",`).
pub fn first_part_prefix(first: &str) -> String {
    let quoted = serde_json::Value::String(first.to_owned()).to_string();
    format!("[{quoted},")
}
