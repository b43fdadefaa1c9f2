//! Metadata recorded on every event (DESIGN.md §3): the actor, request and correlation ids, the
//! operation, the client's idempotency key and the request's operation-log record where they
//! apply.

use domain::operation_log::OperationRecord;
use domain::Actor;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandMetadata {
    pub user_id: String,
    pub user_name: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub request_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub idempotency_key: Option<String>,
    /// The operation-log record of the request that caused the command (ADR 0017), on
    /// container-platform commands.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operation_log: Option<Box<OperationRecord>>,
}

impl CommandMetadata {
    /// Metadata for a command caused directly by a request: the request is its own cause, and
    /// starts a correlation unless the caller sent one.
    pub fn for_request(actor: &Actor, request_id: &str, correlation_id: Option<&str>) -> Self {
        Self {
            user_id: actor.user_id.clone(),
            user_name: actor.user_name.clone(),
            correlation_id: correlation_id.unwrap_or(request_id).to_owned(),
            causation_id: request_id.to_owned(),
            request_id: request_id.to_owned(),
            operation_id: None,
            idempotency_key: None,
            operation_log: None,
        }
    }

    /// Metadata for a command issued by edgedev itself (a workflow step, a tool).
    pub fn system(actor: &Actor) -> Self {
        let id = Uuid::new_v4().to_string();
        Self::for_request(actor, &id, None)
    }
}
