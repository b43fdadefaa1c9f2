//! Queries of `tbl_atp_test_task`.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "id, app_name, status, create_time, package_id, operation_id, created_at";

/// The application's test tasks, newest first, read into the caller's type (columns `id`,
/// `app_name`, `status`, `create_time`, `package_id`, `operation_id`, `created_at`).
pub async fn list<T: FromRow>(pool: &Pool, app_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        &format!(
            "SELECT {COLUMNS} FROM tbl_atp_test_task WHERE app_id = $1 ORDER BY created_at DESC, id"
        ),
        &[&app_id],
    )
    .await
    .and_then(db::rows_as)
}

/// One test task of the application.
pub async fn get<T: FromRow>(pool: &Pool, app_id: &str, id: &str) -> Result<Option<T>, DbError> {
    let rows: Vec<T> = pool
        .query(
            &format!("SELECT {COLUMNS} FROM tbl_atp_test_task WHERE app_id = $1 AND id = $2"),
            &[&app_id, &id],
        )
        .await
        .and_then(db::rows_as)?;
    Ok(rows.into_iter().next())
}
