//! The migration runner: the `migrations/*.up.sql` / `*.down.sql` files, embedded in the binary,
//! applied in version order, each in its own transaction, and recorded in seed 003's
//! `schema_migrations` table (version, applied_at, SHA-256 checksum, execution time, success).
//!
//! Runs hold a session advisory lock, so concurrent starts apply each migration once. Before it
//! applies anything, a run checks every recorded checksum against the embedded file and refuses to
//! go on, naming the file, when one was changed after it was applied. A database migrated by the
//! earlier tool (sqlx's `_sqlx_migrations`) is taken over once its checksums prove it ran these
//! same files (ADR 0009).

use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::{DbError, Pool};

mod takeover;

/// Advisory lock key serializing migration runs ("edgedev" mig).
const LOCK: i64 = 0x6564_6765_6d69_6701;

static FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/migration_files.rs"));

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations ( \
    version VARCHAR(255) PRIMARY KEY, \
    applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP, \
    checksum VARCHAR(64) NOT NULL, \
    execution_time_ms INTEGER, \
    success BOOLEAN DEFAULT TRUE)";

/// One migration: its version, what it does, and its two scripts.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The leading digits of the file name, e.g. `20260101000001`.
    pub version: String,
    /// The rest of the file name, with spaces for underscores.
    pub description: String,
    /// The name of the `.up.sql` file, for messages.
    pub file: &'static str,
    up: &'static str,
    down: Option<&'static str>,
}

impl Migration {
    /// The SHA-256 of the up script, as 64 hex characters.
    pub fn checksum(&self) -> String {
        hex(&Sha256::digest(self.up.as_bytes()))
    }

    fn number(&self) -> i64 {
        self.version.parse().unwrap_or(i64::MAX)
    }
}

/// Every embedded migration, oldest first.
pub fn migrations() -> Vec<Migration> {
    let mut list: Vec<Migration> = FILES
        .iter()
        .filter_map(|(name, sql)| {
            let stem = name.strip_suffix(".up.sql")?;
            let (version, description) = stem.split_once('_').unwrap_or((stem, ""));
            let down_name = format!("{stem}.down.sql");
            Some(Migration {
                version: version.to_owned(),
                description: description.replace('_', " "),
                file: name,
                up: sql,
                down: FILES.iter().find(|(n, _)| *n == down_name).map(|(_, s)| *s),
            })
        })
        .collect();
    list.sort_by_key(Migration::number);
    list
}

/// Why migrations could not be applied or reverted.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migration {file} was changed after it was applied (recorded checksum {recorded}, file {current}); restore the file, or add a new migration instead of editing an applied one")]
    Changed {
        file: String,
        recorded: String,
        current: String,
    },
    #[error("the database has migration {version} applied, which this build does not know; run a newer edgedev")]
    Unknown { version: String },
    #[error("migration {file} failed: {error}")]
    Failed { file: String, error: DbError },
    #[error("migration {file} has no .down.sql file and cannot be reverted")]
    Irreversible { file: String },
    #[error("the database was migrated by the earlier tool, and its migration {version} does not match this build's file {file}; migrate it with the edgedev release that created it first")]
    TakeoverMismatch { version: String, file: String },
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<tokio_postgres::Error> for MigrateError {
    fn from(error: tokio_postgres::Error) -> Self {
        MigrateError::Database(error.into())
    }
}

/// One migration's state in a database.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MigrationState {
    pub version: String,
    pub description: String,
    pub applied: bool,
    /// The last attempt failed (it was rolled back; the next `up` retries it).
    pub failed: bool,
    pub applied_at: Option<String>,
    pub execution_time_ms: Option<i32>,
}

struct Recorded {
    version: String,
    checksum: String,
    success: bool,
    applied_at: Option<String>,
    execution_time_ms: Option<i32>,
}

/// Every row of `schema_migrations`.
async fn recorded(client: &tokio_postgres::Client) -> Result<Vec<Recorded>, MigrateError> {
    let rows = client
        .query(
        "SELECT version::text, checksum::text, coalesce(success, true), \
                 to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), execution_time_ms \
                 FROM schema_migrations ORDER BY version",
                &[],
            )
            .await?;
    Ok(rows
        .iter()
        .map(|row| Recorded {
            version: row.get(0),
            checksum: row.get(1),
            success: row.get(2),
            applied_at: row.get(3),
            execution_time_ms: row.get(4),
        })
        .collect())
}

/// A locked runner connection: the lock goes with the connection.
struct Runner {
    client: tokio_postgres::Client,
}

