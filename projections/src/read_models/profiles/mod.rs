//! `tbl_profile`: one row per live profile. `deploy_file_path` is a JSON object of app name to
//! its deploy file inside the zip, `seq` and `app_list` JSON arrays, `file_path` the zip's place
//! in the file store.

pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::profile::{Profile, ProfileEvent, ProfileEventKind as Kind, ProfileFields};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct ProfilesProjection;

const EVENTS: &[Kind] = &[
    Kind::ProfileCreated,
    Kind::ProfileUpdated,
    Kind::ProfileDeleted,
];
const DELETE: &str = "DELETE FROM tbl_profile WHERE id = ANY($1)";
const UPSERT: &str = "INSERT INTO tbl_profile (id, name, description, description_en, file_path, \
    deploy_file_path, config_file_path, seq, create_time, type, industry, topo_file_path, \
    app_list, architecture, app_class, create_type, file_name) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, \
    description_en = EXCLUDED.description_en, file_path = EXCLUDED.file_path, \
    deploy_file_path = EXCLUDED.deploy_file_path, config_file_path = EXCLUDED.config_file_path, \
    seq = EXCLUDED.seq, type = EXCLUDED.type, industry = EXCLUDED.industry, \
    topo_file_path = EXCLUDED.topo_file_path, app_list = EXCLUDED.app_list, \
    architecture = EXCLUDED.architecture, app_class = EXCLUDED.app_class, \
    create_type = EXCLUDED.create_type, file_name = EXCLUDED.file_name";

/// A profile's net change in a batch: its fields and creation time, or gone.
type Change = Option<(ProfileFields, chrono::DateTime<chrono::Utc>)>;

impl Projection for ProfilesProjection {
    fn name(&self) -> &'static str {
        "profiles"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Profile::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_profile"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut changes: BTreeMap<String, Change> = BTreeMap::new();
            let mut created: BTreeMap<String, chrono::DateTime<chrono::Utc>> = BTreeMap::new();
            for event in events.iter().filter(|e| {
                e.aggregate_type == Profile::TYPE && EVENTS.iter().any(|k| k.name() == e.event_type)
            }) {
                let id = event.aggregate_id.clone();
                match event.decode::<ProfileEvent>()? {
                    ProfileEvent::ProfileCreated { fields, at } => {
                        created.insert(id.clone(), at);
                        changes.insert(id, Some((fields, at)));
                    }
                    ProfileEvent::ProfileUpdated { fields, at } => {
                        // The creation time stays; an upsert keeps the row's when it exists.
                        let since = created.get(&id).copied().unwrap_or(at);
                        changes.insert(id, Some((fields, since)));
                    }
                    ProfileEvent::ProfileDeleted {} => {
                        changes.insert(id, None);
                    }
                }
            }
            let gone: Vec<&str> = changes
                .iter()
                .filter(|(_, c)| c.is_none())
                .map(|(id, _)| id.as_str())
                .collect();
            if !gone.is_empty() {
                conn.execute(DELETE, &[&gone]).await?;
            }
            for (id, (f, at)) in changes
                .iter()
                .filter_map(|(id, c)| c.as_ref().map(|c| (id, c)))
            {
                let deploy: serde_json::Map<String, serde_json::Value> = f
                    .apps
                    .iter()
                    .map(|a| (a.name.clone(), a.deploy_file.clone().into()))
                    .collect();
                let deploy = serde_json::Value::Object(deploy).to_string();
                let seq = serde_json::to_string(&f.seq).unwrap_or_default();
                let apps = serde_json::to_string(&f.apps).unwrap_or_default();
                let path = f.file.store_path();
                conn.execute(
                    UPSERT,
                    &[
                        id,
                        &f.name,
                        &f.description,
                        &f.description_en,
                        &path,
                        &deploy,
                        &f.config_file,
                        &seq,
                        at,
                        &f.profile_type,
                        &f.industry,
                        &f.topo_file,
                        &apps,
                        &f.architecture,
                        &f.app_class,
                        &f.create_type,
                        &f.file.file_name,
                    ],
                )
                .await?;
            }
            Ok(())
        })
    }
}
