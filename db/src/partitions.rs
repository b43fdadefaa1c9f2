//! Retention of the partitioned read models (seed §6.3): the operation log keeps a configured
//! number of months. Months before them are dropped with their partitions; rows of such months
//! that sit in the DEFAULT partition (a projection rebuilt after a drop writes old rows there)
//! are deleted too, so a rebuild does not bring expired rows back for longer than one run.

use crate::{DbError, Pool};

/// What one retention run removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expired {
    pub partitions: i32,
    pub rows: u64,
}

/// Drops the operation log's months before the last `retention_months` (the current month
/// counts as one of them).
pub async fn drop_expired_operation_logs(
    pool: &Pool,
    retention_months: i32,
) -> Result<Expired, DbError> {
    let partitions: i32 = pool
        .query_one(
            "SELECT drop_old_partitions('operation_logs', $1)",
            &[&retention_months],
        )
        .await
        .and_then(crate::scalar)?;
    let rows = pool
        .execute(
            "DELETE FROM operation_logs_default \
             WHERE started_at < date_trunc('month', CURRENT_DATE - make_interval(months => $1::int4))",
            &[&retention_months],
        )
        .await?;
    Ok(Expired { partitions, rows })
}

/// Drops the days of container resource usage before the last `retention_days` (today counts
/// as one of them): their daily partitions, and their rows in the DEFAULT partition.
pub async fn drop_expired_usage(pool: &Pool, retention_days: i32) -> Result<Expired, DbError> {
    let cutoff = "CURRENT_DATE - ($1::int4 - 1)";
    let expired = pool
        .query(
            &format!(
                "SELECT c.relname::text FROM pg_inherits i \
                 JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent \
                 WHERE p.relname = 'container_resource_usage' \
                   AND c.relname ~ '_y[0-9]{{4}}m[0-9]{{2}}d[0-9]{{2}}$' \
                   AND to_date(substring(c.relname from '_y([0-9]{{4}}m[0-9]{{2}}d[0-9]{{2}})$'), \
                               'YYYY\"m\"MM\"d\"DD') < {cutoff}"
            ),
            &[&retention_days],
        )
        .await?;
    let mut partitions = 0;
    for row in expired {
        let name: String = row.try_get(0)?;
        pool.execute(&format!("DROP TABLE IF EXISTS \"{name}\""), &[])
            .await?;
        partitions += 1;
    }
    let rows = pool
        .execute(
            &format!("DELETE FROM container_resource_usage_default WHERE timestamp < {cutoff}"),
            &[&retention_days],
        )
        .await?;
    Ok(Expired { partitions, rows })
}
