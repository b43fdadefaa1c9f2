//! Queries of the containers' tables. What a caller reads runs as `edgedev_platform_reader`
//! with the caller set (`operation_logs::query::Viewer`): the row-level security of
//! `containers` decides which containers exist for them, through `container_details` (a
//! `security_invoker` view) and through the join every child query makes with `containers`.

use db::{DbError, FromRow, Pool};

use crate::read_models::operation_logs::query::{as_viewer, Viewer};

const DETAILS: &str = "id, name, display_name, status, phase, reason, message, kubernetes_name, \
    pod_name, pod_ip, host_ip, restart_count, cpu_request, cpu_limit, memory_request, \
    memory_limit, started_at, finished_at, created_at, updated_at, namespace_name, \
    namespace_k8s_name, image_name, image_tag, image_repository, created_by_username, \
    created_by_full_name, uptime_seconds::float8 AS uptime_seconds, \
    cpu_usage_percent::float8 AS cpu_usage_percent, \
    memory_usage_percent::float8 AS memory_usage_percent, last_metric_timestamp, namespace_id, \
    image_id";

/// A page of a namespace's containers by name (`status` when given), as `viewer` may see them,
/// and how many match in all.
pub async fn list<T: FromRow>(
    pool: &Pool,
    viewer: &Viewer,
    namespace_id: i64,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let mut client = pool.get().await?;
    let tx = as_viewer(&mut client, viewer).await?;
    let condition = "namespace_id = $1 AND ($2::text IS NULL OR status = $2)";
    let page = format!(
        "SELECT {DETAILS} FROM container_details WHERE {condition} \
         ORDER BY name, id LIMIT $3 OFFSET $4"
    );
    let count = format!("SELECT count(*) FROM containers WHERE {condition}");
    let (rows, total) = futures_util::future::try_join(
        tx.query(&page, &[&namespace_id, &status, &limit, &offset]),
        tx.query_one(&count, &[&namespace_id, &status]),
    )
    .await?;
    tx.commit().await?;
    Ok((db::rows_as(rows)?, db::scalar(total)?))
}

/// One container's `container_details` row, with its ports, variables and mounts read into
/// `P`, `V` and `M`; `None` when `viewer` may not see it or it is not in the namespace.
pub async fn find<T: FromRow, P: FromRow, V: FromRow, M: FromRow>(
    pool: &Pool,
    viewer: &Viewer,
    namespace_id: i64,
    id: i64,
) -> Result<Option<(T, Vec<P>, Vec<V>, Vec<M>)>, DbError> {
    let mut client = pool.get().await?;
    let tx = as_viewer(&mut client, viewer).await?;
    let details =
        format!("SELECT {DETAILS} FROM container_details WHERE namespace_id = $1 AND id = $2");
    let Some(row) = tx.query_opt(&details, &[&namespace_id, &id]).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    let (ports, env, mounts) = futures_util::future::try_join3(
        tx.query(
            "SELECT p.name, p.container_port, p.protocol, p.host_port, p.node_port, \
             p.service_name, p.service_port FROM port_mappings p \
             JOIN containers c ON c.id = p.container_id WHERE c.id = $1 ORDER BY p.id",
            &[&id],
        ),
        tx.query(
            "SELECT e.name, e.value, e.value_from, e.source_name, e.source_key \
             FROM environment_variables e JOIN containers c ON c.id = e.container_id \
             WHERE c.id = $1 ORDER BY e.id",
            &[&id],
        ),
        tx.query(
            "SELECT m.volume_id, v.name AS volume_name, m.mount_path, m.read_only, m.sub_path \
             FROM container_volumes m JOIN containers c ON c.id = m.container_id \
             LEFT JOIN volumes v ON v.id = m.volume_id WHERE c.id = $1 ORDER BY m.id",
            &[&id],
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Some((
        T::from_row(&row)?,
        db::rows_as(ports)?,
        db::rows_as(env)?,
        db::rows_as(mounts)?,
    )))
}

/// A page of a container's status changes, oldest first, and how many it has; `None` when
/// `viewer` may not see the container or it is not in the namespace.
pub async fn history<T: FromRow>(
    pool: &Pool,
    viewer: &Viewer,
    namespace_id: i64,
    id: i64,
    limit: i64,
    offset: i64,
) -> Result<Option<(Vec<T>, i64)>, DbError> {
    let mut client = pool.get().await?;
    let tx = as_viewer(&mut client, viewer).await?;
    let visible = tx
        .query_opt(
            "SELECT 1 FROM containers WHERE namespace_id = $1 AND id = $2",
            &[&namespace_id, &id],
        )
        .await?;
    if visible.is_none() {
        tx.commit().await?;
        return Ok(None);
    }
    let (rows, total) = futures_util::future::try_join(
        tx.query(
            "SELECT id, previous_status, current_status, reason, message, changed_at, \
             triggered_by, user_id, operation_id::text AS operation_id \
             FROM container_status_history WHERE container_id = $1 \
             ORDER BY changed_at, id LIMIT $2 OFFSET $3",
            &[&id, &limit, &offset],
        ),
        tx.query_one(
            "SELECT count(*) FROM container_status_history WHERE container_id = $1",
            &[&id],
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Some((db::rows_as(rows)?, db::scalar(total)?)))
}

/// The ids of every container the read model holds (what the watcher asks the orchestrator
/// about), after `after`, at most `limit`, in id order.
pub async fn ids(pool: &Pool, after: i64, limit: i64) -> Result<Vec<i64>, DbError> {
    let rows = pool
        .query(
            "SELECT id FROM containers WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &limit],
        )
        .await?;
    rows.into_iter().map(db::scalar).collect()
}

/// Whether some container runs image `image_id`.
pub async fn image_in_use(pool: &Pool, image_id: i64) -> Result<bool, DbError> {
    pool.query_one(
        "SELECT EXISTS (SELECT 1 FROM containers WHERE image_id = $1)",
        &[&image_id],
    )
    .await
    .and_then(db::scalar)
}
