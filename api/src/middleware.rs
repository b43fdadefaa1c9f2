//! Request middleware: a request id (taken from `X-Request-Id` or generated, echoed back), the
//! request context that error bodies and command metadata read, access logs and HTTP metrics.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::metrics::Metrics;

/// What the current request is, available anywhere in its handling.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub request_id: String,
    pub correlation_id: Option<String>,
    pub path: String,
}

tokio::task_local! {
    static REQUEST: RequestInfo;
}

impl RequestInfo {
    /// The request being handled by the current task, if any.
    pub fn current() -> Option<RequestInfo> {
        REQUEST.try_with(Clone::clone).ok()
    }
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
    let info = RequestInfo {
        request_id: header(&req, "x-request-id")
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        correlation_id: header(&req, "x-correlation-id"),
        path: req.path().to_owned(),
    };
    let request_id = info.request_id.clone();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let mut response = REQUEST.scope(info, next.call(req)).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let status = response.status();
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
