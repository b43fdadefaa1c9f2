//! `container_summary` (a materialized view of the containers per namespace): refreshed
//! concurrently by the upkeep when what it reads changed, and on a schedule; read by namespace.

use db::{DbError, FromRow, Pool};

/// A cheap fingerprint of what the summary reads: it changes when a container, namespace or
/// image is added, changed or removed.
pub async fn fingerprint(pool: &Pool) -> Result<String, DbError> {
    pool.query_one(
        "SELECT concat_ws('/', (SELECT count(*) FROM containers), \
                (SELECT max(updated_at) FROM containers), \
                (SELECT count(*) FROM containers WHERE status = 'running'), \
                (SELECT count(*) FROM namespaces), (SELECT max(updated_at) FROM namespaces), \
                (SELECT count(*) FROM container_images), \
                (SELECT sum(size_bytes) FROM container_images))",
        &[],
    )
    .await
    .and_then(db::scalar)
}

/// Refreshes the summary without blocking its readers.
pub async fn refresh(pool: &Pool) -> Result<(), DbError> {
    pool.execute("SELECT refresh_container_summary()", &[])
        .await
        .map(|_| ())
}

/// Namespace `namespace_id`'s row (columns `namespace_id, namespace_name, total_containers,
/// running_containers, stopped_containers, failed_containers, total_size_bytes`).
pub async fn of_namespace<T: FromRow>(
    pool: &Pool,
    namespace_id: i64,
) -> Result<Option<T>, DbError> {
    pool.query_opt(
        "SELECT namespace_id, namespace_name, total_containers, running_containers, \
         stopped_containers, failed_containers, total_size_bytes::int8 AS total_size_bytes \
         FROM container_summary WHERE namespace_id = $1",
        &[&namespace_id],
    )
    .await
    .and_then(db::opt_as)
}
