//! The operation log of the container platform's API (ADR 0017). Every `/api/v1` request that
//! reaches a handler gets an [`AuditDraft`] (opened by `middleware::observe`), which the JSON
//! extractor gives the body and `Access::resolve` the caller. A command the request runs carries
//! the request's record in its events' metadata ([`carry`]): an accepted request costs no extra
//! write. When the answer is not what a command carried (a refusal, a read, a replay, an answer
//! that changed after the command), [`record`] hands the final record to the
//! [`writer::OperationLogWriter`] and the answer waits until it is durable.

pub mod describe;
pub mod draft;
pub mod writer;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use commands::CommandMetadata;

pub use draft::{AuditDraft, CallerNote, Ending};

use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::request_context::RequestInfo;
use writer::OperationLogWriter;

/// The current request's draft, if it is a container-platform request.
pub fn current() -> Option<Arc<AuditDraft>> {
    RequestInfo::current().and_then(|info| info.audit)
}

/// Notes the body the JSON extractor read.
pub fn note_body(bytes: &Bytes) {
    if let Some(draft) = current() {
        draft.note_body(bytes);
    }
}

/// Notes who the caller is.
pub fn note_caller(caller: CallerNote) {
    if let Some(draft) = current() {
        draft.note_caller(caller);
    }
}

/// A command's metadata with the current request's record in it, and what to note once the
/// command's events are written ([`Carried::written`]).
pub struct Carried {
    pub metadata: CommandMetadata,
    draft: Arc<AuditDraft>,
    status: u16,
    resource_id: Option<i64>,
}

impl Carried {
    /// Notes on the draft that the command's events carried the record.
    pub fn written(&self) {
        self.draft.note_carried(self.status, self.resource_id);
    }
}

/// For a container-platform request: `metadata` with the request's record in it, for a command
/// that, if it succeeds, is answered with `success` (and a `Location` naming what it created).
/// `None` (nothing copied) for any other request.
pub fn carry(metadata: &CommandMetadata, success: u16, location: Option<&str>) -> Option<Carried> {
    let draft = current()?;
    let resource_id = location.and_then(id_in_location);
    let ending = Ending {
        status: success,
        resource_id,
        error: None,
    };
    let mut metadata = metadata.clone();
    metadata.operation_log = Some(Box::new(draft.record(ending, Some(&metadata))));
    Some(Carried {
        metadata,
        draft,
        status: success,
        resource_id,
    })
}

fn id_in_location(location: &str) -> Option<i64> {
    location.rsplit('/').next()?.parse().ok()
}

/// Middleware (inside `middleware::observe`): once a container-platform request that reached an
/// endpoint is answered, records how it ended, unless a command's events already carried
/// exactly that; the answer leaves once the record is durable.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let draft = current();
    let writer = req.app_data::<web::Data<OperationLogWriter>>().cloned();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let response = next.call(req).await?;
    let reached = response.request().match_pattern().is_some()
        && response.status() != StatusCode::METHOD_NOT_ALLOWED;
    if let (Some(draft), Some(writer), Some(metrics), true) = (draft, writer, metrics, reached) {
        let location = response
            .headers()
            .get(actix_web::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let error = response
            .response()
            .error()
            .and_then(|e| e.as_error::<ApiError>())
            .map(|e| (e.code.as_str(), e.message.as_str()));
        let status = response.status().as_u16();
        finish(
            &writer,
            &metrics,
            &draft,
            status,
            location.as_deref(),
            error,
        )
        .await;
    }
    Ok(response)
}

async fn finish(
    writer: &OperationLogWriter,
    metrics: &Metrics,
    draft: &AuditDraft,
    status: u16,
    location: Option<&str>,
    error: Option<(&str, &str)>,
) {
    let resource_id = location.and_then(id_in_location);
    let carried = draft.carried();
    if carried.is_some_and(|(s, id)| s == status && (resource_id.is_none() || id == resource_id)) {
        metrics
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
    let correlation = RequestInfo::current().and_then(|info| info.correlation_id);
    let metadata = CommandMetadata::for_request(&actor, draft.request_id(), correlation.as_deref());
    writer.log(record, metadata).await;
}
