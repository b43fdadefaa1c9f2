//! Queries of `tbl_application`. Rows are read into the caller's type (its fields named as the
//! columns below), so the HTTP layer keeps its response types and holds no SQL.

use db::{DbError, FromRow, Pool};

/// The columns every application query returns.
const COLUMNS: &str = "id, name, description, version, provider, architecture, app_class, type, industry, \
    icon_file_id, guide_file_id, app_create_type, create_time, status, user_id, user_name, mep_host_id";

/// The filter of [`list`]: `$1` the owner, `$2` a name pattern.
const FILTER: &str =
    "WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\')";

/// One application.
pub async fn find<T: FromRow>(pool: &Pool, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_application WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// One page of applications, newest first, optionally of one owner and with `name` in their name;
/// with the number of all that match.
pub async fn list<T: FromRow>(
    pool: &Pool,
    owner: Option<&str>,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(name);
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM tbl_application {FILTER} ORDER BY create_time DESC, id LIMIT $3 OFFSET $4"
            ),
            &[&owner, &pattern, &limit, &offset],
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM tbl_application {FILTER}"),
            &[&owner, &pattern],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}

/// The owner of an application: `None` when there is no such application.
pub async fn owner_of(pool: &Pool, app_id: &str) -> Result<Option<Option<String>>, DbError> {
    pool.query_opt(
        "SELECT user_id FROM tbl_application WHERE id = $1",
        &[&app_id],
    )
    .await
    .and_then(db::opt_scalar)
}
