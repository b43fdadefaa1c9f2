//! `tbl_capability`: one row per live capability. A batch is folded into what it leaves of each
//! capability it touched (a whole row, new fields for an existing row, or none) and written with
//! three set-based statements; `select_count` follows the last selection event of the batch. A
//! release (`ApplicationReleased`, read by its type only) gives the capabilities it registered
//! the app store's application and package ids, after the batch's own rows are written.

pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::{Application, ApplicationEvent, ApplicationEventKind};
use domain::capability::{Capability, CapabilityEvent, CapabilityFields};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct CapabilitiesProjection;

const DELETE: &str = "DELETE FROM tbl_capability WHERE id = ANY($1)";
const INSERT: &str = "INSERT INTO tbl_capability (id, name, name_en, version, description, \
    description_en, provider, group_id, api_file_id, guide_file_id, guide_file_id_en, upload_time, \
    host, port, protocol, user_id, select_count, icon_file_id, author, experience_url) \
    SELECT id, name, name_en, version, description, description_en, provider, group_id, api, guide, \
        guide_en, upload_time, host, port, protocol, user_id, 0, icon, author, experience_url \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int4[], \
        $15::text[], $16::text[], $17::text[], $18::text[], $19::text[]) \
    AS u(id, name, name_en, version, description, description_en, provider, group_id, api, guide, \
        guide_en, upload_time, host, port, protocol, user_id, icon, author, experience_url)";

const UPDATE: &str = "UPDATE tbl_capability t SET name = u.name, name_en = u.name_en, \
    version = u.version, description = u.description, description_en = u.description_en, \
    provider = u.provider, group_id = u.group_id, api_file_id = u.api, guide_file_id = u.guide, \
    guide_file_id_en = u.guide_en, host = u.host, port = u.port, protocol = u.protocol, \
    icon_file_id = u.icon, author = u.author, experience_url = u.experience_url \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int4[], \
        $15::text[], $16::text[], $17::text[], $18::text[], $19::text[]) \
    AS u(id, name, name_en, version, description, description_en, provider, group_id, api, guide, \
        guide_en, upload_time, host, port, protocol, user_id, icon, author, experience_url) \
    WHERE t.id = u.id AND t.id = ANY($1)";

const RELEASED: &str = "UPDATE tbl_capability t SET app_id = u.app_id, package_id = u.package_id \
    FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, app_id, package_id) \
    WHERE t.id = u.id AND t.id = ANY($1)";

const SELECT_COUNTS: &str = "UPDATE tbl_capability t SET select_count = u.n \
    FROM unnest($1::text[], $2::int4[]) AS u(id, n) WHERE t.id = u.id AND t.id = ANY($1)";

/// What a batch leaves of one capability.
enum Change {
    /// Created in the batch: the whole row.
    Row(Row),
    /// Only updated in the batch: the row's new fields (owner and upload time stay).
    Fields(Row),
    Gone,
}

/// One capability's fields, owner and upload time.
struct Row {
    fields: CapabilityFields,
    user_id: String,
    uploaded_at: i64,
}

