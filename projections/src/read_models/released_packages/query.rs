//! Queries of `tbl_released_package`.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "id, app_store_app_id, app_store_package_id, name, version, provider, \
    industry, type, architecture, short_desc, synchronize_date, user_id, user_name, test_task_id, \
    package_file_name, file_id, signed, republished_app_id, republished_package_id, republish_date";

/// A page of released packages, newest synchronised first, whose name contains `name` (any
/// case), and the total.
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
                "SELECT {COLUMNS} FROM tbl_released_package WHERE ($1::text IS NULL OR name ILIKE $1) \
                 ORDER BY synchronize_date DESC, id LIMIT $2 OFFSET $3"
            ),
            &[&pattern, &limit, &offset],
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            "SELECT count(*) FROM tbl_released_package WHERE ($1::text IS NULL OR name ILIKE $1)",
            &[&pattern],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}
