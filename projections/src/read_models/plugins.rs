//! `tbl_plugin` and `tbl_downloadrecord`: the plugin catalogue, its download records and ratings.
//! `downloadcount` counts download events; a rating is one record per (plugin, user) with
//! `scoretype` 2, replaced by a re-rating; `scorecount` and `satisfaction` (3.0 without ratings)
//! are derived from those records. File columns hold the store path of each file, and
//! `pluginfilehashcode` the package's SHA-256 in base64 (the documented column holds 50 characters).

use domain::plugin::{PluginEvent, PluginFields, StoredFile};
use sqlx::PgConnection;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct PluginsProjection;

/// `scoretype` of a download record.
pub const DOWNLOAD: i32 = 1;
/// `scoretype` of a rating record.
pub const RATING: i32 = 2;

/// Where the store keeps a file, relative to the data directory.
pub fn store_path(file: &StoredFile) -> String {
    format!(
        "files/sha256/{}/{}",
        &file.sha256[..2.min(file.sha256.len())],
        file.sha256
    )
}

fn hash_code(sha256_hex: &str) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..sha256_hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&sha256_hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl Projection for PluginsProjection {
    fn name(&self) -> &'static str {
        "plugins"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["plugin"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_plugin", "tbl_downloadrecord"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            for event in events.iter().filter(|e| e.aggregate_type == "plugin") {
                apply_one(conn, event).await?;
            }
            Ok(())
        })
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds the fields in the order $2..$11 shared by INSERT and UPDATE.
fn bind_fields<'q>(query: Query<'q>, f: &PluginFields) -> Query<'q> {
    query
        .bind(f.name.clone())
        .bind(f.introduction.clone())
        .bind(f.code_language.as_str())
        .bind(f.plugin_type.code())
        .bind(f.version.clone())
        .bind(store_path(&f.logo_file))
        .bind(store_path(&f.plugin_file))
        .bind(f.plugin_file.size as i32)
        .bind(store_path(&f.api_file))
        .bind(hash_code(&f.plugin_file.sha256))
}

async fn apply_one(conn: &mut PgConnection, event: &LogEvent) -> Result<(), ProjectionError> {
    let id = event.aggregate_id.as_str();
    match event.decode::<PluginEvent>()? {
        PluginEvent::PluginUploaded {
            fields,
            owner_id,
            owner_name,
            uploaded_at,
        } => {
            bind_fields(
                sqlx::query(
                    "INSERT INTO tbl_plugin (pluginid, pluginname, introduction, codelanguage, plugintype, version, \
                     logofile, pluginfile, pluginsize, apifile, pluginfilehashcode, satisfaction, downloadcount, \
                     scorecount, userid, username, uploadtime) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 3.0, 0, 0, $12, $13, $14)",
                )
                .bind(id),
                &fields,
            )
            .bind(owner_id)
            .bind(owner_name)
            .bind(uploaded_at)
            .execute(conn)
            .await?;
        }
        PluginEvent::PluginUpdated { fields } => {
            bind_fields(
                sqlx::query(
                    "UPDATE tbl_plugin SET pluginname = $2, introduction = $3, codelanguage = $4, plugintype = $5, \
                     version = $6, logofile = $7, pluginfile = $8, pluginsize = $9, apifile = $10, \
                     pluginfilehashcode = $11 WHERE pluginid = $1",
                )
                .bind(id),
                &fields,
            )
            .execute(conn)
            .await?;
        }
        PluginEvent::PluginDownloaded {
            record_id,
            user_id,
            user_name,
            at,
        } => {
            sqlx::query(
                "WITH record AS (INSERT INTO tbl_downloadrecord (recordid, pluginid, downloaduserid, downloadusername, \
                 score, scoretype, downloadtime) VALUES ($2, $1, $3, $4, 0, $5, $6)) \
                 UPDATE tbl_plugin SET downloadcount = downloadcount + 1 WHERE pluginid = $1",
            )
            .bind(id)
            .bind(record_id)
            .bind(user_id)
            .bind(user_name)
            .bind(DOWNLOAD)
            .bind(at)
            .execute(conn)
            .await?;
        }
        PluginEvent::PluginRated {
            user_id,
            user_name,
            score,
            at,
        } => {
            sqlx::query(
                "INSERT INTO tbl_downloadrecord (recordid, pluginid, downloaduserid, downloadusername, score, scoretype, \
                 downloadtime) VALUES ('rating:' || $1 || ':' || $2, $1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (recordid) DO UPDATE SET score = EXCLUDED.score, downloadtime = EXCLUDED.downloadtime, \
                 downloadusername = EXCLUDED.downloadusername",
            )
            .bind(id)
            .bind(user_id)
            .bind(user_name)
            .bind(f32::from(score))
            .bind(RATING)
            .bind(at)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE tbl_plugin p SET scorecount = r.n, satisfaction = r.mean FROM ( \
                 SELECT count(*)::int AS n, avg(score)::float4 AS mean FROM tbl_downloadrecord \
                 WHERE pluginid = $1 AND scoretype = $2) r WHERE p.pluginid = $1",
            )
            .bind(id)
            .bind(RATING)
            .execute(conn)
            .await?;
        }
        PluginEvent::PluginDeleted {} => {
            sqlx::query("WITH records AS (DELETE FROM tbl_downloadrecord WHERE pluginid = $1) DELETE FROM tbl_plugin WHERE pluginid = $1")
                .bind(id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hash_code_is_standard_base64_of_the_digest() {
        // SHA-256 of the empty string.
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            super::hash_code(hex),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
