//! `tbl_app_project`: the older project model, fed by the same application events. The facts map
//! onto its columns as follows: architecture -> `platform`, industry -> `industries`,
//! appCreateType DEVELOP/INTEGRATED -> `project_type` CREATE_NEW/INTEGRATED, appClass VM/CONTAINER
//! -> `deploy_platform` VIRTUALMACHINE/KUBERNETES, and the status onto the older vocabulary
//! (CREATED, CONFIGURED and PACKAGED are ONLINE; TESTED and RELEASED keep their names).
//! [`older`] fills the columns only the older model has.

mod older;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::{AppClass, AppCreateType, AppStatus, Application, ApplicationFields};

use super::application_changes::{fold, Change};
use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AppProjectsProjection;

/// A batch's net changes in one statement: deletes, updates of existing rows, inserts.
const WRITE: &str = "WITH deleted AS (DELETE FROM tbl_app_project WHERE id = ANY($1)), \
    updated AS (UPDATE tbl_app_project t SET \
    name = CASE WHEN u.has_fields THEN u.name ELSE t.name END, \
    provider = CASE WHEN u.has_fields THEN u.provider ELSE t.provider END, \
    platform = CASE WHEN u.has_fields THEN u.platform ELSE t.platform END, \
    industries = CASE WHEN u.has_fields THEN u.industries ELSE t.industries END, \
    type = CASE WHEN u.has_fields THEN u.type ELSE t.type END, \
    description = CASE WHEN u.has_fields THEN u.description ELSE t.description END, \
    version = CASE WHEN u.has_fields THEN u.version ELSE t.version END, \
    icon_file_id = CASE WHEN u.has_fields THEN u.icon_file_id ELSE t.icon_file_id END, \
    project_type = CASE WHEN u.has_fields THEN u.project_type ELSE t.project_type END, \
    deploy_platform = CASE WHEN u.has_fields THEN u.deploy_platform ELSE t.deploy_platform END, \
    status = COALESCE(u.status, t.status) \
    FROM unnest($2::text[], $3::bool[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], \
                $10::text[], $11::text[], $12::text[], $13::text[], $14::text[]) \
      AS u(id, has_fields, name, provider, platform, industries, type, description, version, icon_file_id, \
           project_type, deploy_platform, status) \
    WHERE t.id = u.id AND t.id = ANY($2::text[])) \
    INSERT INTO tbl_app_project (id, name, provider, platform, industries, type, description, \
    version, icon_file_id, project_type, deploy_platform, status, user_id, create_date) \
    SELECT * FROM unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], \
        $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::timestamptz[])";

impl Projection for AppProjectsProjection {
    fn name(&self) -> &'static str {
        "app_projects"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_app_project"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            write(conn, fold(events)?).await?;
            older::write(conn, events).await
        })
    }
}

/// The older model's status for an application status.
pub fn project_status(status: AppStatus) -> &'static str {
    match status {
        AppStatus::Created | AppStatus::Configured | AppStatus::Packaged => "ONLINE",
        AppStatus::Tested => "TESTED",
        AppStatus::Released => "RELEASED",
    }
}

/// The project model's columns of the basic fields, in the order of the SQL above.
#[derive(Default)]
struct Columns {
    name: Vec<String>,
    provider: Vec<String>,
    platform: Vec<String>,
    industries: Vec<String>,
    project_type_label: Vec<String>,
    description: Vec<String>,
    version: Vec<String>,
    icon_file_id: Vec<String>,
    project_type: Vec<String>,
    deploy_platform: Vec<String>,
}

impl Columns {
    fn push(&mut self, f: Option<&ApplicationFields>) {
        let text = |get: fn(&ApplicationFields) -> &str| f.map(get).unwrap_or_default().to_owned();
        self.name.push(text(|f| f.name.as_str()));
        self.provider.push(text(|f| f.provider.as_str()));
        self.platform.push(text(|f| f.architecture.as_str()));
        self.industries.push(text(|f| f.industry.as_str()));
        self.project_type_label.push(text(|f| f.app_type.as_str()));
        self.description.push(text(|f| f.description.as_str()));
        self.version.push(text(|f| f.version.as_str()));
        self.icon_file_id.push(text(|f| f.icon_file_id.as_str()));
        self.project_type.push(text(|f| match f.app_create_type {
            AppCreateType::Develop => "CREATE_NEW",
            AppCreateType::Integrated => "INTEGRATED",
        }));
        self.deploy_platform.push(text(|f| match f.app_class {
            AppClass::Vm => "VIRTUALMACHINE",
            AppClass::Container => "KUBERNETES",
        }));
    }
}

async fn write(conn: &Conn, changes: Vec<(String, Change)>) -> Result<(), ProjectionError> {
    let mut deletes = Vec::new();
    let (mut update_ids, mut has_fields, mut update_status, mut updates) =
        (Vec::new(), Vec::new(), Vec::new(), Columns::default());
    let (mut insert_ids, mut inserts, mut status, mut owner, mut created) = (
        Vec::new(),
        Columns::default(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (id, change) in changes {
        match change {
            Change::Delete => deletes.push(id),
            Change::Update(patch) => {
                if patch.fields.is_none() && patch.status.is_none() {
                    continue; // the project model has no host column
                }
                update_ids.push(id);
                has_fields.push(patch.fields.is_some());
                updates.push(patch.fields.as_ref());
                update_status.push(patch.status.map(|s| project_status(s).to_owned()));
            }
            Change::Insert(row) => {
                insert_ids.push(id);
                inserts.push(Some(&row.fields));
                status.push(project_status(row.status).to_owned());
                owner.push(row.owner_id);
                created.push(row.created_at);
            }
        }
    }
    conn.execute(
        WRITE,
        &[
            &deletes,
            &update_ids,
            &has_fields,
            &updates.name,
            &updates.provider,
            &updates.platform,
            &updates.industries,
            &updates.project_type_label,
            &updates.description,
            &updates.version,
            &updates.icon_file_id,
            &updates.project_type,
            &updates.deploy_platform,
            &update_status,
            &insert_ids,
            &inserts.name,
            &inserts.provider,
            &inserts.platform,
            &inserts.industries,
            &inserts.project_type_label,
            &inserts.description,
            &inserts.version,
            &inserts.icon_file_id,
            &inserts.project_type,
            &inserts.deploy_platform,
            &status,
            &owner,
            &created,
        ],
    )
    .await?;
    Ok(())
}
