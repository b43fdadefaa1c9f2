//! Request middleware: a request id (taken from `X-Request-Id` or generated, echoed back), the
//! request context that error bodies and command metadata read (with the operation-log draft of
//! a container-platform request), access logs and HTTP metrics;
//! and the body deadline: a request must send its body within a bound, in all and between two
//! chunks, or it is answered 408 (a body trickling in cannot hold a connection forever).

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use actix_web::HttpMessage;

use futures_util::StreamExt;

use crate::audit::draft::AuditDraft;
use crate::metrics::Metrics;
use crate::request_context::RequestInfo;

/// How long a request may take to send its body.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeouts {
    /// The whole body.
    pub total: Duration,
    /// Between two chunks.
    pub idle: Duration,
}

/// The message of a body that did not arrive in time (an I/O error of kind `TimedOut`).
pub const BODY_TIMEOUT: &str = "the request body was not received in time";

/// Whether an extractor's error is the body deadline passing.
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return true;
            }
        }
        current = error.source();
    }
    false
}

/// Puts the body deadline ([`BodyTimeouts`] in the app data) on the request's payload.
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(timeouts) = req
        .app_data::<web::Data<BodyTimeouts>>()
        .map(|t| *t.get_ref())
    {
        let payload = req.take_payload();
        let deadline = tokio::time::Instant::now() + timeouts.total;
        let timed = futures_util::stream::unfold(Some(payload), move |payload| async move {
            let mut payload = payload?;
            let wait = (tokio::time::Instant::now() + timeouts.idle).min(deadline);
            match tokio::time::timeout_at(wait, payload.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(payload))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(actix_web::error::PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        BODY_TIMEOUT,
                    ))),
                    None,
                )),
            }
        });
        let boxed: std::pin::Pin<
            Box<
                dyn futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>>,
            >,
        > = Box::pin(timed.fuse());
        req.set_payload(actix_web::dev::Payload::from(boxed));
    }
    next.call(req).await
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn header(req: &ServiceRequest, name: &str) -> Option<String> {
    let value = req.headers().get(name)?.to_str().ok()?;
    let ok = !value.is_empty() && value.len() <= 128 && value.chars().all(|c| c.is_ascii_graphic());
    ok.then(|| value.to_owned())
}

/// Wraps every request: context, logs, metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id =
        header(&req, "x-request-id").unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let info = RequestInfo {
        audit: AuditDraft::of(&req, &request_id),
        request_id: request_id.clone(),
        correlation_id: header(&req, "x-correlation-id"),
        path: req.path().to_owned(),
    };
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let mut response = info.scope(next.call(req)).await?;
    let matched = response.request().match_pattern();
    let status = response.status();
    let route = matched.unwrap_or_else(|| "unmatched".into());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let elapsed = started.elapsed();
    if let Some(metrics) = metrics {
        metrics
            .http_requests
            .with_label_values(&[&method, &route, status.as_str()])
            .inc();
        metrics
            .http_duration
            .with_label_values(&[&method, &route])
            .observe(elapsed.as_secs_f64());
    }
    tracing::debug!(%method, %route, status = status.as_u16(), micros = elapsed.as_micros() as u64, %request_id, "request");
    Ok(response)
}
