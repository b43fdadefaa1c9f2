//! What every command endpoint shares: the application state, executing a command with its
//! metadata and metrics, read-your-writes waits and the headers that report the log position.

use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, HttpResponseBuilder};
use commands::{CommandExecutor, CommandMetadata, CommandOptions, IdempotencyRequest, LogPosition};
use domain::Actor;
use projections::ProjectionRuntime;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::middleware::RequestInfo;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub executor: CommandExecutor,
    pub runtime: ProjectionRuntime,
    pub metrics: Metrics,
    pub read_your_writes_timeout: Duration,
}

/// Header that reports where a command's events landed, and that queries may send to wait for.
pub const POSITION_HEADER: &str = "x-edgedev-position";

impl AppState {
    /// Waits until `names` have applied `position`; false when the bound passed first.
    pub async fn wait_visible(&self, names: &[&str], position: LogPosition) -> bool {
        self.runtime
            .board()
            .wait_for(
                names,
                (position.txid, position.position),
                self.read_your_writes_timeout,
            )
            .await
    }

    /// Honours a query's `X-Edgedev-Position` header: waits (bounded) until `names` passed it.
    pub async fn wait_for_requested(
        &self,
        req: &HttpRequest,
        names: &[&str],
    ) -> Result<(), ApiError> {
        let Some(value) = req.headers().get(POSITION_HEADER) else {
            return Ok(());
        };
        let position = value
            .to_str()
            .ok()
            .and_then(parse_position)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "INVALID_POSITION",
                    "X-Edgedev-Position must be '<transaction id>:<position>'",
                )
            })?;
        self.wait_visible(names, position).await;
        Ok(())
    }

    /// Records a command's latency.
    pub fn observe_command(&self, aggregate: &str, command: &str, outcome: &str, started: Instant) {
        self.metrics
            .command_duration
            .with_label_values(&[aggregate, command, outcome])
            .observe(started.elapsed().as_secs_f64());
    }
}

fn parse_position(text: &str) -> Option<LogPosition> {
    let (txid, position) = text.split_once(':')?;
    Some(LogPosition {
        txid: txid.trim().parse().ok()?,
        position: position.trim().parse().ok()?,
    })
}

/// Renders a log position for the header.
pub fn position_value(position: LogPosition) -> String {
    format!("{}:{}", position.txid, position.position)
}

/// Adds the position and version headers of a command response.
pub fn command_headers(
    builder: &mut HttpResponseBuilder,
    position: Option<LogPosition>,
    version: i64,
) {
    if let Some(position) = position {
        builder.insert_header((POSITION_HEADER, position_value(position)));
    }
    builder.insert_header((header::ETAG, format!("\"{version}\"")));
}

/// Metadata of a command caused by the current request.
pub fn metadata(actor: &Actor, idempotency_key: Option<&str>) -> CommandMetadata {
    let info = RequestInfo::current();
    let request_id = info.as_ref().map_or_else(
        || uuid::Uuid::new_v4().to_string(),
        |i| i.request_id.clone(),
    );
    let correlation = info.as_ref().and_then(|i| i.correlation_id.as_deref());
    let mut metadata = CommandMetadata::for_request(actor, &request_id, correlation);
    metadata.idempotency_key = idempotency_key.map(str::to_owned);
    metadata
}

/// Reads `If-Match` (a version, quoted or not) and `Idempotency-Key` into command options.
/// `fingerprint_input` identifies the request, so a key reused for another request is caught.
pub fn options(headers: &HeaderMap, fingerprint_input: &[u8]) -> Result<CommandOptions, ApiError> {
    let expected_version = match headers.get(header::IF_MATCH) {
        None => None,
        Some(value) => {
            let text = value
                .to_str()
                .unwrap_or_default()
                .trim()
                .trim_start_matches("W/")
                .trim_matches('"');
            Some(text.parse::<i64>().map_err(|_| {
                ApiError::bad_request(
                    "INVALID_IF_MATCH",
                    "If-Match must be a version number as given in ETag",
                )
            })?)
        }
    };
    let idempotency = match headers.get("idempotency-key") {
        None => None,
        Some(value) => {
            let key = value.to_str().unwrap_or_default().trim();
            if key.is_empty() || key.len() > 255 {
                return Err(ApiError::bad_request(
                    "INVALID_IDEMPOTENCY_KEY",
                    "Idempotency-Key must be 1-255 visible characters",
                ));
            }
            let fingerprint = Sha256::digest(fingerprint_input)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Some(IdempotencyRequest {
                key: key.to_owned(),
                fingerprint,
            })
        }
    };
    Ok(CommandOptions {
        expected_version,
        idempotency,
    })
}
