//! Queries of `tbl_container_helm_chart`.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "id, app_id, name, helm_chart_file_id, chart_name, chart_version, \
    file_list, images, create_time";

/// The application's charts, oldest first, read into the caller's type (columns `id`,
/// `app_id`, `name`, `helm_chart_file_id`, `chart_name`, `chart_version`, `file_list`, `images`,
/// `create_time`).
pub async fn list<T: FromRow>(pool: &Pool, app_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        &format!(
            "SELECT {COLUMNS} FROM tbl_container_helm_chart WHERE app_id = $1 \
             ORDER BY create_time, id"
        ),
        &[&app_id],
    )
    .await
    .and_then(db::rows_as)
}

/// One chart of the application.
pub async fn find<T: FromRow>(pool: &Pool, app_id: &str, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_container_helm_chart WHERE app_id = $1 AND id = $2"),
        &[&app_id, &id],
    )
    .await
    .and_then(db::opt_as)
}
