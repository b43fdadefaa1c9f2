//! `namespaces`, `config_maps`, `secrets` and `volumes` (which reference it; secrets' `data`
//! holds only the sealed values): one projection, written in log order one statement per event (`statements`), so a resource's
//! row always finds its namespace's. A deleted namespace's row is deleted (it holds nothing by
//! then: the aggregate refuses otherwise).

pub mod query;

use cqrs_es::Aggregate;
use db::Conn;
use domain::config_map::{ConfigMap, ConfigMapEvent, ConfigMapFields};
use domain::namespace::{Namespace, NamespaceEvent, NamespaceFields};
use domain::namespace_secret::{NamespaceSecret, SecretEvent};
use domain::volume::{Volume, VolumeEvent};

use super::statements::{self, Statement};
use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct NamespacesProjection;

const CREATED: &str = "INSERT INTO namespaces (id, name, display_name, description, \
    kubernetes_name, cluster_name, status, resource_quota, created_at, updated_at, created_by, \
    updated_by) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $8, $9, $9)";
const UPDATED: &str = "UPDATE namespaces SET name = $2, display_name = $3, description = $4, \
    kubernetes_name = $5, cluster_name = $6, resource_quota = $7, updated_at = $8, \
    updated_by = $9 WHERE id = $1";
const STATUS: &str =
    "UPDATE namespaces SET status = $2, updated_at = $3, updated_by = $4 WHERE id = $1";
const DELETED: &str = "DELETE FROM namespaces WHERE id = $1";
const CONFIG_MAP_CREATED: &str = "INSERT INTO config_maps (id, name, namespace_id, \
    kubernetes_name, data, binary_data, created_at, updated_at, created_by, updated_by) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8)";
const CONFIG_MAP_UPDATED: &str = "UPDATE config_maps SET data = $2, binary_data = $3, \
    updated_at = $4, updated_by = $5 WHERE id = $1";
const CONFIG_MAP_DELETED: &str = "DELETE FROM config_maps WHERE id = $1";
const SECRET_CREATED: &str = "INSERT INTO secrets (id, name, namespace_id, kubernetes_name, \
    type, data, created_at, updated_at, created_by, updated_by) \
    VALUES ($1, $2, $3, $2, $4, $5, $6, $6, $7, $7)";
const SECRET_UPDATED: &str =
    "UPDATE secrets SET data = $2, updated_at = $3, updated_by = $4 WHERE id = $1";
const SECRET_RESEALED: &str = "UPDATE secrets SET data = $2 WHERE id = $1";
const SECRET_DELETED: &str = "DELETE FROM secrets WHERE id = $1";
const VOLUME_CREATED: &str = "INSERT INTO volumes (id, name, namespace_id, type, storage_class, \
    size, access_mode, mount_path, host_path, kubernetes_name, source_name, status, created_at, \
    updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $2, $10, 'available', $11, \
    $11, $12)";
const VOLUME_UPDATED: &str =
    "UPDATE volumes SET size = $2, mount_path = $3, updated_at = $4 WHERE id = $1";
const VOLUME_DELETED: &str = "DELETE FROM volumes WHERE id = $1";

impl Projection for NamespacesProjection {
    fn name(&self) -> &'static str {
        "namespaces"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[
            Namespace::TYPE,
            ConfigMap::TYPE,
            NamespaceSecret::TYPE,
            Volume::TYPE,
        ]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["volumes", "secrets", "config_maps", "namespaces"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut statements: Vec<Statement> = Vec::new();
            for event in events {
                let Ok(id) = event.aggregate_id.parse::<i64>() else {
                    continue;
                };
                if event.aggregate_type == Namespace::TYPE {
                    statements.extend(namespace_statement(id, event)?);
                } else if event.aggregate_type == ConfigMap::TYPE {
                    statements.push(config_map_statement(id, event)?);
                } else if event.aggregate_type == NamespaceSecret::TYPE {
                    statements.extend(secret_statement(id, event)?);
                } else if event.aggregate_type == Volume::TYPE {
                    statements.push(volume_statement(id, event)?);
                }
            }
            statements::run(conn, &statements).await
        })
    }
}

