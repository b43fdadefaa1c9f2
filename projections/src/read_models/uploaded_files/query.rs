//! Queries of `tbl_uploaded_file`, read into the caller's type, its fields named as the columns
//! below.

use chrono::{DateTime, Utc};
use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "file_id, file_name, is_temp, user_id, upload_date, file_path, file_type";

/// One file.
pub async fn find<T: FromRow>(pool: &Pool, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_uploaded_file WHERE file_id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// The ids of files temporary and uploaded before `before`, oldest first, at most `limit`.
pub async fn temporary_before(
    pool: &Pool,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<String>, DbError> {
    pool.query(
        "SELECT file_id FROM tbl_uploaded_file WHERE is_temp AND upload_date < $1 \
         ORDER BY upload_date, file_id LIMIT $2",
        &[&before, &limit],
    )
    .await
    .and_then(db::scalars)
}

/// The store paths of every uploaded file's content (the file sweeper keeps these).
pub async fn stored_paths(pool: &Pool) -> Result<Vec<String>, DbError> {
    pool.query(
        "SELECT file_path FROM tbl_uploaded_file WHERE file_path LIKE 'files/sha256/%'",
        &[],
    )
    .await
    .and_then(db::scalars)
}
