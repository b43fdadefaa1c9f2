//! The server's scheduled upkeep, every 10 minutes: partitions of the partitioned read models
//! created ahead and dropped past the operation log's and the resource usage's retention (with
//! metrics), temporary
//! uploads deleted past their lifetime, and stored files nothing refers to swept. Beside it,
//! `container_summary` is refreshed when what it reads changed (and hourly). At start only
//! the retention is due (`serve` has created the partitions ahead before it listens).

use std::time::Duration;

use crate::routes::AppState;

/// How often the upkeep runs.
const EVERY: Duration = Duration::from_secs(600);

/// What the upkeep keeps to.
#[derive(Debug, Clone, Copy)]
pub struct Upkeep {
    /// How long an uploaded file may stay temporary (used by nothing).
    pub temporary_file_ttl: Duration,
    /// Months of operation log kept (0: all).
    pub operation_log_retention_months: u32,
    /// Days of container resource usage kept (0: all).
    pub usage_retention_days: u32,
}

/// Drops expired months now, then runs the whole upkeep every [`EVERY`] until shutdown.
pub async fn maintain_periodically(state: AppState, upkeep: Upkeep) {
    let mut shutdown = state.runtime.shutdown_signal();
    let months = upkeep.operation_log_retention_months;
    count_run(&state, drop_expired(&state, months).await);
    drop_expired_usage(&state, upkeep.usage_retention_days).await;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => return,
        }
        keep_partitions(&state, months).await;
        drop_expired_usage(&state, upkeep.usage_retention_days).await;
        sweep_files(&state, upkeep.temporary_file_ttl).await;
    }
}

/// Creates partitions ahead (idempotent) and drops the operation log's expired months.
pub async fn keep_partitions(state: &AppState, retention_months: u32) {
    let created = db::migrate::create_partitions_ahead(&state.pool).await;
    if let Err(error) = &created {
        tracing::warn!(%error, "creating partitions ahead failed");
    }
    let ok = created.is_ok() && drop_expired(state, retention_months).await;
    count_run(state, ok);
}

fn count_run(state: &AppState, ok: bool) {
    let outcome = if ok { "ok" } else { "failed" };
    state
        .metrics
        .partition_maintenance_runs
        .with_label_values(&[outcome])
        .inc();
}

/// Drops the operation log's months past the retention (none when it is 0); false on failure.
async fn drop_expired(state: &AppState, retention_months: u32) -> bool {
    if retention_months == 0 {
        return true;
    }
    let months = i32::try_from(retention_months).unwrap_or(i32::MAX);
    match db::partitions::drop_expired_operation_logs(&state.pool, months).await {
        Ok(expired) => {
            state
                .metrics
                .partitions_dropped
                .with_label_values(&["operation_logs"])
                .inc_by(expired.partitions.max(0) as u64);
            if expired.partitions > 0 || expired.rows > 0 {
                tracing::info!(
                    partitions = expired.partitions,
                    rows = expired.rows,
                    retention_months,
                    "dropped expired operation-log months"
                );
            }
            true
        }
        Err(error) => {
            tracing::warn!(%error, "dropping expired operation-log partitions failed");
            false
        }
    }
}

/// Drops the days of container resource usage past the retention (none when it is 0).
pub async fn drop_expired_usage(state: &AppState, retention_days: u32) -> bool {
    if retention_days == 0 {
        return true;
    }
    let days = i32::try_from(retention_days).unwrap_or(i32::MAX);
    match db::partitions::drop_expired_usage(&state.pool, days).await {
        Ok(expired) => {
            state
                .metrics
                .partitions_dropped
                .with_label_values(&["container_resource_usage"])
                .inc_by(expired.partitions.max(0) as u64);
            if expired.partitions > 0 || expired.rows > 0 {
                tracing::info!(
                    partitions = expired.partitions,
                    rows = expired.rows,
                    retention_days,
                    "dropped expired days of container resource usage"
                );
            }
            true
        }
        Err(error) => {
            tracing::warn!(%error, "dropping expired container resource usage failed");
            false
        }
    }
}

async fn sweep_files(state: &AppState, temporary_file_ttl: Duration) {
    match crate::routes::upload_files::sweep_temporary(state, temporary_file_ttl).await {
        Ok(0) => {}
        Ok(swept) => tracing::info!(swept, "deleted temporary uploaded files"),
        Err(error) => tracing::warn!(error = %error.message, "sweeping temporary files failed"),
    }
    match crate::files::sweep_orphans(&state.pool, &state.files, Duration::from_secs(3600)).await {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "swept orphaned files"),
        Err(error) => tracing::warn!(%error, "file sweep failed"),
    }
}

/// How long the summary may go without a refresh even when nothing it reads seems changed.
const SUMMARY_SCHEDULE: Duration = Duration::from_secs(3600);

/// Keeps `container_summary` fresh: every `every`, refreshes it (concurrently) when what it reads
/// changed since the last refresh, and at least every hour. Stops at shutdown.
pub async fn refresh_summary_periodically(state: AppState, every: Duration) {
    use projections::read_models::platform_containers::summary;
    let mut shutdown = state.runtime.shutdown_signal();
    let mut last: Option<(String, tokio::time::Instant)> = None;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
        let fingerprint = match summary::fingerprint(&state.pool).await {
            Ok(fingerprint) => fingerprint,
            Err(error) => {
                tracing::warn!(%error, "reading what the container summary reads failed");
                continue;
            }
        };
        let due = last
            .as_ref()
            .is_none_or(|(seen, at)| *seen != fingerprint || at.elapsed() >= SUMMARY_SCHEDULE);
        if !due {
            continue;
        }
        match summary::refresh(&state.pool).await {
            Ok(()) => last = Some((fingerprint, tokio::time::Instant::now())),
            Err(error) => tracing::warn!(%error, "refreshing the container summary failed"),
        }
    }
}
