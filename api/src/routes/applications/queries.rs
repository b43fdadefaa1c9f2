//! Reads of `tbl_application` (the read model behind every application query).

use sqlx::PgPool;

use super::dto::ApplicationResponse;

const COLUMNS: &str = "id, name, description, version, provider, architecture, app_class, type, industry, \
    icon_file_id, guide_file_id, app_create_type, create_time, status, user_id, user_name, mep_host_id";

pub async fn find(pool: &PgPool, id: &str) -> Result<Option<ApplicationResponse>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM tbl_application WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// One page of applications, optionally of one owner and matching part of a name.
pub async fn list(
    pool: &PgPool,
    owner: Option<&str>,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApplicationResponse>, i64), sqlx::Error> {
    let pattern = name
        .filter(|n| !n.is_empty())
        .map(|n| format!("%{}%", crate::routes::escape_like(n)));
    let filter = "WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\')";
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM tbl_application {filter} ORDER BY create_time DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(owner)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM tbl_application {filter}"))
        .bind(owner)
        .bind(&pattern)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}
