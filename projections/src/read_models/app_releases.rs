//! `tbl_release_config`: one row per release of an application: its guide, the capabilities its
//! services became (`capabilities_detail`, JSON), the test it passed (`atp_test`, JSON, and
//! `test_status`), the app store's ids and the terms. An application's deletion removes it.

use std::collections::BTreeSet;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::release::Release;
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as Kind};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AppReleasesProjection;

const EVENTS: &[Kind] = &[Kind::ApplicationReleased, Kind::ApplicationDeleted];
const DELETE_APPS: &str = "DELETE FROM tbl_release_config WHERE project_id = ANY($1)";
const INSERT: &str = "INSERT INTO tbl_release_config (release_id, project_id, guide_file_id, \
    capabilities_detail, atp_test, test_status, create_time, store_app_id, store_package_id, \
    is_free, price_cents) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
    $7::timestamptz[], $8::text[], $9::text[], $10::bool[], $11::int8[]) \
    ON CONFLICT (release_id) DO NOTHING";

impl Projection for AppReleasesProjection {
    fn name(&self) -> &'static str {
        "app_releases"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_release_config"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut deleted = BTreeSet::new();
            let mut released: Vec<(String, Release)> = Vec::new();
            for event in events.iter().filter(|e| {
                e.aggregate_type == Application::TYPE
                    && EVENTS.iter().any(|k| k.name() == e.event_type)
            }) {
                let app = event.aggregate_id.clone();
                match event.decode::<ApplicationEvent>()? {
                    ApplicationEvent::ApplicationReleased { release } => {
                        released.push((app, release))
                    }
                    ApplicationEvent::ApplicationDeleted {} => {
                        released.retain(|(a, _)| *a != app);
                        deleted.insert(app);
                    }
                    _ => {}
                }
            }
            if !deleted.is_empty() {
                let apps: Vec<&str> = deleted.iter().map(String::as_str).collect();
                conn.execute(DELETE_APPS, &[&apps]).await?;
            }
            if released.is_empty() {
                return Ok(());
            }
            let ids: Vec<&str> = released.iter().map(|(_, r)| r.id.as_str()).collect();
            let apps: Vec<&str> = released.iter().map(|(a, _)| a.as_str()).collect();
            let guides: Vec<Option<&str>> = released
                .iter()
                .map(|(_, r)| r.guide_file_id.as_deref())
                .collect();
            let capabilities: Vec<String> = released
                .iter()
                .map(|(_, r)| serde_json::to_string(&r.capabilities).unwrap_or_default())
                .collect();
            let tests: Vec<String> = released
                .iter()
                .map(|(_, r)| {
                    serde_json::json!({"id": r.test_task_id, "status": "success"}).to_string()
                })
                .collect();
            let statuses: Vec<&str> = released.iter().map(|_| "success").collect();
            let at: Vec<chrono::DateTime<chrono::Utc>> =
                released.iter().map(|(_, r)| r.released_at).collect();
            let store_apps: Vec<&str> = released
                .iter()
                .map(|(_, r)| r.store_app_id.as_str())
                .collect();
            let store_packages: Vec<&str> = released
                .iter()
                .map(|(_, r)| r.store_package_id.as_str())
                .collect();
            let free: Vec<bool> = released.iter().map(|(_, r)| r.is_free).collect();
            let cents: Vec<i64> = released.iter().map(|(_, r)| r.price_cents).collect();
            conn.execute(
                INSERT,
                &[
                    &ids,
                    &apps,
                    &guides,
                    &capabilities,
                    &tests,
                    &statuses,
                    &at,
                    &store_apps,
                    &store_packages,
                    &free,
                    &cents,
                ],
            )
            .await?;
            Ok(())
        })
    }
}
