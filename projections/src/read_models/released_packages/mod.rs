//! `tbl_released_package`: one row per synchronised store package, following its archive
//! through edits and its latest release; deleted with it.

pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::package::PackageArchive;
use domain::released_package::{
    LiveReleasedPackage, ReleasedPackage, ReleasedPackageEvent, ReleasedPackageEventKind as Kind,
    Republication,
};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct ReleasedPackagesProjection;

const DELETE: &str = "DELETE FROM tbl_released_package WHERE id = ANY($1)";
const INSERT: &str = "INSERT INTO tbl_released_package (id, app_store_app_id, \
    app_store_package_id, name, version, provider, industry, type, architecture, short_desc, \
    synchronize_date, user_id, user_name, test_task_id, package_file_name, file_id, signed, \
    republished_app_id, republished_package_id, republish_date) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
    $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::text[], \
    $14::text[], $15::text[], $16::text[], $17::bool[], $18::text[], $19::text[], \
    $20::timestamptz[])";
const ARCHIVE: &str = "UPDATE tbl_released_package SET file_id = $2, signed = $3 WHERE id = $1";
const REPUBLISHED: &str = "UPDATE tbl_released_package SET republished_app_id = $2, \
    republished_package_id = $3, republish_date = $4 WHERE id = $1";

/// What a batch does to one package's row.
enum Change {
    Deleted,
    /// The whole row (synchronised in this batch).
    Row(Box<LiveReleasedPackage>),
    /// A row written before: its new archive and latest release, when they changed.
    Patch(Option<PackageArchive>, Option<Republication>),
}

impl Change {
    fn fold(current: Option<Change>, event: ReleasedPackageEvent) -> Change {
        use ReleasedPackageEvent as E;
        match (current, event) {
            (_, E::ReleasedPackageDeleted {}) => Change::Deleted,
            (
                _,
                E::ReleasedPackageSynchronized {
                    metadata,
                    package_file_name,
                    archive,
                    user_id,
                    user_name,
                    at,
                },
            ) => Change::Row(Box::new(LiveReleasedPackage {
                metadata: *metadata,
                package_file_name,
                archive,
                user_id,
                user_name,
                synchronized_at: at,
                republished: None,
            })),
            (Some(Change::Deleted), _) => Change::Deleted,
            (Some(Change::Row(mut row)), E::ReleasedPackageEdited { archive, .. }) => {
                row.archive = archive;
                Change::Row(row)
            }
            (Some(Change::Row(mut row)), E::ReleasedPackageRepublished { republication }) => {
                row.republished = Some(republication);
                Change::Row(row)
            }
            (Some(Change::Patch(_, r)), E::ReleasedPackageEdited { archive, .. }) => {
                Change::Patch(Some(archive), r)
            }
            (Some(Change::Patch(a, _)), E::ReleasedPackageRepublished { republication }) => {
                Change::Patch(a, Some(republication))
            }
            (None, E::ReleasedPackageEdited { archive, .. }) => Change::Patch(Some(archive), None),
            (None, E::ReleasedPackageRepublished { republication }) => {
                Change::Patch(None, Some(republication))
            }
        }
    }
}

impl Projection for ReleasedPackagesProjection {
    fn name(&self) -> &'static str {
        "released_packages"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[ReleasedPackage::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_released_package"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut changes: BTreeMap<String, Change> = BTreeMap::new();
            for event in events.iter().filter(|e| {
                e.aggregate_type == ReleasedPackage::TYPE
                    && Kind::from_name(&e.event_type).is_some()
            }) {
                let id = event.aggregate_id.clone();
                let current = changes.remove(&id);
                changes.insert(id, Change::fold(current, event.decode()?));
            }
            write(conn, &changes).await
        })
    }
}

async fn write(conn: &Conn, changes: &BTreeMap<String, Change>) -> Result<(), ProjectionError> {
    let replaced: Vec<&str> = changes
        .iter()
        .filter(|(_, c)| matches!(c, Change::Deleted | Change::Row(_)))
        .map(|(id, _)| id.as_str())
        .collect();
    if !replaced.is_empty() {
        conn.execute(DELETE, &[&replaced]).await?;
    }
    let rows: Vec<(&str, &LiveReleasedPackage)> = changes
        .iter()
        .filter_map(|(id, c)| match c {
            Change::Row(row) => Some((id.as_str(), row.as_ref())),
            _ => None,
        })
        .collect();
    if !rows.is_empty() {
        insert(conn, &rows).await?;
    }
    for (id, change) in changes {
        if let Change::Patch(archive, republished) = change {
            if let Some(a) = archive {
                conn.execute(ARCHIVE, &[id, &a.file_id, &a.signed]).await?;
            }
            if let Some(r) = republished {
                conn.execute(
                    REPUBLISHED,
                    &[id, &r.store_app_id, &r.store_package_id, &r.at],
                )
                .await?;
            }
        }
    }
    Ok(())
}

async fn insert(conn: &Conn, rows: &[(&str, &LiveReleasedPackage)]) -> Result<(), ProjectionError> {
    let col = |f: fn(&LiveReleasedPackage) -> &str| -> Vec<&str> {
        rows.iter().map(|(_, l)| f(l)).collect()
    };
    let ids: Vec<&str> = rows.iter().map(|(id, _)| *id).collect();
    let dates: Vec<chrono::DateTime<chrono::Utc>> =
        rows.iter().map(|(_, l)| l.synchronized_at).collect();
    let signed: Vec<bool> = rows.iter().map(|(_, l)| l.archive.signed).collect();
    let republished = |f: fn(&Republication) -> &str| -> Vec<Option<&str>> {
        rows.iter()
            .map(|(_, l)| l.republished.as_ref().map(f))
            .collect()
    };
    let republish_dates: Vec<Option<chrono::DateTime<chrono::Utc>>> = rows
        .iter()
        .map(|(_, l)| l.republished.as_ref().map(|r| r.at))
        .collect();
    conn.execute(
        INSERT,
        &[
            &ids,
            &col(|l| &l.metadata.app_id),
            &col(|l| &l.metadata.package_id),
            &col(|l| &l.metadata.name),
            &col(|l| &l.metadata.version),
            &col(|l| &l.metadata.provider),
            &col(|l| &l.metadata.industry),
            &col(|l| &l.metadata.app_type),
            &col(|l| &l.metadata.architecture),
            &col(|l| &l.metadata.short_desc),
            &dates,
            &col(|l| &l.user_id),
            &col(|l| &l.user_name),
            &col(|l| &l.metadata.test_task_id),
            &col(|l| &l.package_file_name),
            &col(|l| &l.archive.file_id),
            &signed,
            &republished(|r| &r.store_app_id),
            &republished(|r| &r.store_package_id),
            &republish_dates,
        ],
    )
    .await?;
    Ok(())
}
