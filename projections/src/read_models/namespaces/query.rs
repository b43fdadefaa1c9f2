//! Queries of `namespaces` and what they hold (config maps, secrets, volumes), read into the
//! caller's type (fields named as the columns below).

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "id, name, display_name, description, kubernetes_name, cluster_name, \
    status, resource_quota, created_at, updated_at, created_by, updated_by";

/// Filters of the namespace list; each applies when given.
#[derive(Debug, Default)]
pub struct NamespaceFilter<'a> {
    /// Part of the name or display name, any case.
    pub search: Option<&'a str>,
    pub status: Option<&'a str>,
    pub cluster_name: Option<&'a str>,
    /// Only these ids (the namespaces a caller may read there); `None`: all.
    pub ids: Option<&'a [i64]>,
}

/// A page of namespaces by name, and how many match in all.
pub async fn list<T: FromRow>(
    pool: &Pool,
    filter: NamespaceFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(filter.search);
    let condition =
        "($1::text IS NULL OR name ILIKE $1 ESCAPE '\\' OR display_name ILIKE $1 ESCAPE '\\') \
        AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR cluster_name = $3) \
        AND ($4::int8[] IS NULL OR id = ANY($4))";
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM namespaces WHERE {condition} ORDER BY name LIMIT $5 OFFSET $6"
            ),
            &[&pattern, &filter.status, &filter.cluster_name, &filter.ids, &limit, &offset],
        )
        .await?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM namespaces WHERE {condition}"),
            &[&pattern, &filter.status, &filter.cluster_name, &filter.ids],
        )
        .await
        .and_then(db::scalar)?;
    Ok((db::rows_as(rows)?, total))
}

/// One namespace.
pub async fn find<T: FromRow>(pool: &Pool, id: i64) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM namespaces WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

const CONFIG_MAP_COLUMNS: &str = "id, name, namespace_id, kubernetes_name, data, binary_data, \
    created_at, updated_at, created_by, updated_by";

/// A page of a namespace's config maps by name, and how many it has.
pub async fn config_maps<T: FromRow>(
    pool: &Pool,
    namespace_id: i64,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(search);
    let condition = "namespace_id = $1 AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\')";
    let rows = pool
        .query(
            &format!(
                "SELECT {CONFIG_MAP_COLUMNS} FROM config_maps WHERE {condition} \
                 ORDER BY name LIMIT $3 OFFSET $4"
            ),
            &[&namespace_id, &pattern, &limit, &offset],
        )
        .await?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM config_maps WHERE {condition}"),
            &[&namespace_id, &pattern],
        )
        .await
        .and_then(db::scalar)?;
    Ok((db::rows_as(rows)?, total))
}

/// One config map of a namespace.
pub async fn config_map<T: FromRow>(
    pool: &Pool,
    namespace_id: i64,
    id: i64,
) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!(
            "SELECT {CONFIG_MAP_COLUMNS} FROM config_maps WHERE namespace_id = $1 AND id = $2"
        ),
        &[&namespace_id, &id],
    )
    .await
    .and_then(db::opt_as)
}

/// A secret's metadata: its keys, never its values (not even sealed).
const SECRET_COLUMNS: &str = "id, name, namespace_id, kubernetes_name, type AS secret_type, \
    ARRAY(SELECT jsonb_object_keys(data) ORDER BY 1) AS keys, created_at, updated_at, \
    created_by, updated_by";

/// A page of a namespace's secrets by name, and how many it has.
pub async fn secrets<T: FromRow>(
    pool: &Pool,
    namespace_id: i64,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(search);
    let condition = "namespace_id = $1 AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\')";
    let rows = pool
        .query(
            &format!(
                "SELECT {SECRET_COLUMNS} FROM secrets WHERE {condition} \
                 ORDER BY name LIMIT $3 OFFSET $4"
            ),
            &[&namespace_id, &pattern, &limit, &offset],
        )
        .await?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM secrets WHERE {condition}"),
            &[&namespace_id, &pattern],
        )
        .await
        .and_then(db::scalar)?;
    Ok((db::rows_as(rows)?, total))
}

/// One secret's metadata.
pub async fn secret<T: FromRow>(
    pool: &Pool,
    namespace_id: i64,
    id: i64,
) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {SECRET_COLUMNS} FROM secrets WHERE namespace_id = $1 AND id = $2"),
        &[&namespace_id, &id],
    )
    .await
    .and_then(db::opt_as)
}

const VOLUME_COLUMNS: &str = "id, name, namespace_id, type, storage_class, size, access_mode, \
    mount_path, host_path, source_name, kubernetes_name, status, created_at, updated_at, created_by";

/// A page of a namespace's volumes by name, and how many match.
pub async fn volumes<T: FromRow>(
    pool: &Pool,
    namespace_id: i64,
    volume_type: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let condition = "namespace_id = $1 AND ($2::text IS NULL OR type = $2)";
    let rows = pool
        .query(
            &format!(
                "SELECT {VOLUME_COLUMNS} FROM volumes WHERE {condition} \
                 ORDER BY name LIMIT $3 OFFSET $4"
            ),
            &[&namespace_id, &volume_type, &limit, &offset],
        )
        .await?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM volumes WHERE {condition}"),
            &[&namespace_id, &volume_type],
        )
        .await
        .and_then(db::scalar)?;
    Ok((db::rows_as(rows)?, total))
}

/// One volume of a namespace.
pub async fn volume<T: FromRow>(
    pool: &Pool,
    namespace_id: i64,
    id: i64,
) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {VOLUME_COLUMNS} FROM volumes WHERE namespace_id = $1 AND id = $2"),
        &[&namespace_id, &id],
    )
    .await
    .and_then(db::opt_as)
}

/// What a volume may mount from a namespace.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    ConfigMap,
    Secret,
}

/// Whether the namespace has a config map (or secret) named `name`.
pub async fn has_source(
    pool: &Pool,
    namespace_id: i64,
    source: Source,
    name: &str,
) -> Result<bool, DbError> {
    let sql = match source {
        Source::ConfigMap => {
            "SELECT EXISTS (SELECT 1 FROM config_maps WHERE namespace_id = $1 AND name = $2)"
        }
        Source::Secret => {
            "SELECT EXISTS (SELECT 1 FROM secrets WHERE namespace_id = $1 AND name = $2)"
        }
    };
    pool.query_one(sql, &[&namespace_id, &name])
        .await
        .and_then(db::scalar)
}

/// Whether the namespace's config map (or secret) `name` has the key `key`.
pub async fn has_source_key(
    pool: &Pool,
    namespace_id: i64,
    source: Source,
    name: &str,
    key: &str,
) -> Result<bool, DbError> {
    let sql = match source {
        Source::ConfigMap => {
            "SELECT EXISTS (SELECT 1 FROM config_maps WHERE namespace_id = $1 AND name = $2 \
             AND (data ? $3 OR coalesce(binary_data, '{}') ? $3))"
        }
        Source::Secret => {
            "SELECT EXISTS (SELECT 1 FROM secrets WHERE namespace_id = $1 AND name = $2 \
             AND data ? $3)"
        }
    };
    pool.query_one(sql, &[&namespace_id, &name, &key])
        .await
        .and_then(db::scalar)
}
