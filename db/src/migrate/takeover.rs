//! Taking over a database migrated by the earlier tool (sqlx): its history moves into
//! `schema_migrations` once every migration it recorded is proven, by sqlx's own SHA-384, to be
//! this build's file (ADR 0009).

use sha2::{Digest, Sha384};

use super::{hex, migrations, MigrateError, Runner, CREATE_TABLE};

/// Migrations rewritten after the earlier tool applied them, with the SHA-384 it recorded: the
/// takeover accepts that text too. 0004 defined `schema_migrations` as a view over the earlier
/// tool's table; the runner now owns a real table of that name.
const REWRITTEN: &[(&str, &str)] = &[(
    "20260101000004",
    "0ba6506793bbfd8b1fdad9526aa5e1f9e5312295b89025a97d9290d1f6ea61b6ca0ffb0f53c045a8f1d136e74228e6ed",
)];

impl Runner {
    /// Moves the history of a database migrated by sqlx into `schema_migrations`, once every
    /// migration it applied is proven to be this build's file (by sqlx's own SHA-384).
    pub(super) async fn take_over_earlier_tool(&self) -> Result<(), MigrateError> {
        let earlier: bool = self
            .client
            .query_one("SELECT to_regclass('_sqlx_migrations') IS NOT NULL", &[])
            .await?
            .get(0);
        if !earlier {
            return Ok(());
        }
        let known = migrations();
        let rows = self
            .client
            .query(
                "SELECT version, encode(checksum, 'hex'), (execution_time / 1000000)::integer, installed_on \
                 FROM _sqlx_migrations WHERE success ORDER BY version",
                &[],
            )
            .await?;
        let mut history = Vec::new();
        for row in &rows {
            let version: i64 = row.get(0);
            let version = version.to_string();
            let sqlx_checksum: String = row.get(1);
            let Some(migration) = known.iter().find(|m| m.version == version) else {
                return Err(MigrateError::Unknown { version });
            };
            let same = hex(&Sha384::digest(migration.up.as_bytes())) == sqlx_checksum
                || REWRITTEN.contains(&(version.as_str(), sqlx_checksum.as_str()));
            if !same {
                return Err(MigrateError::TakeoverMismatch {
                    version,
                    file: migration.file.to_owned(),
                });
            }
            let took: i32 = row.get(2);
            let at: std::time::SystemTime = row.get(3);
            history.push((version, migration.checksum(), took, at));
        }
        let mut tx_client = self.client.simple_query("BEGIN").await.map(|_| ());
        if tx_client.is_ok() {
            tx_client = async {
                self.client
                    .batch_execute("DROP VIEW IF EXISTS schema_migrations")
                    .await?;
                self.client.batch_execute(CREATE_TABLE).await?;
                for (version, checksum, took, at) in &history {
                    self.client
                        .execute(
                            "INSERT INTO schema_migrations (version, applied_at, checksum, execution_time_ms, success) \
                             VALUES ($1, $2, $3, $4, true)",
                            &[version, at, checksum, took],
                        )
                        .await?;
                }
                self.client
                    .batch_execute("DROP TABLE _sqlx_migrations; COMMIT")
                    .await
            }
            .await;
        }
        if let Err(error) = tx_client {
            let _ = self.client.batch_execute("ROLLBACK").await;
            return Err(error.into());
        }
        tracing::info!(
            migrations = history.len(),
            "took over the migration history of the earlier tool"
        );
        Ok(())
    }
}
