//! `container_resource_usage`: samples of the containers' resource usage. They are telemetry,
//! not events (ADR 0019): written here by their own writer, a batch per statement (the ingest
//! endpoint's batches, the watcher's pass), read back in buckets, and dropped with their daily
//! partitions (`db::partitions::drop_expired_usage`). A rebuild of the containers' projection
//! leaves them alone.

use chrono::{DateTime, Utc};
use db::{DbError, FromRow, Pool};

use crate::read_models::operation_logs::query::{as_viewer, Viewer};

/// One sample, as the table holds it (each metric optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    pub container_id: i64,
    pub timestamp: DateTime<Utc>,
    pub cpu_cores_used: Option<f64>,
    pub cpu_cores_request: Option<f64>,
    pub cpu_cores_limit: Option<f64>,
    pub cpu_usage_percent: Option<f64>,
    pub memory_bytes_used: Option<i64>,
    pub memory_bytes_request: Option<i64>,
    pub memory_bytes_limit: Option<i64>,
    pub memory_usage_percent: Option<f64>,
    pub network_bytes_rx: Option<i64>,
    pub network_bytes_tx: Option<i64>,
    pub network_packets_rx: Option<i64>,
    pub network_packets_tx: Option<i64>,
    pub disk_bytes_used: Option<i64>,
    pub disk_bytes_total: Option<i64>,
    pub disk_usage_percent: Option<f64>,
    pub filesystem_reads: Option<i64>,
    pub filesystem_writes: Option<i64>,
}

const INSERT: &str = "INSERT INTO container_resource_usage (container_id, timestamp, \
    cpu_cores_used, cpu_cores_request, cpu_cores_limit, cpu_usage_percent, memory_bytes_used, \
    memory_bytes_request, memory_bytes_limit, memory_usage_percent, network_bytes_rx, \
    network_bytes_tx, network_packets_rx, network_packets_tx, disk_bytes_used, \
    disk_bytes_total, disk_usage_percent, filesystem_reads, filesystem_writes) \
    SELECT * FROM unnest($1::int8[], $2::timestamptz[], $3::float8[], $4::float8[], \
    $5::float8[], $6::float8[], $7::int8[], $8::int8[], $9::int8[], $10::float8[], $11::int8[], \
    $12::int8[], $13::int8[], $14::int8[], $15::int8[], $16::int8[], $17::float8[], \
    $18::int8[], $19::int8[])";

/// Writes `samples` in one statement; how many were written.
pub async fn insert(pool: &Pool, samples: &[Sample]) -> Result<u64, DbError> {
    if samples.is_empty() {
        return Ok(0);
    }
    macro_rules! column {
        ($field:ident) => {
            samples.iter().map(|s| s.$field).collect::<Vec<_>>()
        };
    }
    let ids = column!(container_id);
    let times = column!(timestamp);
    let (c1, c2, c3, c4) = (
        column!(cpu_cores_used),
        column!(cpu_cores_request),
        column!(cpu_cores_limit),
        column!(cpu_usage_percent),
    );
    let (m1, m2, m3, m4) = (
        column!(memory_bytes_used),
        column!(memory_bytes_request),
        column!(memory_bytes_limit),
        column!(memory_usage_percent),
    );
    let (n1, n2, n3, n4) = (
        column!(network_bytes_rx),
        column!(network_bytes_tx),
        column!(network_packets_rx),
        column!(network_packets_tx),
    );
    let (d1, d2, d3) = (
        column!(disk_bytes_used),
        column!(disk_bytes_total),
        column!(disk_usage_percent),
    );
    let (f1, f2) = (column!(filesystem_reads), column!(filesystem_writes));
    pool.execute(
        INSERT,
        &[
            &ids, &times, &c1, &c2, &c3, &c4, &m1, &m2, &m3, &m4, &n1, &n2, &n3, &n4, &d1, &d2,
            &d3, &f1, &f2,
        ],
    )
    .await
}

/// Which of `ids` are containers the read model holds.
pub async fn known(pool: &Pool, ids: &[i64]) -> Result<std::collections::HashSet<i64>, DbError> {
    let rows = pool
        .query("SELECT id FROM containers WHERE id = ANY($1)", &[&ids])
        .await?;
    rows.into_iter().map(db::scalar).collect()
}

/// The buckets of `step_seconds` from `from` (inclusive) to `to` (exclusive) of container `id`
/// in namespace `namespace_id`, oldest first, each with its sample count and the average and
/// highest of each metric; `None` when `viewer` may not see the container.
#[allow(clippy::too_many_arguments)]
pub async fn buckets<T: FromRow>(
    pool: &Pool,
    viewer: &Viewer,
    namespace_id: i64,
    id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    step_seconds: i64,
) -> Result<Option<Vec<T>>, DbError> {
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
    let rows = tx
        .query(
            "SELECT date_bin(make_interval(secs => $4::int8), timestamp, $2) AS start, \
             count(*) AS samples, \
             avg(cpu_cores_used)::float8 AS cpu_cores_avg, max(cpu_cores_used)::float8 AS cpu_cores_max, \
             avg(cpu_usage_percent)::float8 AS cpu_percent_avg, max(cpu_usage_percent)::float8 AS cpu_percent_max, \
             avg(memory_bytes_used)::float8 AS memory_bytes_avg, max(memory_bytes_used) AS memory_bytes_max, \
             avg(memory_usage_percent)::float8 AS memory_percent_avg, max(memory_usage_percent)::float8 AS memory_percent_max, \
             sum(network_bytes_rx)::int8 AS network_bytes_rx, sum(network_bytes_tx)::int8 AS network_bytes_tx \
             FROM container_resource_usage \
             WHERE container_id = $1 AND timestamp >= $2 AND timestamp < $3 \
             GROUP BY 1 ORDER BY 1",
            &[&id, &from, &to, &step_seconds],
        )
        .await?;
    tx.commit().await?;
    db::rows_as(rows).map(Some)
}
