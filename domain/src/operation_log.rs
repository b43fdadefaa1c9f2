//! The operation log's facts (ADR 0017): what one `/api/v1` request was and how it ended, as an
//! [`OperationRecord`]. An accepted command carries its request's record in its events' metadata
//! (no extra write); every other request (refused, read, or answered otherwise than its command
//! said) gets a `RequestLogged` event on a stream of its own, of type [`REQUEST_LOG`], whose id is
//! the record's `operationId`. Request bodies in a record are already redacted: no password and
//! no secret value ever reaches one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The stream type of the `RequestLogged` events (one stream per request, one event each).
pub const REQUEST_LOG: &str = "request_log";

/// One request to the container platform's API and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationRecord {
    /// Unique per request; the row's `operation_id`.
    pub operation_id: Uuid,
    /// The `X-Request-Id` the request had or was given.
    pub request_id: String,
    /// The platform user's id; `None` when unauthenticated or not a platform user.
    pub user_id: Option<i64>,
    pub username: Option<String>,
    /// `create`, `update`, `delete`, `list`, `get`, `login`, or an action's verb (`lock`, `reveal`...).
    pub action: String,
    /// `user`, `role`, `role_binding`, `namespace`, `config_map`, `secret`, `api_key`, ...
    pub resource_type: String,
    pub resource_id: Option<i64>,
    pub resource_name: Option<String>,
    pub namespace_id: Option<i64>,
    pub method: String,
    pub path: String,
    /// The JSON body with passwords and secret values replaced by `"[REDACTED]"`; a note instead
    /// when the body was not JSON or too large to keep.
    pub request_body: Option<Value>,
    /// A few request headers (never `Authorization` or cookies).
    pub request_headers: Value,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub status_code: u16,
    pub duration_ms: i32,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub started_at: DateTime<Utc>,
    pub completed_at: DateTime<Utc>,
}

/// The event of a request-log stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RequestLogEvent {
    RequestLogged(OperationRecord),
}

crate::wire_names!(RequestLogEvent => RequestLogEventKind {
    RequestLogged = "1",
});

/// What the value of a redacted field becomes.
pub const REDACTED: &str = "[REDACTED]";

/// Field names whose values are never recorded, anywhere in a body (compared without case).
const SENSITIVE_FIELDS: &[&str] = &[
    "password",
    "currentpassword",
    "newpassword",
    "oldpassword",
    "token",
    "accesstoken",
    "refreshtoken",
    "apikey",
    "privatekey",
    "secret",
];

/// `body` with every sensitive field's value redacted; with `secret_values`, also every value
/// under `data` and `stringData` (a secret's keys stay visible, its values do not).
pub fn redact(body: &mut Value, secret_values: bool) {
    match body {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let lower = key.to_ascii_lowercase();
                if SENSITIVE_FIELDS.contains(&lower.as_str()) {
                    *value = Value::String(REDACTED.to_owned());
                } else if secret_values && (lower == "data" || lower == "stringdata") {
                    redact_values(value);
                } else {
                    redact(value, secret_values);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| redact(item, secret_values)),
        _ => {}
    }
}

fn redact_values(value: &mut Value) {
    match value {
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| *v = Value::String(REDACTED.to_owned())),
        other => *other = Value::String(REDACTED.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn passwords_are_redacted_at_any_depth_and_in_any_case() {
        let mut body = json!({
            "username": "ann",
            "Password": "s3cret",
            "nested": [{"newPassword": "x", "keep": 1}],
        });
        redact(&mut body, false);
        assert_eq!(
            body,
            json!({"username": "ann", "Password": REDACTED, "nested": [{"newPassword": REDACTED, "keep": 1}]})
        );
    }

    #[test]
    fn secret_values_are_redacted_and_their_keys_kept() {
        let mut body = json!({"name": "db", "type": "Opaque", "data": {"user": "a", "pass": "b"}});
        redact(&mut body, true);
        assert_eq!(
            body,
            json!({"name": "db", "type": "Opaque", "data": {"user": REDACTED, "pass": REDACTED}})
        );
        let mut config = json!({"name": "cfg", "data": {"level": "debug"}});
        redact(&mut config, false);
        assert_eq!(config, json!({"name": "cfg", "data": {"level": "debug"}}));
    }

    #[test]
    fn a_record_keeps_its_wire_name() {
        let kind = RequestLogEventKind::RequestLogged;
        assert_eq!((kind.name(), kind.version()), ("RequestLogged", "1"));
    }
}
