//! `tbl_app_project`: the older project model, fed by the same application events. The facts map
//! onto its columns as follows: architecture -> `platform`, industry -> `industries`,
//! appCreateType DEVELOP/INTEGRATED -> `project_type` CREATE_NEW/INTEGRATED, appClass VM/CONTAINER
//! -> `deploy_platform` VIRTUALMACHINE/KUBERNETES, and the status onto the older vocabulary
//! (CREATED, CONFIGURED and PACKAGED are ONLINE; TESTED and RELEASED keep their names).

use domain::application::{
    AppClass, AppCreateType, AppStatus, ApplicationEvent, ApplicationFields,
};
use sqlx::PgConnection;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AppProjectsProjection;

const INSERT: &str =
    "INSERT INTO tbl_app_project (id, name, provider, platform, industries, type, description, \
    version, icon_file_id, project_type, deploy_platform, status, user_id, create_date) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

const UPDATE: &str = "UPDATE tbl_app_project SET name = $2, provider = $3, platform = $4, industries = $5, \
    type = $6, description = $7, version = $8, icon_file_id = $9, project_type = $10, deploy_platform = $11 \
    WHERE id = $1";

impl Projection for AppProjectsProjection {
    fn name(&self) -> &'static str {
        "app_projects"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_app_project"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            for event in events.iter().filter(|e| e.aggregate_type == "application") {
                apply_one(conn, event).await?;
            }
            Ok(())
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

async fn apply_one(conn: &mut PgConnection, event: &LogEvent) -> Result<(), ProjectionError> {
    let id = event.aggregate_id.as_str();
    match event.decode::<ApplicationEvent>()? {
        ApplicationEvent::ApplicationCreated {
            fields,
            owner_id,
            created_at,
            ..
        } => {
            bind_fields(sqlx::query(INSERT).bind(id), &fields)
                .bind(project_status(AppStatus::Created))
                .bind(owner_id)
                .bind(created_at)
                .execute(conn)
                .await?;
        }
        ApplicationEvent::ApplicationUpdated { fields } => {
            bind_fields(sqlx::query(UPDATE).bind(id), &fields)
                .execute(conn)
                .await?;
        }
        ApplicationEvent::ApplicationStatusChanged { to, .. } => {
            sqlx::query("UPDATE tbl_app_project SET status = $2 WHERE id = $1")
                .bind(id)
                .bind(project_status(to))
                .execute(conn)
                .await?;
        }
        ApplicationEvent::SandboxHostSelected { .. } => {} // the project model has no host column
        ApplicationEvent::ApplicationDeleted {} => {
            sqlx::query("DELETE FROM tbl_app_project WHERE id = $1")
                .bind(id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

fn bind_fields<'q>(query: Query<'q>, fields: &ApplicationFields) -> Query<'q> {
    query
        .bind(fields.name.as_str().to_owned())
        .bind(fields.provider.as_str().to_owned())
        .bind(fields.architecture.as_str())
        .bind(fields.industry.as_str().to_owned())
        .bind(fields.app_type.as_str().to_owned())
        .bind(fields.description.as_str().to_owned())
        .bind(fields.version.as_str().to_owned())
        .bind(fields.icon_file_id.as_str().to_owned())
        .bind(match fields.app_create_type {
            AppCreateType::Develop => "CREATE_NEW",
            AppCreateType::Integrated => "INTEGRATED",
        })
        .bind(match fields.app_class {
            AppClass::Vm => "VIRTUALMACHINE",
            AppClass::Container => "KUBERNETES",
        })
}
