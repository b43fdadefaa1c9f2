//! The instance of each container application, as its launch recorded it:
//! `tbl_container_app_instantiate_info` (one row while an instance exists, from the launch's
//! request on), its pods (`tbl_k8s_pod_instantiate_info`), their containers with the usage LCM
//! reported (`tbl_container_instantiate_info`), its services and their ports
//! (`tbl_k8s_service_instantiate_info`, `tbl_k8s_service_port_instantiate_info`). Every change
//! replaces an application's rows; a clean-up removes them.

pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::container::{Container, ContainerEvent, ContainerEventKind as Kind, ContainerInstance};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct ContainerInstancesProjection;

const EVENTS: &[Kind] = &[
    Kind::ContainerLaunchRequested,
    Kind::ContainerInstanceRecorded,
    Kind::ContainerInstanceCleaned,
];
const TABLES: &[&str] = &[
    "tbl_container_app_instantiate_info",
    "tbl_k8s_pod_instantiate_info",
    "tbl_container_instantiate_info",
    "tbl_k8s_service_instantiate_info",
    "tbl_k8s_service_port_instantiate_info",
];
const INSERT_INFO: &str = "INSERT INTO tbl_container_app_instantiate_info (app_id, operation_id, \
    app_package_id, mepm_package_id, distributed_mec_host, app_instance_id, status, log, \
    instantiate_time) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], \
    $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])";
const INSERT_PODS: &str = "INSERT INTO tbl_k8s_pod_instantiate_info (app_id, name, pod_status, \
    events_info) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])";
const INSERT_CONTAINERS: &str = "INSERT INTO tbl_container_instantiate_info (app_id, pod_name, \
    name, cpu_usage, mem_usage, disk_usage) SELECT * FROM unnest($1::text[], $2::text[], \
    $3::text[], $4::text[], $5::text[], $6::text[])";
const INSERT_SERVICES: &str = "INSERT INTO tbl_k8s_service_instantiate_info (app_id, name, type) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[])";
const INSERT_PORTS: &str = "INSERT INTO tbl_k8s_service_port_instantiate_info (app_id, \
    service_name, port, target_port, node_port) SELECT * FROM unnest($1::text[], $2::text[], \
    $3::text[], $4::text[], $5::text[])";

impl Projection for ContainerInstancesProjection {
    fn name(&self) -> &'static str {
        "container_instances"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Container::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        TABLES
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let instances = fold(events)?;
            if instances.is_empty() {
                return Ok(());
            }
            let apps: Vec<&str> = instances.keys().map(String::as_str).collect();
            for table in TABLES {
                conn.execute(
                    &format!("DELETE FROM {table} WHERE app_id = ANY($1)"),
                    &[&apps],
                )
                .await?;
            }
            let live: Vec<(&str, &ContainerInstance)> = instances
                .iter()
                .filter_map(|(app, i)| i.as_ref().map(|i| (app.as_str(), i)))
                .collect();
            if !live.is_empty() {
                insert(conn, &live).await?;
            }
            Ok(())
        })
    }
}

/// Each touched application's instance as the batch leaves it (`None`: cleaned).
fn fold(
    events: &[LogEvent],
) -> Result<BTreeMap<String, Option<ContainerInstance>>, ProjectionError> {
    let mut instances = BTreeMap::new();
    for event in events.iter().filter(|e| {
        e.aggregate_type == Container::TYPE && EVENTS.iter().any(|k| k.name() == e.event_type)
    }) {
        let app = event.aggregate_id.clone();
        match event.decode::<ContainerEvent>()? {
            ContainerEvent::ContainerLaunchRequested { .. } => {
                let info = ContainerInstance {
                    operation_id: event.meta("operation_id").unwrap_or_default().to_owned(),
                    ..ContainerInstance::default()
                };
                instances.insert(app, Some(info));
            }
            ContainerEvent::ContainerInstanceRecorded { info } => {
                instances.insert(app, Some(info));
            }
            ContainerEvent::ContainerInstanceCleaned {} => {
                instances.insert(app, None);
            }
            _ => {}
        }
    }
    Ok(instances)
}

