//! Queries of the plugin catalogue (`tbl_plugin`). Rows are read into the caller's type, its
//! fields named as the columns.

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "pluginid, pluginname, introduction, satisfaction, codelanguage, plugintype, version, \
    downloadcount, logofile, pluginfile, uploadtime, userid, username, pluginsize, apifile, scorecount";

const FILTER: &str =
    "WHERE ($1::int IS NULL OR plugintype = $1) AND ($2::text IS NULL OR codelanguage = $2) \
    AND ($3::text IS NULL OR pluginname ILIKE $3 ESCAPE '\\')";

/// What the catalogue is filtered by (each `None` for no filter).
#[derive(Debug, Clone, Copy, Default)]
pub struct PluginFilter<'a> {
    /// 1 plugin, 2 SDK.
    pub plugin_type: Option<i32>,
    pub code_language: Option<&'a str>,
    /// Part of the name.
    pub name: Option<&'a str>,
}

/// A page of the catalogue, newest first, with the number of all that match.
pub async fn list<T: FromRow>(
    pool: &Pool,
    filter: PluginFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let name = db::contains_pattern(filter.name);
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM tbl_plugin {FILTER} ORDER BY uploadtime DESC, pluginid LIMIT $4 OFFSET $5"
            ),
            &[&filter.plugin_type, &filter.code_language, &name, &limit, &offset],
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM tbl_plugin {FILTER}"),
            &[&filter.plugin_type, &filter.code_language, &name],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}
