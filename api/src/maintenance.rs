//! The server's scheduled upkeep, at start and every 10 minutes: partitions of the partitioned
//! read models created ahead and dropped past the operation log's retention (with metrics),
//! temporary uploads deleted past their lifetime, and stored files nothing refers to swept.

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
}

/// Runs the upkeep now and then every [`EVERY`] until shutdown.
pub async fn maintain_periodically(state: AppState, upkeep: Upkeep) {
    let mut shutdown = state.runtime.shutdown_signal();
    loop {
        keep_partitions(&state, upkeep.operation_log_retention_months).await;
        sweep_files(&state, upkeep.temporary_file_ttl).await;
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Creates partitions ahead (idempotent) and drops the operation log's expired months.
pub async fn keep_partitions(state: &AppState, retention_months: u32) {
    let runs = &state.metrics.partition_maintenance_runs;
    if let Err(error) = db::migrate::create_partitions_ahead(&state.pool).await {
        tracing::warn!(%error, "creating partitions ahead failed");
        runs.with_label_values(&["failed"]).inc();
        return;
    }
    if retention_months > 0 {
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
            }
            Err(error) => {
                tracing::warn!(%error, "dropping expired operation-log partitions failed");
                runs.with_label_values(&["failed"]).inc();
                return;
            }
        }
    }
    runs.with_label_values(&["ok"]).inc();
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
