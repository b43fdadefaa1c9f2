//! Queries of `tbl_app_script`.

use db::{DbError, FromRow, Pool};

/// The application's scripts, oldest first, read into the caller's type (columns `id`, `name`,
/// `script_file_id`, `create_time`).
pub async fn list<T: FromRow>(pool: &Pool, app_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT id, name, script_file_id, create_time FROM tbl_app_script WHERE app_id = $1 \
         ORDER BY create_time, id",
        &[&app_id],
    )
    .await
    .and_then(db::rows_as)
}
