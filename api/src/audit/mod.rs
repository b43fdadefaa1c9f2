//! The operation log of the container platform's API (ADR 0017). Every `/api/v1` request that
//! reaches a handler gets an [`AuditDraft`] (started by `middleware::observe`), which the JSON
//! extractor gives the body and `Access::resolve` the caller. A command the request runs carries
//! the request's record in its events' metadata ([`carry`]): an accepted request costs no extra
//! write. When the answer is not what a command carried (a refusal, a read, a replay, an answer
//! that changed after the command), [`finish`] hands the final record to the
//! [`writer::OperationLogWriter`] and the answer waits until it is durable.

pub mod describe;
pub mod writer;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::dev::ServiceRequest;
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use commands::CommandMetadata;
use domain::operation_log::{redact, OperationRecord};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::ApiError;
use crate::middleware::RequestInfo;

/// Bodies larger than this are noted by size, not kept.
const MAX_KEPT_BODY: usize = 64 * 1024;
/// Request headers kept in the record (never `Authorization` or cookies).
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "idempotency-key",
    "if-match",
    "x-request-id",
    "x-correlation-id",
];

/// The caller as far as the request got: its platform user id (when it is one), its name, and
/// the system roles its token names.
#[derive(Debug, Clone, Default)]
pub struct CallerNote {
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub system_roles: Vec<String>,
}

#[derive(Debug, Default)]
struct Notes {
    body: Option<Bytes>,
    body_len: usize,
    caller: Option<CallerNote>,
    /// What the last command that carried this request's record said: status and resource id.
    carried: Option<(u16, Option<i64>)>,
}

/// What is known of one `/api/v1` request while it is handled.
#[derive(Debug)]
pub struct AuditDraft {
    operation_id: Uuid,
    request_id: String,
    started_at: DateTime<Utc>,
    started: Instant,
    method: String,
    path: String,
    headers: Value,
    client_ip: Option<String>,
    user_agent: Option<String>,
    notes: Mutex<Notes>,
}

/// How a request ended, as the record tells it.
pub struct Ending<'a> {
    pub status: u16,
    pub resource_id: Option<i64>,
    pub error: Option<&'a ApiError>,
}

impl AuditDraft {
    /// The draft of `req` when it is a container-platform request.
    pub fn of(req: &ServiceRequest, request_id: &str) -> Option<Arc<AuditDraft>> {
        if !req.path().starts_with("/api/v1/") {
            return None;
        }
        let headers: serde_json::Map<String, Value> = KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                let value = req.headers().get(*name)?.to_str().ok()?;
                Some(((*name).to_owned(), Value::String(bounded(value, 256))))
            })
            .collect();
        Some(Arc::new(AuditDraft {
            operation_id: Uuid::new_v4(),
            request_id: request_id.to_owned(),
            started_at: Utc::now(),
            started: Instant::now(),
            method: req.method().to_string(),
            path: bounded(req.path(), 500),
            headers: Value::Object(headers),
            client_ip: req.peer_addr().map(|a| a.ip().to_string()),
            user_agent: req
                .headers()
                .get("user-agent")
                .and_then(|v| v.to_str().ok())
                .map(|v| bounded(v, 512)),
            notes: Mutex::new(Notes::default()),
        }))
    }

    fn notes(&self) -> std::sync::MutexGuard<'_, Notes> {
        self.notes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The caller noted so far.
    pub fn caller(&self) -> Option<CallerNote> {
        self.notes().caller.clone()
    }

    /// The record of this request ending as `ending` says.
    pub fn record(
        &self,
        ending: Ending<'_>,
        fallback: Option<&CommandMetadata>,
    ) -> OperationRecord {
        let described = describe::describe(&self.method, &self.path);
        let notes = self.notes();
        let caller = notes.caller.clone().or_else(|| {
            fallback.map(|m| CallerNote {
                user_id: m.user_id.parse().ok(),
                username: Some(m.user_name.clone()),
                system_roles: Vec::new(),
            })
        });
        let body = body_of(&notes, described.resource_type == "secret");
        let resource_name = body
            .as_ref()
            .and_then(|b| b.get("name").or_else(|| b.get("username")))
            .and_then(Value::as_str)
            .map(|name| bounded(name, 253));
        let completed_at = Utc::now();
        OperationRecord {
            operation_id: self.operation_id,
            request_id: self.request_id.clone(),
            user_id: caller.as_ref().and_then(|c| c.user_id),
            username: caller.and_then(|c| c.username).map(|n| bounded(&n, 50)),
            action: described.action,
            resource_type: described.resource_type,
            resource_id: ending.resource_id.or(described.resource_id),
            resource_name,
            namespace_id: described.namespace_id,
            method: self.method.clone(),
            path: self.path.clone(),
            request_body: body,
            request_headers: self.headers.clone(),
            client_ip: self.client_ip.clone(),
            user_agent: self.user_agent.clone(),
            status_code: ending.status,
            duration_ms: i32::try_from(self.started.elapsed().as_millis()).unwrap_or(i32::MAX),
            error_code: ending.error.map(|e| e.code.as_str().to_owned()),
            error_message: ending.error.map(|e| bounded(&e.message, 2000)),
            started_at: self.started_at,
            completed_at,
        }
    }
}

