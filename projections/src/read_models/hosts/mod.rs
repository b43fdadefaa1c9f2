//! `tbl_service_host` (the sandbox hosts) and `tbl_host_log` (one row per deploy or clean-up on a
//! host, by a VM or a container application). Column mapping of a MepHost: `protocol` = lcmProtocol, `lcm_ip`, `port` = lcmPort,
//! `mec_host` = mecHostIp, `os` = vimType, `vnc_port` = mecHostPort, `user_name`/`password` =
//! the login (password sealed), `parameter` = networkParameter. `tbl_reverse_proxy` holds a
//! host's reverse proxy route (id and `dest_host_id` = the host's id, `type` 1 = VNC console).

pub mod query;

use cqrs_es::Aggregate;
use db::{Conn, DbError, Sql};
use domain::container::{Container, ContainerEvent, ContainerEventKind};
use domain::mephost::{MepHost, MepHostEvent, MepHostFields};
use domain::vm::{HostLogEntry, Vm, VmEvent, VmEventKind};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct HostsProjection;

impl Projection for HostsProjection {
    fn name(&self) -> &'static str {
        "hosts"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[MepHost::TYPE, Vm::TYPE, Container::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_service_host", "tbl_host_log", "tbl_reverse_proxy"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            for event in events {
                let aggregate_type = event.aggregate_type.as_str();
                if aggregate_type == MepHost::TYPE {
                    apply_host(conn, event).await?;
                } else if aggregate_type == Vm::TYPE
                    && event.event_type == VmEventKind::HostLogged.name()
                {
                    if let VmEvent::HostLogged { entry } = event.decode::<VmEvent>()? {
                        apply_log(conn, &entry).await?;
                    }
                } else if aggregate_type == Container::TYPE
                    && event.event_type == ContainerEventKind::ContainerHostLogged.name()
                {
                    if let ContainerEvent::ContainerHostLogged { entry } = event.decode()? {
                        apply_log(conn, &entry).await?;
                    }
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
    conn: &Conn,
    id: &str,
    user_id: Option<&str>,
    f: &MepHostFields,
) -> Result<(), DbError> {
    conn.execute(
        UPSERT,
        &[
            &id,
            &user_id,
            &f.name,
            &f.address,
            &f.architecture,
            &f.status,
            &f.lcm_protocol,
            &f.lcm_ip,
            &f.mec_host_ip,
            &f.vim_type,
            &i32::from(f.lcm_port),
            &f.mec_host_user_name,
            &f.mec_host_password.as_ref().map(|p| p.0.clone()),
            &i32::from(f.mec_host_port),
            &f.network_parameter,
            &f.resource,
            &f.mec_host_protocol,
            &f.config_id,
        ],
    )
    .await?;
    Ok(())
}

async fn apply_host(conn: &Conn, event: &LogEvent) -> Result<(), ProjectionError> {
    let id = event.aggregate_id.as_str();
    match event.decode::<MepHostEvent>()? {
        MepHostEvent::MepHostRegistered { fields, user_id } => {
            upsert(conn, id, Some(&user_id), &fields).await?;
            write_proxy(conn, id, &fields).await?
        }
        MepHostEvent::MepHostUpdated { fields } => {
            upsert(conn, id, None, &fields).await?;
            write_proxy(conn, id, &fields).await?
        }
        MepHostEvent::MepHostDeleted {} => {
            conn.execute("DELETE FROM tbl_service_host WHERE host_id = $1", &[&id])
                .await?;
            conn.execute("DELETE FROM tbl_reverse_proxy WHERE id = $1", &[&id])
                .await?;
        }
    }
    Ok(())
}

/// The host's reverse proxy row, or none.
async fn write_proxy(conn: &Conn, id: &str, f: &MepHostFields) -> Result<(), DbError> {
    conn.execute("DELETE FROM tbl_reverse_proxy WHERE id = $1", &[&id])
        .await?;
    if let Some(proxy) = &f.reverse_proxy {
        conn.execute(
            "INSERT INTO tbl_reverse_proxy (id, dest_host_id, dest_host_port, proxy_port, type) \
             VALUES ($1, $1, $2, $3, 1)",
            &[
                &id,
                &i32::from(proxy.dest_host_port),
                &i32::from(proxy.proxy_port),
            ],
        )
        .await?;
    }
    Ok(())
}

async fn apply_log(conn: &Conn, entry: &HostLogEntry) -> Result<(), ProjectionError> {
    conn.execute("INSERT INTO tbl_host_log (log_id, host_ip, user_name, user_id, project_id, project_name, \
         app_instances_id, deploy_time, status, operation, host_id) \
         VALUES ($1, $2, $3, $4, $5, left($6, 50), $7, $8, $9, $10, $11) ON CONFLICT (log_id) DO NOTHING", &[&entry.log_id, &entry.host_ip, &entry.user_name, &entry.user_id, &entry.app_id, &entry.app_name, &entry.app_instance_id, &entry.at.format("%Y-%m-%d %H:%M:%S").to_string(), &entry.status, &entry.operation, &entry.host_id])
    .await?;
    Ok(())
}
