//! What every command endpoint shares: the application state, executing a command with its
//! metadata and metrics, read-your-writes waits and the headers that report the log position.

use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderMap};
use actix_web::HttpRequest;
use commands::{CommandExecutor, CommandMetadata, CommandOptions, IdempotencyRequest, LogPosition};
use db::Pool;
use domain::Actor;
use projections::ProjectionRuntime;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorCode};
use crate::metrics::Metrics;
use crate::middleware::RequestInfo;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub executor: CommandExecutor,
    pub runtime: ProjectionRuntime,
    pub metrics: Metrics,
    pub read_your_writes_timeout: Duration,
    /// The content-addressed file store.
    pub files: crate::files::FileStore,
    /// The runtime that owns the database connections. Handlers run on actix's per-worker
    /// runtimes; database work is sent here, so a connection's I/O is never driven by another
    /// worker's (possibly busy) runtime.
    pub database_runtime: tokio::runtime::Handle,
    /// Seals passwords before they reach a command.
    pub secrets: crate::secrets::SecretBox,
    /// The LCM controllers (simulated or real).
    pub lcm: crate::lcm::LcmAdapter,
    /// The workflow runner of long-running operations.
    pub workflows: crate::workflows::Workflows,
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

    /// Runs `work` (database work) on the database runtime and returns its result.
    pub async fn offload<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: std::future::Future<Output = Result<T, ApiError>> + Send + 'static,
        T: Send + 'static,
    {
        self.database_runtime
            .spawn(work)
            .await
            .unwrap_or_else(|e| Err(ApiError::internal(&format!("request task failed: {e}"))))
    }

    /// Loads an aggregate's current state from its events (for checks a handler makes before a
    /// command, and for commands on several aggregates).
    pub async fn load<A: cqrs_es::Aggregate>(&self, id: &str) -> Result<A, ApiError> {
        self.executor
            .store()
            .load::<A>(id)
            .await
            .map(|(aggregate, _)| aggregate)
            .map_err(|e| ApiError::internal(&format!("cannot load {} {id}: {e:?}", A::TYPE)))
    }

    /// Records a command's latency.
    pub fn observe_command(&self, aggregate: &str, command: &str, outcome: &str, started: Instant) {
        self.metrics
            .command_duration
            .with_label_values(&[aggregate, command, outcome])
            .observe(started.elapsed().as_secs_f64());
    }
}

/// The position a query's `X-Edgedev-Position` header asks to see, if any.
pub fn requested_position(req: &HttpRequest) -> Result<Option<LogPosition>, ApiError> {
    let Some(value) = req.headers().get(POSITION_HEADER) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(parse_position)
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidPosition,
                "X-Edgedev-Position must be '<transaction id>:<position>'",
            )
        })
}

/// A response computed off the HTTP worker (`HttpResponse` itself cannot cross runtimes).
#[derive(Debug)]
pub struct Reply {
    pub status: actix_web::http::StatusCode,
    pub headers: Vec<(&'static str, String)>,
    pub body: serde_json::Value,
}

impl Reply {
    pub fn into_response(self) -> actix_web::HttpResponse {
        let mut builder = actix_web::HttpResponse::build(self.status);
        for header in self.headers {
            builder.insert_header(header);
        }
        builder.json(self.body)
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

/// The position and version headers of a command response.
pub fn command_headers(position: Option<LogPosition>, version: i64) -> Vec<(&'static str, String)> {
    let mut headers = vec![("etag", format!("\"{version}\""))];
    if let Some(position) = position {
        headers.push((POSITION_HEADER, position_value(position)));
    }
    headers
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
                ApiError::new(
                    ErrorCode::InvalidIfMatch,
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
                return Err(ApiError::new(
                    ErrorCode::InvalidIdempotencyKey,
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

/// How a command endpoint answers: its metric names, the read models it waits for, the success
/// status and an optional `Location`.
pub struct Answer<'a> {
    pub aggregate: &'static str,
    pub command: &'static str,
    pub read_models: &'a [&'a str],
    pub success: actix_web::http::StatusCode,
    pub location: Option<String>,
}

/// Runs one command on aggregate `A`, waits for `answer.read_models`, and renders the reply with
/// `render` (also recorded for an idempotency key); rejections go through `map_error`.
#[allow(clippy::too_many_arguments)]
pub async fn run_command<A, R, E>(
    state: &AppState,
    id: &str,
    command: A::Command,
    metadata: CommandMetadata,
    options: CommandOptions,
    answer: Answer<'_>,
    render: R,
    map_error: E,
) -> Result<Reply, ApiError>
where
    A: cqrs_es::Aggregate<Services = ()> + domain::uniqueness::HoldsUniqueKeys,
    A::Command: Clone,
    R: Fn(&A) -> serde_json::Value,
    E: Fn(commands::CommandError<A::Error>) -> ApiError,
{
    use actix_web::http::StatusCode;
    let started = Instant::now();
    let success = answer.success;
    let result = state
        .executor
        .execute::<A, _>(id, command, &(), &metadata, &options, |aggregate, _| {
            commands::StoredResponse {
                status: success.as_u16(),
                body: render(aggregate),
            }
        })
        .await;
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            state.observe_command(answer.aggregate, answer.command, "rejected", started);
            return Err(map_error(error));
        }
    };
    state.observe_command(answer.aggregate, answer.command, "ok", started);
    match outcome {
        commands::Outcome::Replayed(stored) => Ok(Reply {
            status: StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
            headers: vec![("idempotent-replayed", "true".to_owned())],
            body: stored.body,
        }),
        commands::Outcome::Executed(executed) => {
            let visible = match executed.position {
                Some(position) => state.wait_visible(answer.read_models, position).await,
                None => true,
            };
            if !visible {
                tracing::warn!(position = ?executed.position, "read model did not catch up within the bound");
            }
            let mut headers = command_headers(executed.position, executed.version);
            if let Some(location) = answer.location {
                headers.push(("location", location));
            }
            Ok(Reply {
                status: if visible {
                    success
                } else {
                    StatusCode::ACCEPTED
                },
                headers,
                body: executed
                    .response
                    .map_or_else(|| render(&executed.aggregate), |r| r.body),
            })
        }
    }
}