impl Runner {
    async fn open(pool: &Pool) -> Result<Runner, MigrateError> {
        let client = pool.dedicated().await?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&LOCK])
            .await?;
        let runner = Runner { client };
        runner.take_over_earlier_tool().await?;
        runner.client.batch_execute(CREATE_TABLE).await?;
        Ok(runner)
    }

    async fn recorded(&self) -> Result<Vec<Recorded>, MigrateError> {
        recorded(&self.client).await
    }

    /// Refuses a database whose applied migrations differ from the embedded files.
    async fn verify(&self, known: &[Migration]) -> Result<Vec<Recorded>, MigrateError> {
        let recorded = self.recorded().await?;
        for row in recorded.iter().filter(|r| r.success) {
            let Some(migration) = known.iter().find(|m| m.version == row.version) else {
                return Err(MigrateError::Unknown {
                    version: row.version.clone(),
                });
            };
            let current = migration.checksum();
            if current != row.checksum {
                return Err(MigrateError::Changed {
                    file: migration.file.to_owned(),
                    recorded: row.checksum.clone(),
                    current,
                });
            }
        }
        Ok(recorded)
    }

    /// Runs `sql` and records the outcome, in one transaction; a failure is rolled back and
    /// recorded as unsuccessful.
    async fn apply(&self, migration: &Migration) -> Result<(), MigrateError> {
        let started = Instant::now();
        let result = self
            .client
            .batch_execute(&format!("BEGIN;\n{}\n;", migration.up))
            .await;
        let took = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        const RECORD: &str = "INSERT INTO schema_migrations (version, checksum, execution_time_ms, success) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (version) DO UPDATE SET applied_at = now(), \
             checksum = EXCLUDED.checksum, execution_time_ms = EXCLUDED.execution_time_ms, success = EXCLUDED.success";
        let checksum = migration.checksum();
        match result {
            Ok(()) => {
                let recorded = async {
                    self.client
                        .execute(RECORD, &[&migration.version, &checksum, &took, &true])
                        .await?;
                    self.client.batch_execute("COMMIT").await
                }
                .await;
                if let Err(error) = recorded {
                    let _ = self.client.batch_execute("ROLLBACK").await;
                    return Err(MigrateError::Failed {
                        file: migration.file.to_owned(),
                        error: error.into(),
                    });
                }
                tracing::info!(version = %migration.version, description = %migration.description, took_ms = took, "migration applied");
                Ok(())
            }
            Err(error) => {
                let _ = self.client.batch_execute("ROLLBACK").await;
                let _ = self
                    .client
                    .execute(RECORD, &[&migration.version, &checksum, &took, &false])
                    .await;
                Err(MigrateError::Failed {
                    file: migration.file.to_owned(),
                    error: error.into(),
                })
            }
        }
    }

    async fn revert(&self, migration: &Migration) -> Result<(), MigrateError> {
        let Some(down) = migration.down else {
            return Err(MigrateError::Irreversible {
                file: migration.file.to_owned(),
            });
        };
        let reverted = async {
            self.client
                .batch_execute(&format!("BEGIN;\n{down}\n;"))
                .await?;
            self.client
                .execute(
                    "DELETE FROM schema_migrations WHERE version = $1",
                    &[&migration.version],
                )
                .await?;
            self.client.batch_execute("COMMIT").await
        }
        .await;
        if let Err(error) = reverted {
            let _ = self.client.batch_execute("ROLLBACK").await;
            return Err(MigrateError::Failed {
                file: migration.file.replace(".up.sql", ".down.sql"),
                error: error.into(),
            });
        }
        tracing::info!(version = %migration.version, "migration reverted");
        Ok(())
    }
}

/// Applies every pending migration, after checking the applied ones were not changed.
pub async fn up(pool: &Pool) -> Result<(), MigrateError> {
    let runner = Runner::open(pool).await?;
    let known = migrations();
    let recorded = runner.verify(&known).await?;
    for migration in &known {
        let done = recorded
            .iter()
            .any(|r| r.version == migration.version && r.success);
        if !done {
            runner.apply(migration).await?;
        }
    }
    Ok(())
}

/// Reverts the applied migrations newer than `target`, newest first; 0 reverts all of them.
pub async fn down(pool: &Pool, target: i64) -> Result<(), MigrateError> {
    let runner = Runner::open(pool).await?;
    let known = migrations();
    let recorded = runner.verify(&known).await?;
    for migration in known.iter().rev().filter(|m| m.number() > target) {
        if recorded.iter().any(|r| r.version == migration.version) {
            runner.revert(migration).await?;
        }
    }
    Ok(())
}

/// The state of every embedded migration in the database.
/// Only reads: a database not yet taken over from the earlier tool shows every migration pending.
pub async fn status(pool: &Pool) -> Result<Vec<MigrationState>, MigrateError> {
    let client = pool.get().await?;
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .await?
        .get(0);
    let recorded = if exists {
        recorded(&client).await?
    } else {
        Vec::new()
    };
    Ok(migrations()
        .into_iter()
        .map(|m| {
            let row = recorded.iter().find(|r| r.version == m.version);
            MigrationState {
                applied: row.is_some_and(|r| r.success),
                failed: row.is_some_and(|r| !r.success),
                applied_at: row.and_then(|r| r.applied_at.clone()),
                execution_time_ms: row.and_then(|r| r.execution_time_ms),
                version: m.version,
                description: m.description,
            }
        })
        .collect())
}

/// Creates the partitions of the partitioned read-model tables ahead of time (no pg_cron).
pub async fn create_partitions_ahead(pool: &Pool) -> Result<(), DbError> {
    pool.batch(
        "SELECT create_monthly_partitions('operation_logs', CURRENT_DATE); \
         SELECT create_daily_partitions('container_resource_usage', CURRENT_DATE, 7)",
    )
    .await
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
