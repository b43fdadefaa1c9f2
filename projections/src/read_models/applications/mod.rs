//! `tbl_application`: the v1.5 application model, one row per live application. A batch is
//! written with three set-based statements (deletes, updates, inserts) of its net changes.

pub mod query;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::Application;

use super::application_changes::{fold, Change, FieldColumns};
use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct ApplicationsProjection;

/// A batch's net changes in one statement: deletes, updates of existing rows, inserts.
const WRITE: &str = "WITH deleted AS (DELETE FROM tbl_application WHERE id = ANY($1)), \
    updated AS (UPDATE tbl_application t SET \
    name = CASE WHEN u.has_fields THEN u.name ELSE t.name END, \
    description = CASE WHEN u.has_fields THEN u.description ELSE t.description END, \
    version = CASE WHEN u.has_fields THEN u.version ELSE t.version END, \
    provider = CASE WHEN u.has_fields THEN u.provider ELSE t.provider END, \
    architecture = CASE WHEN u.has_fields THEN u.architecture ELSE t.architecture END, \
    app_class = CASE WHEN u.has_fields THEN u.app_class ELSE t.app_class END, \
    type = CASE WHEN u.has_fields THEN u.app_type ELSE t.type END, \
    industry = CASE WHEN u.has_fields THEN u.industry ELSE t.industry END, \
    icon_file_id = CASE WHEN u.has_fields THEN u.icon_file_id ELSE t.icon_file_id END, \
    guide_file_id = CASE WHEN u.has_fields THEN u.guide_file_id ELSE t.guide_file_id END, \
    app_create_type = CASE WHEN u.has_fields THEN u.app_create_type ELSE t.app_create_type END, \
    status = COALESCE(u.status, t.status), \
    mep_host_id = COALESCE(u.mep_host_id, t.mep_host_id) \
    FROM unnest($2::text[], $3::bool[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], \
                $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[]) \
      AS u(id, has_fields, name, description, version, provider, architecture, app_class, app_type, industry, \
           icon_file_id, guide_file_id, app_create_type, status, mep_host_id) \
    WHERE t.id = u.id AND t.id = ANY($2::text[])) \
    INSERT INTO tbl_application (id, name, description, version, provider, architecture, \
    app_class, type, industry, icon_file_id, guide_file_id, app_create_type, create_time, status, user_id, \
    user_name, mep_host_id) \
    SELECT * FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], \
        $24::text[], $25::text[], $26::text[], $27::text[], $28::text[], $29::timestamptz[], $30::text[], \
        $31::text[], $32::text[], $33::text[])";

impl Projection for ApplicationsProjection {
    fn name(&self) -> &'static str {
        "applications"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_application"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move { write(conn, fold(events)?).await })
    }
}

#[derive(Default)]
struct Updates {
    ids: Vec<String>,
    has_fields: Vec<bool>,
    fields: FieldColumns,
    status: Vec<Option<String>>,
    host: Vec<Option<String>>,
}

#[derive(Default)]
struct Inserts {
    ids: Vec<String>,
    fields: FieldColumns,
    created: Vec<chrono::DateTime<chrono::Utc>>,
    status: Vec<String>,
    owner_id: Vec<String>,
    owner_name: Vec<String>,
    host: Vec<Option<String>>,
}

async fn write(conn: &Conn, changes: Vec<(String, Change)>) -> Result<(), ProjectionError> {
    let mut deletes = Vec::new();
    let mut updates = Updates::default();
    let mut inserts = Inserts::default();
    for (id, change) in changes {
        match change {
            Change::Delete => deletes.push(id),
            Change::Update(patch) => {
                updates.ids.push(id);
                updates.has_fields.push(patch.fields.is_some());
                match &patch.fields {
                    Some(f) => updates.fields.push(f),
                    None => updates.fields.push_none(),
                }
                updates
                    .status
                    .push(patch.status.map(|s| s.as_str().to_owned()));
                updates.host.push(patch.mep_host_id);
            }
            Change::Insert(row) => {
                inserts.ids.push(id);
                inserts.fields.push(&row.fields);
                inserts.created.push(row.created_at);
                inserts.status.push(row.status.as_str().to_owned());
                inserts.owner_id.push(row.owner_id);
                inserts.owner_name.push(row.owner_name);
                inserts.host.push(row.mep_host_id);
            }
        }
    }
    conn.execute(
        WRITE,
        &[
            &deletes,
            &updates.ids,
            &updates.has_fields,
            &updates.fields.name,
            &updates.fields.description,
            &updates.fields.version,
            &updates.fields.provider,
            &updates.fields.architecture,
            &updates.fields.app_class,
            &updates.fields.app_type,
            &updates.fields.industry,
            &updates.fields.icon_file_id,
            &updates.fields.guide_file_id,
            &updates.fields.app_create_type,
            &updates.status,
            &updates.host,
            &inserts.ids,
            &inserts.fields.name,
            &inserts.fields.description,
            &inserts.fields.version,
            &inserts.fields.provider,
            &inserts.fields.architecture,
            &inserts.fields.app_class,
            &inserts.fields.app_type,
            &inserts.fields.industry,
            &inserts.fields.icon_file_id,
            &inserts.fields.guide_file_id,
            &inserts.fields.app_create_type,
            &inserts.created,
            &inserts.status,
            &inserts.owner_id,
            &inserts.owner_name,
            &inserts.host,
        ],
    )
    .await?;
    Ok(())
}
