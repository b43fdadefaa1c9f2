//! `tbl_application`: the v1.5 application model, one row per live application.

use domain::application::{AppStatus, ApplicationEvent, ApplicationFields};
use sqlx::PgConnection;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct ApplicationsProjection;

const INSERT: &str = "INSERT INTO tbl_application (id, name, description, version, provider, architecture, \
    app_class, type, industry, icon_file_id, guide_file_id, app_create_type, create_time, status, user_id, \
    user_name, mep_host_id) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, NULL)";

const UPDATE: &str = "UPDATE tbl_application SET name = $2, description = $3, version = $4, provider = $5, \
    architecture = $6, app_class = $7, type = $8, industry = $9, icon_file_id = $10, guide_file_id = $11, \
    app_create_type = $12 WHERE id = $1";

impl Projection for ApplicationsProjection {
    fn name(&self) -> &'static str {
        "applications"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_application"]
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

async fn apply_one(conn: &mut PgConnection, event: &LogEvent) -> Result<(), ProjectionError> {
    let id = event.aggregate_id.as_str();
    match event.decode::<ApplicationEvent>()? {
        ApplicationEvent::ApplicationCreated {
            fields,
            owner_id,
            owner_name,
            created_at,
        } => {
            bind_fields(sqlx::query(INSERT).bind(id), &fields)
                .bind(created_at)
                .bind(AppStatus::Created.as_str())
                .bind(owner_id)
                .bind(owner_name)
                .execute(conn)
                .await?;
        }
        ApplicationEvent::ApplicationUpdated { fields } => {
            bind_fields(sqlx::query(UPDATE).bind(id), &fields)
                .execute(conn)
                .await?;
        }
        ApplicationEvent::SandboxHostSelected { mep_host_id } => {
            sqlx::query("UPDATE tbl_application SET mep_host_id = $2 WHERE id = $1")
                .bind(id)
                .bind(mep_host_id)
                .execute(conn)
                .await?;
        }
        ApplicationEvent::ApplicationStatusChanged { to, .. } => {
            sqlx::query("UPDATE tbl_application SET status = $2 WHERE id = $1")
                .bind(id)
                .bind(to.as_str())
                .execute(conn)
                .await?;
        }
        ApplicationEvent::ApplicationDeleted {} => {
            sqlx::query("DELETE FROM tbl_application WHERE id = $1")
                .bind(id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds the basic fields in the column order shared by INSERT and UPDATE ($2..$12).
fn bind_fields<'q>(query: Query<'q>, fields: &ApplicationFields) -> Query<'q> {
    query
        .bind(fields.name.as_str().to_owned())
        .bind(fields.description.as_str().to_owned())
        .bind(fields.version.as_str().to_owned())
        .bind(fields.provider.as_str().to_owned())
        .bind(fields.architecture.as_str())
        .bind(fields.app_class.as_str())
        .bind(fields.app_type.as_str().to_owned())
        .bind(fields.industry.as_str().to_owned())
        .bind(fields.icon_file_id.as_str().to_owned())
        .bind(fields.guide_file_id.as_ref().map(|f| f.as_str().to_owned()))
        .bind(fields.app_create_type.as_str())
}