async fn insert(conn: &Conn, live: &[(&str, &ContainerInstance)]) -> Result<(), ProjectionError> {
    let col = |f: fn(&ContainerInstance) -> Option<&str>| -> Vec<Option<&str>> {
        live.iter().map(|(_, i)| f(i)).collect()
    };
    let apps: Vec<&str> = live.iter().map(|(a, _)| *a).collect();
    let operations: Vec<Option<&str>> = col(|i| Some(i.operation_id.as_str()));
    let times: Vec<Option<chrono::DateTime<chrono::Utc>>> =
        live.iter().map(|(_, i)| i.instantiate_time).collect();
    conn.execute(
        INSERT_INFO,
        &[
            &apps,
            &operations,
            &col(|i| i.app_package_id.as_deref()),
            &col(|i| i.mepm_package_id.as_deref()),
            &col(|i| i.distributed_mec_host.as_deref()),
            &col(|i| i.app_instance_id.as_deref()),
            &col(|i| i.status.as_deref()),
            &col(|i| i.log.as_deref()),
            &times,
        ],
    )
    .await?;
    let pods: Vec<(&str, &domain::container::PodInfo)> = live
        .iter()
        .flat_map(|(app, i)| i.pods.iter().map(move |p| (*app, p)))
        .collect();
    if !pods.is_empty() {
        let apps: Vec<&str> = pods.iter().map(|(a, _)| *a).collect();
        let names: Vec<&str> = pods.iter().map(|(_, p)| p.name.as_str()).collect();
        let statuses: Vec<&str> = pods.iter().map(|(_, p)| p.pod_status.as_str()).collect();
        let events: Vec<Option<&str>> =
            pods.iter().map(|(_, p)| p.events_info.as_deref()).collect();
        conn.execute(INSERT_PODS, &[&apps, &names, &statuses, &events])
            .await?;
        let containers: Vec<(&str, &str, &domain::container::ContainerInfo)> = pods
            .iter()
            .flat_map(|(app, p)| p.containers.iter().map(move |c| (*app, p.name.as_str(), c)))
            .collect();
        let apps: Vec<&str> = containers.iter().map(|c| c.0).collect();
        let pod_names: Vec<&str> = containers.iter().map(|c| c.1).collect();
        let names: Vec<&str> = containers.iter().map(|c| c.2.name.as_str()).collect();
        let cpu: Vec<&str> = containers.iter().map(|c| c.2.cpu_usage.as_str()).collect();
        let mem: Vec<&str> = containers.iter().map(|c| c.2.mem_usage.as_str()).collect();
        let disk: Vec<&str> = containers.iter().map(|c| c.2.disk_usage.as_str()).collect();
        conn.execute(
            INSERT_CONTAINERS,
            &[&apps, &pod_names, &names, &cpu, &mem, &disk],
        )
        .await?;
    }
    let services: Vec<(&str, &domain::container::ServiceInfo)> = live
        .iter()
        .flat_map(|(app, i)| i.services.iter().map(move |s| (*app, s)))
        .collect();
    if !services.is_empty() {
        let apps: Vec<&str> = services.iter().map(|(a, _)| *a).collect();
        let names: Vec<&str> = services.iter().map(|(_, s)| s.name.as_str()).collect();
        let types: Vec<&str> = services
            .iter()
            .map(|(_, s)| s.service_type.as_str())
            .collect();
        conn.execute(INSERT_SERVICES, &[&apps, &names, &types])
            .await?;
        let ports: Vec<(&str, &str, &domain::container::ServicePortInfo)> = services
            .iter()
            .flat_map(|(app, s)| s.ports.iter().map(move |p| (*app, s.name.as_str(), p)))
            .collect();
        let apps: Vec<&str> = ports.iter().map(|p| p.0).collect();
        let service_names: Vec<&str> = ports.iter().map(|p| p.1).collect();
        let port: Vec<&str> = ports.iter().map(|p| p.2.port.as_str()).collect();
        let target: Vec<&str> = ports.iter().map(|p| p.2.target_port.as_str()).collect();
        let node: Vec<&str> = ports.iter().map(|p| p.2.node_port.as_str()).collect();
        conn.execute(
            INSERT_PORTS,
            &[&apps, &service_names, &port, &target, &node],
        )
        .await?;
    }
    Ok(())
}
