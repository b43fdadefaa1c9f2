//! `tbl_app_package`: an application's package, one row per application (a new generation
//! replaces the row), following its archive through edits and re-packs; an application's
//! deletion removes it.

pub mod query;

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::package::{AppPackage, PackageArchive};
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as Kind};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AppPackagesProjection;

const EVENTS: &[Kind] = &[
    Kind::PackageGenerated,
    Kind::PackageFileUpdated,
    Kind::PackageZipped,
    Kind::ApplicationDeleted,
];
const DELETE_APPS: &str = "DELETE FROM tbl_app_package WHERE app_id = ANY($1)";
const INSERT: &str = "INSERT INTO tbl_app_package \
    (id, app_id, package_file_name, file_id, signed, edited, create_time) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::bool[], \
    $7::timestamptz[])";
const UPDATE: &str = "UPDATE tbl_app_package t SET file_id = u.file_id, signed = u.signed, \
    edited = u.edited FROM unnest($1::text[], $2::text[], $3::bool[], $4::bool[]) \
    AS u(id, file_id, signed, edited) WHERE t.id = u.id AND t.id = ANY($1)";

/// What a batch does to one application's row.
enum Change {
    Deleted,
    /// The whole row (generated in this batch).
    Row(AppPackage),
    /// A new archive of the package generated before this batch: (package id, archive, edited).
    Archive(String, PackageArchive, bool),
}

impl Change {
    /// Folds a new archive of package `id` into the change.
    fn archive(current: Option<Change>, id: &str, archive: PackageArchive, edited: bool) -> Change {
        match current {
            Some(Change::Row(mut package)) if package.id == id => {
                package.archive = archive;
                package.edited = edited;
                Change::Row(package)
            }
            Some(Change::Deleted) => Change::Deleted,
            _ => Change::Archive(id.to_owned(), archive, edited),
        }
    }
}

impl Projection for AppPackagesProjection {
    fn name(&self) -> &'static str {
        "app_packages"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_app_package"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut changes: BTreeMap<String, Change> = BTreeMap::new();
            for event in events.iter().filter(|e| {
                e.aggregate_type == Application::TYPE
                    && EVENTS.iter().any(|k| k.name() == e.event_type)
            }) {
                let app = event.aggregate_id.clone();
                let change = match event.decode::<ApplicationEvent>()? {
                    ApplicationEvent::PackageGenerated { package } => Change::Row(package),
                    ApplicationEvent::PackageFileUpdated {
                        package_id,
                        archive,
                        ..
                    } => Change::archive(changes.remove(&app), &package_id, archive, true),
                    ApplicationEvent::PackageZipped {
                        package_id,
                        archive,
                    } => Change::archive(changes.remove(&app), &package_id, archive, false),
                    ApplicationEvent::ApplicationDeleted {} => Change::Deleted,
                    _ => continue,
                };
                changes.insert(app, change);
            }
            write(conn, &changes).await
        })
    }
}

async fn write(conn: &Conn, changes: &BTreeMap<String, Change>) -> Result<(), ProjectionError> {
    let replaced: BTreeSet<&str> = changes
        .iter()
        .filter(|(_, c)| matches!(c, Change::Deleted | Change::Row(_)))
        .map(|(app, _)| app.as_str())
        .collect();
    if !replaced.is_empty() {
        let apps: Vec<&str> = replaced.into_iter().collect();
        conn.execute(DELETE_APPS, &[&apps]).await?;
    }
    let rows: Vec<(&str, &AppPackage)> = changes
        .iter()
        .filter_map(|(app, c)| match c {
            Change::Row(p) => Some((app.as_str(), p)),
            _ => None,
        })
        .collect();
    if !rows.is_empty() {
        let ids: Vec<&str> = rows.iter().map(|(_, p)| p.id.as_str()).collect();
        let apps: Vec<&str> = rows.iter().map(|(a, _)| *a).collect();
        let names: Vec<&str> = rows
            .iter()
            .map(|(_, p)| p.package_file_name.as_str())
            .collect();
        let files: Vec<&str> = rows
            .iter()
            .map(|(_, p)| p.archive.file_id.as_str())
            .collect();
        let signed: Vec<bool> = rows.iter().map(|(_, p)| p.archive.signed).collect();
        let edited: Vec<bool> = rows.iter().map(|(_, p)| p.edited).collect();
        let times: Vec<chrono::DateTime<chrono::Utc>> =
            rows.iter().map(|(_, p)| p.created_at).collect();
        conn.execute(
            INSERT,
            &[&ids, &apps, &names, &files, &signed, &edited, &times],
        )
        .await?;
    }
    let patches: Vec<(&str, &PackageArchive, bool)> = changes
        .values()
        .filter_map(|c| match c {
            Change::Archive(id, archive, edited) => Some((id.as_str(), archive, *edited)),
            _ => None,
        })
        .collect();
    if !patches.is_empty() {
        let ids: Vec<&str> = patches.iter().map(|(id, _, _)| *id).collect();
        let files: Vec<&str> = patches.iter().map(|(_, a, _)| a.file_id.as_str()).collect();
        let signed: Vec<bool> = patches.iter().map(|(_, a, _)| a.signed).collect();
        let edited: Vec<bool> = patches.iter().map(|(_, _, e)| *e).collect();
        conn.execute(UPDATE, &[&ids, &files, &signed, &edited])
            .await?;
    }
    Ok(())
}