impl Projection for CapabilitiesProjection {
    fn name(&self) -> &'static str {
        "capabilities"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Capability::TYPE, Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_capability"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut changes: BTreeMap<&str, Change> = BTreeMap::new();
            let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
            let released = store_ids_of_releases(events)?;
            for event in events
                .iter()
                .filter(|e| e.aggregate_type == Capability::TYPE)
            {
                let id = event.aggregate_id.as_str();
                match event.decode::<CapabilityEvent>()? {
                    CapabilityEvent::CapabilityCreated {
                        fields,
                        user_id,
                        uploaded_at,
                    } => {
                        let row = Row {
                            fields,
                            user_id,
                            uploaded_at,
                        };
                        changes.insert(id, Change::Row(row));
                    }
                    CapabilityEvent::CapabilityUpdated { fields } => match changes.get_mut(id) {
                        Some(Change::Row(row) | Change::Fields(row)) => row.fields = fields,
                        Some(Change::Gone) => {}
                        None => {
                            let row = Row {
                                fields,
                                user_id: String::new(),
                                uploaded_at: 0,
                            };
                            changes.insert(id, Change::Fields(row));
                        }
                    },
                    CapabilityEvent::CapabilityDeleted {} => {
                        changes.insert(id, Change::Gone);
                        counts.remove(id);
                    }
                    CapabilityEvent::CapabilitySelected { select_count, .. }
                    | CapabilityEvent::CapabilityUnselected { select_count, .. } => {
                        counts.insert(id, select_count);
                    }
                }
            }
            if changes.is_empty() && counts.is_empty() && released.is_empty() {
                return Ok(());
            }
            let replaced: Vec<&str> = changes
                .iter()
                .filter(|(_, c)| !matches!(c, Change::Fields(_)))
                .map(|(id, _)| *id)
                .collect();
            if !replaced.is_empty() {
                conn.execute(DELETE, &[&replaced]).await?;
            }
            let rows = Columns::of(changes.iter().filter_map(|(id, c)| match c {
                Change::Row(row) => Some((*id, row)),
                _ => None,
            }));
            let updated = Columns::of(changes.iter().filter_map(|(id, c)| match c {
                Change::Fields(row) => Some((*id, row)),
                _ => None,
            }));
            for (statement, c) in [(INSERT, &rows), (UPDATE, &updated)] {
                if c.ids.is_empty() {
                    continue;
                }
                conn.execute(
                    statement,
                    &[
                        &c.ids,
                        &c.name,
                        &c.name_en,
                        &c.version,
                        &c.description,
                        &c.description_en,
                        &c.provider,
                        &c.group_id,
                        &c.api,
                        &c.guide,
                        &c.guide_en,
                        &c.upload_time,
                        &c.host,
                        &c.port,
                        &c.protocol,
                        &c.user_id,
                        &c.icon,
                        &c.author,
                        &c.experience_url,
                    ],
                )
                .await?;
            }
            if !counts.is_empty() {
                let (ids, counts): (Vec<&str>, Vec<i32>) = counts
                    .into_iter()
                    .map(|(id, n)| (id, i32::try_from(n).unwrap_or(i32::MAX)))
                    .unzip();
                conn.execute(SELECT_COUNTS, &[&ids, &counts]).await?;
            }
            if !released.is_empty() {
                let (ids, store_ids): (Vec<String>, Vec<(String, String)>) =
                    released.into_iter().unzip();
                let (apps, packages): (Vec<String>, Vec<String>) = store_ids.into_iter().unzip();
                conn.execute(RELEASED, &[&ids, &apps, &packages]).await?;
            }
            Ok(())
        })
    }
}

/// Each capability a release of the batch registered, with the app store's application and
/// package ids (the last release wins). Only `ApplicationReleased` events are decoded.
fn store_ids_of_releases(
    events: &[LogEvent],
) -> Result<BTreeMap<String, (String, String)>, ProjectionError> {
    let mut released = BTreeMap::new();
    let kind = ApplicationEventKind::ApplicationReleased.name();
    for event in events
        .iter()
        .filter(|e| e.aggregate_type == Application::TYPE && e.event_type == kind)
    {
        if let ApplicationEvent::ApplicationReleased { release } = event.decode()? {
            for capability in release.capabilities {
                released.insert(
                    capability.id,
                    (
                        release.store_app_id.clone(),
                        release.store_package_id.clone(),
                    ),
                );
            }
        }
    }
    Ok(released)
}

/// The rows to insert, column by column.
#[derive(Default)]
struct Columns<'a> {
    ids: Vec<&'a str>,
    name: Vec<&'a str>,
    name_en: Vec<&'a str>,
    version: Vec<&'a str>,
    description: Vec<Option<&'a str>>,
    description_en: Vec<Option<&'a str>>,
    provider: Vec<Option<&'a str>>,
    group_id: Vec<&'a str>,
    api: Vec<&'a str>,
    guide: Vec<&'a str>,
    guide_en: Vec<Option<&'a str>>,
    upload_time: Vec<String>,
    host: Vec<&'a str>,
    port: Vec<i32>,
    protocol: Vec<&'a str>,
    user_id: Vec<&'a str>,
    icon: Vec<&'a str>,
    author: Vec<Option<&'a str>>,
    experience_url: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    fn of(rows: impl Iterator<Item = (&'a str, &'a Row)>) -> Self {
        let mut c = Columns::default();
        for (id, row) in rows {
            let f = &row.fields;
            c.ids.push(id);
            c.name.push(&f.name);
            c.name_en.push(&f.name_en);
            c.version.push(&f.version);
            c.description.push(f.description.as_deref());
            c.description_en.push(f.description_en.as_deref());
            c.provider.push(f.provider.as_deref());
            c.group_id.push(&f.group_id);
            c.api.push(&f.api_file_id);
            c.guide.push(&f.guide_file_id);
            c.guide_en.push(f.guide_file_id_en.as_deref());
            c.upload_time.push(row.uploaded_at.to_string());
            c.host.push(&f.host);
            c.port.push(f.port);
            c.protocol.push(&f.protocol);
            c.user_id.push(&row.user_id);
            c.icon.push(&f.icon_file_id);
            c.author.push(f.author.as_deref());
            c.experience_url.push(f.experience_url.as_deref());
        }
        c
    }
}
