//! `tbl_service_host` (the sandbox hosts) and `tbl_host_log` (one row per deploy or clean-up on a
//! host). Column mapping of a MepHost: `protocol` = lcmProtocol, `lcm_ip`, `port` = lcmPort,
//! `mec_host` = mecHostIp, `os` = vimType, `vnc_port` = mecHostPort, `user_name`/`password` =
//! the login (password sealed), `parameter` = networkParameter.

use domain::mephost::{MepHostEvent, MepHostFields};
use domain::vm::VmEvent;
use sqlx::PgConnection;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct HostsProjection;

impl Projection for HostsProjection {
    fn name(&self) -> &'static str {
        "hosts"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["mephost", "vm"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_service_host", "tbl_host_log"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            for event in events {
                match event.aggregate_type.as_str() {
                    "mephost" => apply_host(conn, event).await?,
                    "vm" if event.event_type == "HostLogged" => apply_log(conn, event).await?,
                    _ => {}
                }
            }
            Ok(())
        })
    }
}

const UPSERT: &str = "INSERT INTO tbl_service_host (host_id, user_id, name, address, architecture, status, \
    protocol, lcm_ip, mec_host, os, port, user_name, password, vnc_port, parameter, delete, resource, \
    mec_host_protocol, config_id) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, false, $16, $17, $18) \
    ON CONFLICT (host_id) DO UPDATE SET name = EXCLUDED.name, address = EXCLUDED.address, \
    architecture = EXCLUDED.architecture, status = EXCLUDED.status, protocol = EXCLUDED.protocol, \
    lcm_ip = EXCLUDED.lcm_ip, mec_host = EXCLUDED.mec_host, os = EXCLUDED.os, port = EXCLUDED.port, \
    user_name = EXCLUDED.user_name, password = EXCLUDED.password, vnc_port = EXCLUDED.vnc_port, \
    parameter = EXCLUDED.parameter, resource = EXCLUDED.resource, \
    mec_host_protocol = EXCLUDED.mec_host_protocol, config_id = EXCLUDED.config_id";

async fn upsert(
    conn: &mut PgConnection,
    id: &str,
    user_id: Option<&str>,
    f: &MepHostFields,
) -> Result<(), sqlx::Error> {
    sqlx::query(UPSERT)
        .bind(id)
        .bind(user_id)
        .bind(&f.name)
        .bind(&f.address)
        .bind(&f.architecture)
        .bind(&f.status)
        .bind(&f.lcm_protocol)
        .bind(&f.lcm_ip)
        .bind(&f.mec_host_ip)
        .bind(&f.vim_type)
        .bind(i32::from(f.lcm_port))
        .bind(&f.mec_host_user_name)
        .bind(f.mec_host_password.as_ref().map(|p| p.0.clone()))
        .bind(i32::from(f.mec_host_port))
        .bind(&f.network_parameter)
        .bind(&f.resource)
        .bind(&f.mec_host_protocol)
        .bind(&f.config_id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn apply_host(conn: &mut PgConnection, event: &LogEvent) -> Result<(), ProjectionError> {
    let id = event.aggregate_id.as_str();
    match event.decode::<MepHostEvent>()? {
        MepHostEvent::MepHostRegistered { fields, user_id } => {
            upsert(conn, id, Some(&user_id), &fields).await?
        }
        MepHostEvent::MepHostUpdated { fields } => upsert(conn, id, None, &fields).await?,
        MepHostEvent::MepHostDeleted {} => {
            sqlx::query("DELETE FROM tbl_service_host WHERE host_id = $1")
                .bind(id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

async fn apply_log(conn: &mut PgConnection, event: &LogEvent) -> Result<(), ProjectionError> {
    let VmEvent::HostLogged { entry } = event.decode::<VmEvent>()? else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO tbl_host_log (log_id, host_ip, user_name, user_id, project_id, project_name, \
         app_instances_id, deploy_time, status, operation, host_id) \
         VALUES ($1, $2, $3, $4, $5, left($6, 50), $7, $8, $9, $10, $11) ON CONFLICT (log_id) DO NOTHING",
    )
    .bind(&entry.log_id)
    .bind(&entry.host_ip)
    .bind(&entry.user_name)
    .bind(&entry.user_id)
    .bind(&entry.app_id)
    .bind(&entry.app_name)
    .bind(&entry.app_instance_id)
    .bind(entry.at.format("%Y-%m-%d %H:%M:%S").to_string())
    .bind(&entry.status)
    .bind(&entry.operation)
    .bind(&entry.host_id)
    .execute(conn)
    .await?;
    Ok(())
}