/// The body as it may be recorded: JSON with passwords (and a secret's values) redacted, or a
/// note of what it was.
fn body_of(notes: &Notes, secret_values: bool) -> Option<Value> {
    if notes.body_len == 0 {
        return None;
    }
    let Some(bytes) = &notes.body else {
        return Some(json!({ "omitted": format!("a body of {} bytes", notes.body_len) }));
    };
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            redact(&mut value, secret_values);
            scrub(&mut value);
            Some(value)
        }
        Err(_) => Some(
            json!({ "omitted": format!("a body of {} bytes that is not JSON", notes.body_len) }),
        ),
    }
}

/// Removes NUL characters, which a `jsonb` value cannot hold.
fn scrub(value: &mut Value) {
    match value {
        Value::String(text) if text.contains('\0') => *text = text.replace('\0', ""),
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                let entries = std::mem::take(map);
                *map = entries
                    .into_iter()
                    .map(|(k, v)| (k.replace('\0', ""), v))
                    .collect();
            }
            map.values_mut().for_each(scrub);
        }
        _ => {}
    }
}

/// `text` cut to `max` characters, without NULs.
fn bounded(text: &str, max: usize) -> String {
    text.chars().filter(|c| *c != '\0').take(max).collect()
}

/// The current request's draft, if it is a container-platform request.
pub fn current() -> Option<Arc<AuditDraft>> {
    RequestInfo::current().and_then(|info| info.audit)
}

/// Notes the body the JSON extractor read.
pub fn note_body(bytes: &Bytes) {
    if let Some(draft) = current() {
        let mut notes = draft.notes();
        notes.body_len = bytes.len();
        notes.body = (bytes.len() <= MAX_KEPT_BODY).then(|| bytes.clone());
    }
}

/// Notes who the caller is.
pub fn note_caller(caller: CallerNote) {
    if let Some(draft) = current() {
        draft.notes().caller = Some(caller);
    }
}

/// Puts the current request's record into `metadata` for a command that, if it succeeds, is
/// answered with `success` (and a `Location` naming what it created). Returns the draft to mark
/// with [`carried`] once the command's events are written.
pub fn carry(
    metadata: &mut CommandMetadata,
    success: u16,
    location: Option<&str>,
) -> Option<(Arc<AuditDraft>, u16, Option<i64>)> {
    let draft = current()?;
    let resource_id = location.and_then(id_in_location);
    let record = draft.record(
        Ending {
            status: success,
            resource_id,
            error: None,
        },
        Some(metadata),
    );
    metadata.operation_log = Some(Box::new(record));
    Some((draft, success, resource_id))
}

/// Marks that a command's events carried the request's record with this status and id.
pub fn carried(draft: &AuditDraft, status: u16, resource_id: Option<i64>) {
    draft.notes().carried = Some((status, resource_id));
}

fn id_in_location(location: &str) -> Option<i64> {
    location.rsplit('/').next()?.parse().ok()
}

/// Records how the request ended, unless a command's events already carried exactly that:
/// waits until the record is durable.
pub async fn finish(
    state: &crate::state::AppState,
    draft: &AuditDraft,
    correlation_id: Option<&str>,
    status: u16,
    location: Option<&str>,
    error: Option<&ApiError>,
) {
    let resource_id = location.and_then(id_in_location);
    let carried = draft.notes().carried;
    if carried.is_some_and(|(s, id)| s == status && (resource_id.is_none() || id == resource_id)) {
        state
            .metrics
            .operation_log_records
            .with_label_values(&["carried"])
            .inc();
        return;
    }
    let record = draft.record(
        Ending {
            status,
            resource_id,
            error,
        },
        None,
    );
    let actor = domain::Actor::new(
        record
            .user_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| "anonymous".to_owned()),
        record.username.clone().unwrap_or_default(),
        Vec::new(),
    );
    let metadata = CommandMetadata::for_request(&actor, &draft.request_id, correlation_id);
    state.operation_log.log(record, metadata).await;
}