fn namespace_statement(id: i64, event: &LogEvent) -> Result<Option<Statement>, ProjectionError> {
    let at = event.recorded_at;
    let row = |sql: &'static str, fields: NamespaceFields, by: Option<i64>| -> Statement {
        let quota = fields.resource_quota.map(|q| serde_json::json!(q));
        (
            sql,
            vec![
                Box::new(id),
                Box::new(fields.name),
                Box::new(fields.display_name),
                Box::new(fields.description),
                Box::new(fields.kubernetes_name),
                Box::new(fields.cluster_name),
                Box::new(quota),
                Box::new(at),
                Box::new(by),
            ],
        )
    };
    let status = |status: &'static str, by: Option<i64>| -> Statement {
        (
            STATUS,
            vec![Box::new(id), Box::new(status), Box::new(at), Box::new(by)],
        )
    };
    Ok(Some(match event.decode::<NamespaceEvent>()? {
        NamespaceEvent::NamespaceCreated { fields, created_by } => row(CREATED, fields, created_by),
        NamespaceEvent::NamespaceUpdated { fields, updated_by } => row(UPDATED, fields, updated_by),
        NamespaceEvent::NamespaceActivated { updated_by } => status("active", updated_by),
        NamespaceEvent::NamespaceDeactivated { updated_by } => status("inactive", updated_by),
        NamespaceEvent::NamespaceDeleted {} => (DELETED, vec![Box::new(id)]),
        NamespaceEvent::NamespaceResourceAdmitted { .. }
        | NamespaceEvent::NamespaceResourceReleased { .. } => return Ok(None),
    }))
}

fn config_map_statement(id: i64, event: &LogEvent) -> Result<Statement, ProjectionError> {
    let at = event.recorded_at;
    let json = |map: &std::collections::BTreeMap<String, String>| serde_json::json!(map);
    Ok(match event.decode::<ConfigMapEvent>()? {
        ConfigMapEvent::ConfigMapCreated {
            namespace_id,
            fields,
            created_by,
        } => {
            let ConfigMapFields {
                name,
                kubernetes_name,
                data,
                binary_data,
            } = fields;
            (
                CONFIG_MAP_CREATED,
                vec![
                    Box::new(id),
                    Box::new(name),
                    Box::new(namespace_id),
                    Box::new(kubernetes_name),
                    Box::new(json(&data)),
                    Box::new(json(&binary_data)),
                    Box::new(at),
                    Box::new(created_by),
                ],
            )
        }
        ConfigMapEvent::ConfigMapUpdated { fields, updated_by } => (
            CONFIG_MAP_UPDATED,
            vec![
                Box::new(id),
                Box::new(json(&fields.data)),
                Box::new(json(&fields.binary_data)),
                Box::new(at),
                Box::new(updated_by),
            ],
        ),
        ConfigMapEvent::ConfigMapDeleted {} => (CONFIG_MAP_DELETED, vec![Box::new(id)]),
    })
}

fn secret_statement(id: i64, event: &LogEvent) -> Result<Option<Statement>, ProjectionError> {
    let at = event.recorded_at;
    let json =
        |data: &std::collections::BTreeMap<String, domain::secret::Sealed>| serde_json::json!(data);
    Ok(Some(match event.decode::<SecretEvent>()? {
        SecretEvent::SecretCreated {
            namespace_id,
            name,
            secret_type,
            data,
            created_by,
        } => (
            SECRET_CREATED,
            vec![
                Box::new(id),
                Box::new(name),
                Box::new(namespace_id),
                Box::new(secret_type.as_str()),
                Box::new(json(&data)),
                Box::new(at),
                Box::new(created_by),
            ],
        ),
        SecretEvent::SecretUpdated { data, updated_by } => (
            SECRET_UPDATED,
            vec![
                Box::new(id),
                Box::new(json(&data)),
                Box::new(at),
                Box::new(updated_by),
            ],
        ),
        SecretEvent::SecretResealed { data } => {
            (SECRET_RESEALED, vec![Box::new(id), Box::new(json(&data))])
        }
        SecretEvent::SecretRevealed { .. } => return Ok(None),
        SecretEvent::SecretDeleted {} => (SECRET_DELETED, vec![Box::new(id)]),
    }))
}

fn volume_statement(id: i64, event: &LogEvent) -> Result<Statement, ProjectionError> {
    Ok(match event.decode::<VolumeEvent>()? {
        VolumeEvent::VolumeCreated {
            namespace_id,
            fields: f,
            created_by,
        } => (
            VOLUME_CREATED,
            vec![
                Box::new(id),
                Box::new(f.name),
                Box::new(namespace_id),
                Box::new(f.volume_type.as_str()),
                Box::new(f.storage_class),
                Box::new(f.size),
                Box::new(f.access_mode.map(|m| m.as_str())),
                Box::new(f.mount_path),
                Box::new(f.host_path),
                Box::new(f.source_name),
                Box::new(event.recorded_at),
                Box::new(created_by),
            ],
        ),
        VolumeEvent::VolumeUpdated { fields: f, .. } => (
            VOLUME_UPDATED,
            vec![
                Box::new(id),
                Box::new(f.size),
                Box::new(f.mount_path),
                Box::new(event.recorded_at),
            ],
        ),
        VolumeEvent::VolumeDeleted {} => (VOLUME_DELETED, vec![Box::new(id)]),
    })
}
