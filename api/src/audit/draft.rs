//! The operation-log draft of one `/api/v1` request (ADR 0017): what the request is, what its
//! handling learnt (body, caller, what a command carried), and the record it makes when it ends,
//! with its body redacted.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::dev::ServiceRequest;
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use commands::CommandMetadata;
use domain::operation_log::{redact, OperationRecord};
use serde_json::{json, Value};
use uuid::Uuid;

/// Bodies larger than this are noted by size, not kept.
const MAX_KEPT_BODY: usize = 64 * 1024;
/// `/api/v1` paths of the developer platform's own tooling (projection status and rebuilds,
/// operation cancels, simulators): not the container platform's API, not in its operation log.
const NOT_LOGGED: &[&str] = &[
    "/api/v1/projections",
    "/api/v1/operations",
    "/api/v1/simulators",
    // Telemetry ingest: samples, not anyone's operation (ADR 0019).
    "/api/v1/metrics",
];
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
    /// The error's code and message, when it failed.
    pub error: Option<(&'a str, &'a str)>,
}

impl AuditDraft {
    /// The draft of `req` when it is a container-platform request.
    pub fn of(req: &ServiceRequest, request_id: &str) -> Option<Arc<AuditDraft>> {
        let path = req.path();
        if !path.starts_with("/api/v1/") || NOT_LOGGED.iter().any(|p| path.starts_with(p)) {
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

    /// The request id the draft was opened with.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Keeps the body the JSON extractor read (small enough ones; the size of any).
    pub fn note_body(&self, bytes: &Bytes) {
        let mut notes = self.notes();
        notes.body_len = bytes.len();
        notes.body = (bytes.len() <= MAX_KEPT_BODY).then(|| bytes.clone());
    }

    /// Notes who the caller is.
    pub fn note_caller(&self, caller: CallerNote) {
        self.notes().caller = Some(caller);
    }

    /// Notes that a command's events carried the record with this status and resource id.
    pub fn note_carried(&self, status: u16, resource_id: Option<i64>) {
        self.notes().carried = Some((status, resource_id));
    }

    /// What the last command that carried the record said: status and resource id.
    pub fn carried(&self) -> Option<(u16, Option<i64>)> {
        self.notes().carried
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
        let described = super::describe::describe(&self.method, &self.path);
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
            error_code: ending.error.map(|(code, _)| code.to_owned()),
            error_message: ending.error.map(|(_, message)| bounded(message, 2000)),
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
            tame_numbers(&mut value);
            Some(value)
        }
        Err(_) => Some(
            json!({ "omitted": format!("a body of {} bytes that is not JSON", notes.body_len) }),
        ),
    }
}

/// Writes numbers at the edges of a double as text: `jsonb` keeps them exactly and writes them
/// back as digit strings hundreds of digits long, which JSON readers that parse into doubles
/// (the projection among them) refuse as out of range.
fn tame_numbers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(x) = number.as_f64().filter(|_| number.is_f64()) {
                if x.abs() > 1e300 || (x != 0.0 && x.abs() < 1e-300) {
                    *value = Value::String(number.to_string());
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tame_numbers),
        Value::Object(map) => map.values_mut().for_each(tame_numbers),
        _ => {}
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
