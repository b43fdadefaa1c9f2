//! `operation_logs` (ADR 0017): one row per `/api/v1` request, from the record an accepted
//! command's events carry in their metadata (`operation_log`) and from the `RequestLogged` events
//! of every other request. A request's later record replaces its earlier one (the row keeps the
//! id its first event gave it: that event's global position), so the row ends as the request did.
//! Rows of months past the retention are dropped with their partitions (`db::partitions`).

pub mod query;

use cqrs_es::Aggregate;
use db::Conn;
use domain::config_map::ConfigMap;
use domain::image::Image;
use domain::namespace::Namespace;
use domain::namespace_secret::NamespaceSecret;
use domain::operation_log::{OperationRecord, RequestLogEvent, REQUEST_LOG};
use domain::role::Role;
use domain::user::User;
use domain::volume::Volume;

use super::statements::{self, Statement};
use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct OperationLogsProjection;

const RECORDED: &str = "INSERT INTO operation_logs (id, operation_id, user_id, username, action, \
    resource_type, resource_id, resource_name, namespace_id, request_method, request_path, \
    request_body, request_headers, client_ip, user_agent, status_code, duration_ms, error_code, \
    error_message, started_at, completed_at, metadata) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
    $20, $21, $22) \
    ON CONFLICT (operation_id, started_at) DO UPDATE SET user_id = EXCLUDED.user_id, \
    username = EXCLUDED.username, action = EXCLUDED.action, \
    resource_type = EXCLUDED.resource_type, resource_id = EXCLUDED.resource_id, \
    resource_name = EXCLUDED.resource_name, namespace_id = EXCLUDED.namespace_id, \
    request_method = EXCLUDED.request_method, request_path = EXCLUDED.request_path, \
    request_body = EXCLUDED.request_body, request_headers = EXCLUDED.request_headers, \
    client_ip = EXCLUDED.client_ip, user_agent = EXCLUDED.user_agent, \
    status_code = EXCLUDED.status_code, duration_ms = EXCLUDED.duration_ms, \
    error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message, \
    completed_at = EXCLUDED.completed_at, metadata = EXCLUDED.metadata";

/// The aggregate types whose commands carry operation-log records (every aggregate of the
/// container platform: a new one belongs here), and the request log's own.
pub const READS: &[&str] = &[
    User::TYPE,
    Role::TYPE,
    Namespace::TYPE,
    ConfigMap::TYPE,
    NamespaceSecret::TYPE,
    Image::TYPE,
    Volume::TYPE,
    domain::platform_container::PlatformContainer::TYPE,
    REQUEST_LOG,
];

impl Projection for OperationLogsProjection {
    fn name(&self) -> &'static str {
        "operation_logs"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        READS
    }

    fn tables(&self) -> &'static [&'static str] {
        &["operation_logs"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut statements: Vec<Statement> = Vec::new();
            let mut last_operation = None;
            for event in events {
                let record = if event.aggregate_type == REQUEST_LOG {
                    let RequestLogEvent::RequestLogged(record) = event.decode()?;
                    record
                } else {
                    match event.metadata.get("operation_log") {
                        Some(value) if !value.is_null() => {
                            serde_json::from_value::<OperationRecord>(value.clone()).map_err(
                                |e| ProjectionError::Decode {
                                    event_type: event.event_type.clone(),
                                    event_version: event.event_version.clone(),
                                    message: format!("operation_log metadata: {e}"),
                                },
                            )?
                        }
                        _ => continue,
                    }
                };
                // The events of one command carry the same record: write it once.
                if last_operation == Some((record.operation_id, event.txid)) {
                    continue;
                }
                last_operation = Some((record.operation_id, event.txid));
                statements.push(recorded(event, record));
            }
            statements::run(conn, &statements).await
        })
    }
}

/// `text` cut to `max` characters (the columns' bounds; the API bounds them already).
fn bounded(text: Option<String>, max: usize) -> Option<String> {
    text.map(|t| match t.char_indices().nth(max) {
        Some((end, _)) => t[..end].to_owned(),
        None => t,
    })
}

fn recorded(event: &LogEvent, r: OperationRecord) -> Statement {
    let metadata = serde_json::json!({
        "requestId": r.request_id,
        "correlationId": event.metadata.get("correlation_id"),
    });
    (
        RECORDED,
        vec![
            Box::new(event.global_position),
            Box::new(r.operation_id),
            Box::new(r.user_id),
            Box::new(bounded(r.username, 50)),
            Box::new(bounded(Some(r.action), 50)),
            Box::new(bounded(Some(r.resource_type), 50)),
            Box::new(r.resource_id),
            Box::new(bounded(r.resource_name, 253)),
            Box::new(r.namespace_id),
            Box::new(bounded(Some(r.method), 10)),
            Box::new(bounded(Some(r.path), 500)),
            Box::new(r.request_body),
            Box::new(r.request_headers),
            Box::new(bounded(r.client_ip, 45)),
            Box::new(r.user_agent),
            Box::new(i32::from(r.status_code)),
            Box::new(r.duration_ms),
            Box::new(bounded(r.error_code, 50)),
            Box::new(r.error_message),
            Box::new(r.started_at),
            Box::new(r.completed_at),
            Box::new(metadata),
        ],
    )
}
