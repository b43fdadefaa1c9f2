//! `tbl_plugin` and `tbl_downloadrecord`: the plugin catalogue, its download records and ratings.
//! `downloadcount` counts download events; a rating is one record per (plugin, user) with
//! `scoretype` 2, replaced by a re-rating; `scorecount` and `satisfaction` (3.0 without ratings)
//! are derived from those records. File columns hold the store path of each file, and
//! `pluginfilehashcode` the package's SHA-256 in base64 (the documented column holds 50 characters).
//!
//! A batch is folded in memory first ([`Batch`]) and written in at most six set-based statements:
//! deletes, new plugins, field updates, records, download counts, rating aggregates.

pub mod query;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use db::{Conn, DbError, Sql, ToSql};
use domain::plugin::{Plugin, PluginEvent, PluginFields, StoredFile};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct PluginsProjection;

/// `scoretype` of a download record.
pub const DOWNLOAD: i32 = 1;
/// `scoretype` of a rating record.
pub const RATING: i32 = 2;

/// Where the store keeps a file, relative to the data directory.
pub fn store_path(file: &StoredFile) -> String {
    file.store_path()
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
        &[Plugin::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_plugin", "tbl_downloadrecord"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut batch = Batch::default();
            for event in events.iter().filter(|e| e.aggregate_type == Plugin::TYPE) {
                batch.add(&event.aggregate_id, event.decode::<PluginEvent>()?);
            }
            batch.write(conn).await?;
            Ok(())
        })
    }
}

/// What a batch does to one plugin row.
enum RowWrite {
    /// Uploaded in this batch (with any later field updates folded in).
    New {
        fields: PluginFields,
        owner_id: String,
        owner_name: String,
        uploaded_at: DateTime<Utc>,
    },
    /// An existing plugin's fields, as the last update of the batch left them.
    Changed(PluginFields),
}

/// A download record or a rating.
struct Record {
    plugin_id: String,
    user_id: String,
    user_name: String,
    score: f32,
    score_type: i32,
    at: DateTime<Utc>,
}

/// The net effect of a batch. A deletion drops whatever the batch did to the plugin before it,
/// and deletions are written first, so anything after one still lands.
#[derive(Default)]
struct Batch {
    deleted: BTreeSet<String>,
    rows: HashMap<String, RowWrite>,
    /// By record id: a re-rating replaces the user's earlier rating.
    records: HashMap<String, Record>,
    downloads: HashMap<String, i32>,
    rated: BTreeSet<String>,
}

impl Batch {
    fn add(&mut self, id: &str, event: PluginEvent) {
        match event {
            PluginEvent::PluginUploaded {
                fields,
                owner_id,
                owner_name,
                uploaded_at,
            } => {
                let row = RowWrite::New {
                    fields,
                    owner_id,
                    owner_name,
                    uploaded_at,
                };
                self.rows.insert(id.to_owned(), row);
            }
            PluginEvent::PluginUpdated { fields } => match self.rows.get_mut(id) {
                Some(RowWrite::New { fields: f, .. }) | Some(RowWrite::Changed(f)) => *f = fields,
                None => {
                    self.rows.insert(id.to_owned(), RowWrite::Changed(fields));
                }
            },
            PluginEvent::PluginDownloaded {
                record_id,
                user_id,
                user_name,
                downloaded_at: at,
            } => {
                let record = Record {
                    plugin_id: id.to_owned(),
                    user_id,
                    user_name,
                    score: 0.0,
                    score_type: DOWNLOAD,
                    at,
                };
                self.records.insert(record_id, record);
                *self.downloads.entry(id.to_owned()).or_default() += 1;
            }
            PluginEvent::PluginRated {
                user_id,
                user_name,
                score,
                rated_at: at,
            } => {
                let record_id = format!("rating:{id}:{user_id}");
                let record = Record {
                    plugin_id: id.to_owned(),
                    user_id,
                    user_name,
                    score: f32::from(score),
                    score_type: RATING,
                    at,
                };
                self.records.insert(record_id, record);
                self.rated.insert(id.to_owned());
            }
            PluginEvent::PluginDeleted {} => {
                self.rows.remove(id);
                self.records.retain(|_, r| r.plugin_id != id);
                self.downloads.remove(id);
                self.rated.remove(id);
                self.deleted.insert(id.to_owned());
            }
        }
    }

