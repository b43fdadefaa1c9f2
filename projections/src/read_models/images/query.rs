//! Queries of `container_images`, read into the caller's type (fields named as the columns).

use db::{DbError, FromRow, Pool};

const COLUMNS: &str =
    "id, name, tag, digest, repository, size_bytes, architecture, os, created_at, pulled_at, status";

/// Filters of the image list; each applies when given.
#[derive(Debug, Default)]
pub struct ImageFilter<'a> {
    /// Part of the name, any case.
    pub search: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub architecture: Option<&'a str>,
}

/// A page of images by name and tag, and how many match in all.
pub async fn list<T: FromRow>(
    pool: &Pool,
    filter: ImageFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(filter.search);
    let condition = "($1::text IS NULL OR name ILIKE $1 ESCAPE '\\') \
        AND ($2::text IS NULL OR tag = $2) AND ($3::text IS NULL OR architecture = $3)";
    let params: [&(dyn db::ToSql + Sync); 3] = [&pattern, &filter.tag, &filter.architecture];
    let mut page_params = params.to_vec();
    page_params.push(&limit);
    page_params.push(&offset);
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM container_images WHERE {condition} \
                 ORDER BY name, tag LIMIT $4 OFFSET $5"
            ),
            &page_params,
        )
        .await?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM container_images WHERE {condition}"),
            &params,
        )
        .await
        .and_then(db::scalar)?;
    Ok((db::rows_as(rows)?, total))
}

/// One image.
pub async fn find<T: FromRow>(pool: &Pool, id: i64) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM container_images WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}
