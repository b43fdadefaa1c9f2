//! Queries of `tbl_profile`.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "id, name, description, description_en, file_path, deploy_file_path, \
    config_file_path, seq, create_time, type, industry, topo_file_path, app_list, architecture, \
    app_class, create_type, file_name";

/// A page of profiles, newest first, whose name contains `name` (any case), and the total.
pub async fn list<T: FromRow>(
    pool: &Pool,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(name);
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM tbl_profile WHERE ($1::text IS NULL OR name ILIKE $1) \
                 ORDER BY create_time DESC, id LIMIT $2 OFFSET $3"
            ),
            &[&pattern, &limit, &offset],
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            "SELECT count(*) FROM tbl_profile WHERE ($1::text IS NULL OR name ILIKE $1)",
            &[&pattern],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}

/// One profile.
pub async fn find<T: FromRow>(pool: &Pool, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_profile WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// Where the store keeps every profile's zip (the orphan sweep spares them).
pub async fn stored_paths(pool: &Pool) -> Result<Vec<String>, DbError> {
    pool.query("SELECT file_path FROM tbl_profile", &[])
        .await
        .and_then(db::scalars)
}
