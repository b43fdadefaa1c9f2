//! `tbl_app_script`: one row per script of an application; an application's deletion removes
//! its scripts.

pub mod query;

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::scripts::AppScript;
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as Kind};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AppScriptsProjection;

const EVENTS: &[Kind] = &[
    Kind::ScriptAdded,
    Kind::ScriptDeleted,
    Kind::ApplicationDeleted,
];
const DELETE_APPS: &str = "DELETE FROM tbl_app_script WHERE app_id = ANY($1)";
const DELETE: &str = "DELETE FROM tbl_app_script WHERE id = ANY($1)";
const INSERT: &str = "INSERT INTO tbl_app_script (id, app_id, name, script_file_id, create_time) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])";

impl Projection for AppScriptsProjection {
    fn name(&self) -> &'static str {
        "app_scripts"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_app_script"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut deleted_apps = BTreeSet::new();
            let mut scripts: BTreeMap<String, Option<(String, AppScript)>> = BTreeMap::new();
            for event in events.iter().filter(|e| {
                e.aggregate_type == Application::TYPE
                    && EVENTS.iter().any(|k| k.name() == e.event_type)
            }) {
                let app = event.aggregate_id.clone();
                match event.decode::<ApplicationEvent>()? {
                    ApplicationEvent::ScriptAdded { script } => {
                        scripts.insert(script.id.clone(), Some((app, script)));
                    }
                    ApplicationEvent::ScriptDeleted { script_id } => {
                        scripts.insert(script_id, None);
                    }
                    ApplicationEvent::ApplicationDeleted {} => {
                        scripts.retain(|_, s| s.as_ref().is_none_or(|(a, _)| *a != app));
                        deleted_apps.insert(app);
                    }
                    _ => {}
                }
            }
            if !deleted_apps.is_empty() {
                let apps: Vec<&str> = deleted_apps.iter().map(String::as_str).collect();
                conn.execute(DELETE_APPS, &[&apps]).await?;
            }
            if scripts.is_empty() {
                return Ok(());
            }
            let ids: Vec<&str> = scripts.keys().map(String::as_str).collect();
            conn.execute(DELETE, &[&ids]).await?;
            let live: Vec<&(String, AppScript)> = scripts.values().flatten().collect();
            if !live.is_empty() {
                let ids: Vec<&str> = live.iter().map(|(_, s)| s.id.as_str()).collect();
                let apps: Vec<&str> = live.iter().map(|(a, _)| a.as_str()).collect();
                let names: Vec<&str> = live.iter().map(|(_, s)| s.name.as_str()).collect();
                let files: Vec<&str> = live
                    .iter()
                    .map(|(_, s)| s.script_file_id.as_str())
                    .collect();
                let times: Vec<chrono::DateTime<chrono::Utc>> =
                    live.iter().map(|(_, s)| s.created_at).collect();
                conn.execute(INSERT, &[&ids, &apps, &names, &files, &times])
                    .await?;
            }
            Ok(())
        })
    }
}