    async fn write(self, conn: &Conn) -> Result<(), DbError> {
        if !self.deleted.is_empty() {
            let ids: Vec<&String> = self.deleted.iter().collect();
            conn.execute(
                "WITH records AS (DELETE FROM tbl_downloadrecord WHERE pluginid = ANY($1)) \
                 DELETE FROM tbl_plugin WHERE pluginid = ANY($1)",
                &[&ids],
            )
            .await?;
        }
        let (mut new, mut changed) = (NewRows::default(), FieldColumns::default());
        for (id, row) in self.rows {
            match row {
                RowWrite::New {
                    fields,
                    owner_id,
                    owner_name,
                    uploaded_at,
                } => {
                    new.fields.push(id, &fields);
                    new.owner_id.push(owner_id);
                    new.owner_name.push(owner_name);
                    new.uploaded_at.push(uploaded_at);
                }
                RowWrite::Changed(fields) => changed.push(id, &fields),
            }
        }
        if !new.fields.id.is_empty() {
            let mut params = new.fields.params();
            params.extend([
                &new.owner_id as &(dyn ToSql + Sync),
                &new.owner_name,
                &new.uploaded_at,
            ]);
            conn.execute(INSERT_PLUGINS, &params).await?;
        }
        if !changed.id.is_empty() {
            conn.execute(UPDATE_PLUGINS, &changed.params()).await?;
        }
        if !self.records.is_empty() {
            let mut r = RecordColumns::default();
            for (id, record) in self.records {
                r.id.push(id);
                r.plugin_id.push(record.plugin_id);
                r.user_id.push(record.user_id);
                r.user_name.push(record.user_name);
                r.score.push(record.score);
                r.score_type.push(record.score_type);
                r.at.push(record.at);
            }
            conn.execute(
                UPSERT_RECORDS,
                &[
                    &r.id,
                    &r.plugin_id,
                    &r.user_id,
                    &r.user_name,
                    &r.score,
                    &r.score_type,
                    &r.at,
                ],
            )
            .await?;
        }
        if !self.downloads.is_empty() {
            let (ids, counts): (Vec<String>, Vec<i32>) = self.downloads.into_iter().unzip();
            conn.execute(
                "UPDATE tbl_plugin t SET downloadcount = t.downloadcount + u.n \
                 FROM unnest($1::text[], $2::int[]) AS u(id, n) \
                 WHERE t.pluginid = u.id AND t.pluginid = ANY($1::text[])",
                &[&ids, &counts],
            )
            .await?;
        }
        if !self.rated.is_empty() {
            let ids: Vec<String> = self.rated.into_iter().collect();
            conn.execute("UPDATE tbl_plugin p SET scorecount = r.n, satisfaction = r.mean FROM ( \
                 SELECT pluginid, count(*)::int AS n, avg(score)::float4 AS mean FROM tbl_downloadrecord \
                 WHERE pluginid = ANY($1::text[]) AND scoretype = $2 GROUP BY pluginid) r \
                 WHERE p.pluginid = r.pluginid AND p.pluginid = ANY($1::text[])", &[&ids, &RATING])
            .await?;
        }
        Ok(())
    }
}

const INSERT_PLUGINS: &str = "INSERT INTO tbl_plugin (pluginid, pluginname, introduction, codelanguage, \
    plugintype, version, logofile, pluginfile, pluginsize, apifile, pluginfilehashcode, satisfaction, \
    downloadcount, scorecount, userid, username, uploadtime) \
    SELECT id, name, intro, lang, ptype, version, logo, file, size, api, hash, 3.0, 0, 0, owner, owner_name, at \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], \
                $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[]) \
      AS u(id, name, intro, lang, ptype, version, logo, file, size, api, hash, owner, owner_name, at)";

const UPDATE_PLUGINS: &str = "UPDATE tbl_plugin t SET pluginname = u.name, introduction = u.intro, \
    codelanguage = u.lang, plugintype = u.ptype, version = u.version, logofile = u.logo, pluginfile = u.file, \
    pluginsize = u.size, apifile = u.api, pluginfilehashcode = u.hash \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], \
                $9::int[], $10::text[], $11::text[]) \
      AS u(id, name, intro, lang, ptype, version, logo, file, size, api, hash) \
    WHERE t.pluginid = u.id AND t.pluginid = ANY($1::text[])";

const UPSERT_RECORDS: &str = "INSERT INTO tbl_downloadrecord (recordid, pluginid, downloaduserid, \
    downloadusername, score, scoretype, downloadtime) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float4[], $6::int[], \
                         $7::timestamptz[]) \
    ON CONFLICT (recordid) DO UPDATE SET score = EXCLUDED.score, downloadtime = EXCLUDED.downloadtime, \
    downloadusername = EXCLUDED.downloadusername";

/// The columns of plugin fields, one entry per plugin, bound as $1..$11.
#[derive(Default)]
struct FieldColumns {
    id: Vec<String>,
    name: Vec<String>,
    introduction: Vec<String>,
    code_language: Vec<&'static str>,
    plugin_type: Vec<i32>,
    version: Vec<String>,
    logo: Vec<String>,
    file: Vec<String>,
    size: Vec<i32>,
    api: Vec<String>,
    hash: Vec<String>,
}

impl FieldColumns {
    fn push(&mut self, id: String, f: &PluginFields) {
        self.id.push(id);
        self.name.push(f.name.clone());
        self.introduction.push(f.introduction.clone());
        self.code_language.push(f.code_language.as_str());
        self.plugin_type.push(f.plugin_type.code());
        self.version.push(f.version.clone());
        self.logo.push(store_path(&f.logo_file));
        self.file.push(store_path(&f.plugin_file));
        self.size.push(f.plugin_file.size as i32);
        self.api.push(store_path(&f.api_file));
        self.hash.push(hash_code(&f.plugin_file.sha256));
    }

    /// The columns as statement parameters $1..$11.
    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![
            &self.id,
            &self.name,
            &self.introduction,
            &self.code_language,
            &self.plugin_type,
            &self.version,
            &self.logo,
            &self.file,
            &self.size,
            &self.api,
            &self.hash,
        ]
    }
}

#[derive(Default)]
struct NewRows {
    fields: FieldColumns,
    owner_id: Vec<String>,
    owner_name: Vec<String>,
    uploaded_at: Vec<DateTime<Utc>>,
}

#[derive(Default)]
struct RecordColumns {
    id: Vec<String>,
    plugin_id: Vec<String>,
    user_id: Vec<String>,
    user_name: Vec<String>,
    score: Vec<f32>,
    score_type: Vec<i32>,
    at: Vec<DateTime<Utc>>,
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
