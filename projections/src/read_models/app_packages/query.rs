//! Queries of `tbl_app_package`.

use db::{DbError, Pool};

/// The application a package belongs to, when the package exists.
pub async fn application_of(pool: &Pool, package_id: &str) -> Result<Option<String>, DbError> {
    let rows = pool
        .query(
            "SELECT app_id FROM tbl_app_package WHERE id = $1",
            &[&package_id],
        )
        .await?;
    Ok(rows.first().map(|row| row.get::<_, String>(0)))
}
