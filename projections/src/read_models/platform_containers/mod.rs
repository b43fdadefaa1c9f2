//! `containers` with what hangs off each (`port_mappings`, `environment_variables`,
//! `container_volumes`) and `container_status_history`: one projection, written in log order
//! one statement per event (`statements`). A child row's id is its event's global position
//! times 1000 plus its place in the spec (a spec holds at most 200 of any kind), and a history
//! row's id its event's position, so a rebuild writes the same ids. An update replaces the
//! children; a deleted container's row is deleted with them (`ON DELETE CASCADE`). A secret-
//! sourced variable keeps only the secret's name and key.

pub mod query;
pub mod summary;
pub mod usage;

use cqrs_es::Aggregate;
use db::Conn;
use domain::platform_container::{
    ContainerSpec, EnvSource, PlatformContainer, PlatformContainerEvent as E,
};

use super::statements::{self, Param, Statement};
use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct PlatformContainersProjection;

const CREATED: &str = "INSERT INTO containers (id, name, display_name, namespace_id, image_id, \
    kubernetes_name, deployment_name, status, cpu_request, cpu_limit, memory_request, \
    memory_limit, restart_count, created_at, updated_at, created_by, updated_by) \
    VALUES ($1, $2, $3, $4, $5, $2, $2, 'pending', $6, $7, $8, $9, 0, $10, $10, $11, $11)";
const UPDATED: &str = "UPDATE containers SET display_name = $2, image_id = $3, cpu_request = $4, \
    cpu_limit = $5, memory_request = $6, memory_limit = $7, updated_at = $8, updated_by = $9 \
    WHERE id = $1";
const STATUS: &str = "UPDATE containers SET status = $2::text, reason = $3, message = $4, \
    started_at = CASE WHEN $2::text = 'running' AND status <> 'running' THEN $5 \
                      ELSE started_at END, \
    finished_at = CASE WHEN $2::text IN ('stopped', 'failed') AND status <> $2::text THEN $5 \
                       WHEN $2::text = 'running' THEN NULL ELSE finished_at END, \
    updated_at = $5 WHERE id = $1";
const HISTORY: &str = "INSERT INTO container_status_history (id, container_id, previous_status, \
    current_status, reason, message, changed_at, triggered_by, user_id, operation_id) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const POD: &str = "UPDATE containers SET pod_name = $2, replica_set_name = $3, phase = $4, \
    restart_count = $5, pod_ip = $6, host_ip = $7, \
    deployment_name = COALESCE($8, deployment_name) WHERE id = $1";
const DELETED: &str = "DELETE FROM containers WHERE id = $1";
const PORTS: &str = "INSERT INTO port_mappings (id, container_id, name, container_port, \
    host_port, protocol, node_port, created_at) \
    SELECT $1::int8 * 1000 + n, $2, name, port, host, protocol, node, $3 \
    FROM unnest($4::text[], $5::int4[], $6::int4[], $7::text[], $8::int4[]) \
    WITH ORDINALITY AS p(name, port, host, protocol, node, n)";
const ENV: &str = "INSERT INTO environment_variables (id, container_id, name, value, value_from, \
    source_name, source_key, created_at) \
    SELECT $1::int8 * 1000 + n, $2, name, value, value_from, source_name, source_key, $3 \
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) \
    WITH ORDINALITY AS e(name, value, value_from, source_name, source_key, n)";
const MOUNTS: &str = "INSERT INTO container_volumes (id, container_id, volume_id, mount_path, \
    read_only, sub_path, created_at) \
    SELECT $1::int8 * 1000 + n, $2, volume, path, read_only, sub_path, $3 \
    FROM unnest($4::int8[], $5::text[], $6::bool[], $7::text[]) \
    WITH ORDINALITY AS m(volume, path, read_only, sub_path, n)";
const CLEAR_PORTS: &str = "DELETE FROM port_mappings WHERE container_id = $1";
const CLEAR_ENV: &str = "DELETE FROM environment_variables WHERE container_id = $1";
const CLEAR_MOUNTS: &str = "DELETE FROM container_volumes WHERE container_id = $1";

impl Projection for PlatformContainersProjection {
    fn name(&self) -> &'static str {
        "platform_containers"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[PlatformContainer::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &[
            "container_status_history",
            "container_volumes",
            "environment_variables",
            "port_mappings",
            "containers",
        ]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut statements: Vec<Statement> = Vec::new();
            for event in events
                .iter()
                .filter(|e| e.aggregate_type == PlatformContainer::TYPE)
            {
                let Ok(id) = event.aggregate_id.parse::<i64>() else {
                    continue;
                };
                statements.extend(container_statements(id, event)?);
            }
            statements::run(conn, &statements).await
        })
    }
}

