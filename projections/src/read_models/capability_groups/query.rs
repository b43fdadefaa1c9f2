//! Queries of `tbl_capability_group`, read into the caller's type, its fields named as the
//! columns below.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str =
    "id, name, name_en, type AS group_type, description, description_en, icon_file_id, \
    author, create_time, update_time";

/// Every group, of one type when given, oldest first.
pub async fn list<T: FromRow>(pool: &Pool, group_type: Option<&str>) -> Result<Vec<T>, DbError> {
    pool.query(
        &format!(
            "SELECT {COLUMNS} FROM tbl_capability_group WHERE ($1::text IS NULL OR type = upper($1)) \
             ORDER BY create_time, name_en, id"
        ),
        &[&group_type],
    )
    .await
    .and_then(db::rows_as)
}

/// One group.
pub async fn find<T: FromRow>(pool: &Pool, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_capability_group WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// The id of the group named `name` or `name_en` (any case), if one is.
pub async fn id_by_name(pool: &Pool, name: &str, name_en: &str) -> Result<Option<String>, DbError> {
    let row = pool
        .query_opt(
            "SELECT id FROM tbl_capability_group WHERE lower(name) = lower($1) OR lower(name_en) = lower($2) \
             ORDER BY create_time, id LIMIT 1",
            &[&name, &name_en],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}
