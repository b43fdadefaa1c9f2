//! Reads of `tbl_application` (the read model behind every application query).

use db::Pool;

use super::dto::ApplicationResponse;

const COLUMNS: &str = "id, name, description, version, provider, architecture, app_class, type, industry, \
    icon_file_id, guide_file_id, app_create_type, create_time, status, user_id, user_name, mep_host_id";

pub async fn find(pool: &Pool, id: &str) -> Result<Option<ApplicationResponse>, db::DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_application WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// One page of applications, optionally of one owner and matching part of a name.
pub async fn list(
    pool: &Pool,
    owner: Option<&str>,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApplicationResponse>, i64), db::DbError> {
    let pattern = name
        .filter(|n| !n.is_empty())
        .map(|n| format!("%{}%", crate::routes::escape_like(n)));
    let filter = "WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\')";
    let rows = pool.query(&format!(
        "SELECT {COLUMNS} FROM tbl_application {filter} ORDER BY create_time DESC, id LIMIT $3 OFFSET $4"
    ), &[&owner, &pattern, &limit, &offset]).await.and_then(db::rows_as)?;
    let total: i64 = pool
        .query_one(
            &format!("SELECT count(*) FROM tbl_application {filter}"),
            &[&owner, &pattern],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}
