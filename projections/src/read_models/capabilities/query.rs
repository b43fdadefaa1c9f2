//! Queries of `tbl_capability` (each row with its group from `tbl_capability_group`, as JSON in
//! `group_json`), read into the caller's type, its fields named as the columns below; and the
//! group statistics.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "c.id, c.name, c.name_en, c.version, c.description, c.description_en, \
    c.provider, c.group_id, c.api_file_id, c.guide_file_id, c.guide_file_id_en, \
    c.upload_time::bigint AS upload_time, c.host, c.port, c.protocol, c.app_id, c.package_id, c.user_id, \
    c.select_count, c.icon_file_id, c.author, c.experience_url, \
    CASE WHEN g.id IS NULL THEN NULL ELSE jsonb_build_object('id', g.id, 'name', g.name, \
        'nameEn', g.name_en, 'type', g.type, 'description', g.description, \
        'descriptionEn', g.description_en, 'iconFileId', g.icon_file_id, 'author', g.author, \
        'createTime', g.create_time, 'updateTime', g.update_time) END AS group_json";
const FROM: &str = "FROM tbl_capability c LEFT JOIN tbl_capability_group g ON g.id = c.group_id";
const ORDER: &str = "ORDER BY c.upload_time::bigint, c.name_en, c.id";

/// What a capability list is filtered by (each `None` for no filter).
#[derive(Debug, Clone, Copy, Default)]
pub struct CapabilityFilter<'a> {
    pub group_id: Option<&'a str>,
    /// The group's type.
    pub group_type: Option<&'a str>,
    /// Part of the name, any case.
    pub name: Option<&'a str>,
    /// Part of the English name, any case.
    pub name_en: Option<&'a str>,
    /// Required by this application (`tbl_app_project_capability`).
    pub project_id: Option<&'a str>,
}

const FILTER: &str = "WHERE ($1::text IS NULL OR c.group_id = $1) \
    AND ($2::text IS NULL OR g.type = upper($2)) \
    AND ($3::text IS NULL OR c.name ILIKE $3 ESCAPE '\\') \
    AND ($4::text IS NULL OR c.name_en ILIKE $4 ESCAPE '\\') \
    AND ($5::text IS NULL OR c.id IN (SELECT capability_id FROM tbl_app_project_capability WHERE project_id = $5))";

/// A page of the capabilities that match, oldest first, with the number of all that match.
pub async fn list<T: FromRow>(
    pool: &Pool,
    filter: CapabilityFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let name = db::contains_pattern(filter.name);
    let name_en = db::contains_pattern(filter.name_en);
    let rows = pool
        .query(
            &format!("SELECT {COLUMNS} {FROM} {FILTER} {ORDER} LIMIT $6 OFFSET $7"),
            &[
                &filter.group_id,
                &filter.group_type,
                &name,
                &name_en,
                &filter.project_id,
                &limit,
                &offset,
            ],
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) {FROM} {FILTER}"),
            &[
                &filter.group_id,
                &filter.group_type,
                &name,
                &name_en,
                &filter.project_id,
            ],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}

/// One capability.
pub async fn find<T: FromRow>(pool: &Pool, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(&format!("SELECT {COLUMNS} {FROM} WHERE c.id = $1"), &[&id])
        .await
        .and_then(db::opt_as)
}

/// Every group (of one type when given) with its number of capabilities in `capability_count`,
/// columns as the group query's.
pub async fn group_stats<T: FromRow>(
    pool: &Pool,
    group_type: Option<&str>,
) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT g.id, g.name, g.name_en, g.type AS group_type, g.description, g.description_en, \
            g.icon_file_id, g.author, g.create_time, g.update_time, \
            (SELECT count(*) FROM tbl_capability c WHERE c.group_id = g.id) AS capability_count \
         FROM tbl_capability_group g WHERE ($1::text IS NULL OR g.type = upper($1)) \
         ORDER BY g.create_time, g.name_en, g.id",
        &[&group_type],
    )
    .await
    .and_then(db::rows_as)
}

/// Whether a capability has `name` or `name_en` as its name or English name (any case).
pub async fn named(pool: &Pool, name: &str, name_en: &str) -> Result<bool, DbError> {
    let row = pool
        .query_opt(
            "SELECT 1 FROM tbl_capability WHERE lower(name) IN (lower($1), lower($2)) \
             OR lower(name_en) IN (lower($1), lower($2)) LIMIT 1",
            &[&name, &name_en],
        )
        .await?;
    Ok(row.is_some())
}