fn container_statements(id: i64, event: &LogEvent) -> Result<Vec<Statement>, ProjectionError> {
    let at = event.recorded_at;
    Ok(match event.decode::<E>()? {
        E::PlatformContainerCreated {
            namespace_id,
            spec,
            created_by,
            ..
        } => {
            let mut all = vec![(
                CREATED,
                vec![
                    Box::new(id) as Param,
                    Box::new(spec.name.clone()),
                    Box::new(spec.display_name.clone()),
                    Box::new(namespace_id),
                    Box::new(spec.image_id),
                    Box::new(spec.cpu_request.clone()),
                    Box::new(spec.cpu_limit.clone()),
                    Box::new(spec.memory_request.clone()),
                    Box::new(spec.memory_limit.clone()),
                    Box::new(at),
                    Box::new(created_by),
                ],
            )];
            all.extend(children(id, event, &spec));
            all
        }
        E::PlatformContainerUpdated {
            spec, updated_by, ..
        } => {
            let mut all = vec![(
                UPDATED,
                vec![
                    Box::new(id) as Param,
                    Box::new(spec.display_name.clone()),
                    Box::new(spec.image_id),
                    Box::new(spec.cpu_request.clone()),
                    Box::new(spec.cpu_limit.clone()),
                    Box::new(spec.memory_request.clone()),
                    Box::new(spec.memory_limit.clone()),
                    Box::new(at),
                    Box::new(updated_by),
                ],
            )];
            for clear in [CLEAR_PORTS, CLEAR_ENV, CLEAR_MOUNTS] {
                all.push((clear, vec![Box::new(id) as Param]));
            }
            all.extend(children(id, event, &spec));
            all
        }
        E::PlatformContainerStatusChanged { change } => {
            let operation = change
                .operation_id
                .as_deref()
                .and_then(|op| uuid::Uuid::parse_str(op).ok());
            vec![
                (
                    STATUS,
                    vec![
                        Box::new(id) as Param,
                        Box::new(change.current.as_str()),
                        Box::new(change.reason.clone()),
                        Box::new(change.message.clone()),
                        Box::new(at),
                    ],
                ),
                (
                    HISTORY,
                    vec![
                        Box::new(event.global_position) as Param,
                        Box::new(id),
                        Box::new(change.previous.map(|s| s.as_str())),
                        Box::new(change.current.as_str()),
                        Box::new(change.reason),
                        Box::new(change.message),
                        Box::new(at),
                        Box::new(change.triggered_by.as_str()),
                        Box::new(change.user_id),
                        Box::new(operation),
                    ],
                ),
            ]
        }
        E::PlatformContainerPodReported { pod } => {
            let pod = pod.unwrap_or_default();
            vec![(
                POD,
                vec![
                    Box::new(id) as Param,
                    Box::new(pod.pod_name),
                    Box::new(pod.replica_set_name),
                    Box::new(pod.phase),
                    Box::new(pod.restart_count),
                    Box::new(pod.pod_ip),
                    Box::new(pod.host_ip),
                    Box::new(pod.deployment_name),
                ],
            )]
        }
        E::PlatformContainerDeleted { .. } => vec![(DELETED, vec![Box::new(id) as Param])],
        E::Operation(_) => vec![],
    })
}

/// The inserts of a spec's ports, variables and mounts (none for an empty list).
fn children(id: i64, event: &LogEvent, spec: &ContainerSpec) -> Vec<Statement> {
    let base = event.global_position;
    let at = event.recorded_at;
    let head = || -> Vec<Param> { vec![Box::new(base), Box::new(id), Box::new(at)] };
    let mut all = Vec::new();
    if !spec.ports.is_empty() {
        let mut params = head();
        let ports = &spec.ports;
        params.push(Box::new(
            ports.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        ));
        params.push(Box::new(
            ports
                .iter()
                .map(|p| i32::from(p.container_port))
                .collect::<Vec<_>>(),
        ));
        params.push(Box::new(
            ports
                .iter()
                .map(|p| p.host_port.map(i32::from))
                .collect::<Vec<_>>(),
        ));
        params.push(Box::new(
            ports
                .iter()
                .map(|p| p.protocol.as_str())
                .collect::<Vec<_>>(),
        ));
        params.push(Box::new(
            ports
                .iter()
                .map(|p| p.node_port.map(i32::from))
                .collect::<Vec<_>>(),
        ));
        all.push((PORTS, params));
    }
    if !spec.env.is_empty() {
        let mut names = Vec::new();
        let mut values = Vec::new();
        let mut kinds = Vec::new();
        let mut sources = Vec::new();
        let mut keys = Vec::new();
        for var in &spec.env {
            names.push(var.name.clone());
            kinds.push(var.source.kind());
            match &var.source {
                EnvSource::Literal { value } => {
                    values.push(Some(value.clone()));
                    sources.push(None);
                    keys.push(None);
                }
                EnvSource::ConfigMap { name, key } | EnvSource::Secret { name, key } => {
                    values.push(None);
                    sources.push(Some(name.clone()));
                    keys.push(Some(key.clone()));
                }
            }
        }
        let mut params = head();
        params.push(Box::new(names));
        params.push(Box::new(values));
        params.push(Box::new(kinds));
        params.push(Box::new(sources));
        params.push(Box::new(keys));
        all.push((ENV, params));
    }
    if !spec.volume_mounts.is_empty() {
        let mounts = &spec.volume_mounts;
        let mut params = head();
        params.push(Box::new(
            mounts.iter().map(|m| m.volume_id).collect::<Vec<_>>(),
        ));
        params.push(Box::new(
            mounts
                .iter()
                .map(|m| m.mount_path.clone())
                .collect::<Vec<_>>(),
        ));
        params.push(Box::new(
            mounts.iter().map(|m| m.read_only).collect::<Vec<_>>(),
        ));
        params.push(Box::new(
            mounts
                .iter()
                .map(|m| m.sub_path.clone())
                .collect::<Vec<_>>(),
        ));
        all.push((MOUNTS, params));
    }
    all
}
