//! Queries of `tbl_container_image`.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "image_id, image_name, image_version, user_id, user_name, upload_time, \
    create_time, image_status, image_type, image_path, file_name";

/// Who is asking: admins see every image; a tenant their own and the public ones.
pub struct Viewer<'a> {
    pub user_id: &'a str,
    pub admin: bool,
}

/// A page of the images the viewer may see, newest upload first, whose name contains `name`;
/// and the total.
pub async fn list<T: FromRow>(
    pool: &Pool,
    viewer: &Viewer<'_>,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(name);
    let filter = "($1 OR user_id = $2 OR image_type = 'public') \
        AND ($3::text IS NULL OR image_name ILIKE $3)";
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM tbl_container_image WHERE {filter} \
                 ORDER BY upload_time DESC, image_id LIMIT $4 OFFSET $5"
            ),
            &[&viewer.admin, &viewer.user_id, &pattern, &limit, &offset],
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM tbl_container_image WHERE {filter}"),
            &[&viewer.admin, &viewer.user_id, &pattern],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}

/// The `image_path`s edgedev knows (a synchronization imports the others).
pub async fn paths(pool: &Pool) -> Result<Vec<String>, DbError> {
    pool.query(
        "SELECT image_path FROM tbl_container_image WHERE image_path IS NOT NULL",
        &[],
    )
    .await
    .and_then(db::scalars)
}
