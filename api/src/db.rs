//! The connection pool, the embedded migrations and their status.

use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

/// Every migration of `migrations/`, compiled in.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Opens a pool to `url`.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let options: PgConnectOptions = url
        .parse::<PgConnectOptions>()?
        .log_statements(log::LevelFilter::Trace)
        .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(2));
    PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(2)
        .acquire_timeout(Duration::from_secs(5))
        // No ping before every acquire: a broken connection fails its query and is replaced.
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// Applies every pending migration (sqlx serializes concurrent runs with an advisory lock).
pub async fn migrate_up(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// Reverts migrations down to (excluding) `target`; 0 reverts everything.
pub async fn migrate_down(pool: &PgPool, target: i64) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.undo(pool, target).await
}

/// One migration and whether it is applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    pub applied: bool,
}

/// The state of every known migration; errors if the database cannot be read.
pub async fn migration_status(pool: &PgPool) -> Result<Vec<MigrationState>, sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    let applied: Vec<i64> = if exists {
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await?
    } else {
        Vec::new()
    };
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| MigrationState {
            version: m.version,
            description: m.description.to_string(),
            applied: applied.contains(&m.version),
        })
        .collect())
}

/// Creates the partitions of the partitioned read-model tables ahead of time (no pg_cron).
pub async fn create_partitions_ahead(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT create_monthly_partitions('operation_logs', CURRENT_DATE)")
        .execute(pool)
        .await?;
    sqlx::query("SELECT create_daily_partitions('container_resource_usage', CURRENT_DATE, 7)")
        .execute(pool)
        .await?;
    Ok(())
}
