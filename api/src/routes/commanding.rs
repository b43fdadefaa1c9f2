//! The one command path every endpoint takes: a [`CommandEndpoint`] per aggregate, a
//! [`CommandRequest`], [`run_command`] (execute, record latency, wait for the aggregate's read
//! models, render) and [`command_error`]; plus the headers that report the log position, and the
//! command options read from `If-Match` and `Idempotency-Key`.

use std::time::Instant;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::HttpRequest;
use commands::{
    CommandError, CommandMetadata, CommandOptions, Executed, IdempotencyRequest, LogPosition,
    Outcome, StoredResponse,
};
use domain::uniqueness::HoldsUniqueKeys;
use domain::Actor;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorCode};
use crate::request_context::RequestInfo;
pub use crate::state::AppState;

/// Header that reports where a command's events landed, and that queries may send to wait for.
pub const POSITION_HEADER: &str = "x-edgedev-position";

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
    /// Whether this is the stored answer of an earlier request with the same idempotency key.
    pub fn replayed(&self) -> bool {
        self.headers
            .iter()
            .any(|(name, _)| *name == "idempotent-replayed")
    }

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

/// The bytes of a JSON body as a request's fingerprint input.
pub fn json_bytes<T: serde::Serialize>(body: &T) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_default()
}

/// The headers every command endpoint reads (through [`options`]), for the API document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct CommandHeaders {
    /// A retry with the same key (same user, method, path and body) answers the first result;
    /// the key on another request answers 422.
    #[param(rename = "Idempotency-Key")]
    idempotency_key: Option<String>,
    /// The version (as `ETag` gave it) the change expects; another version answers 412.
    #[param(rename = "If-Match")]
    if_match: Option<String>,
}

/// `Idempotency-Key`: 1-255 visible ASCII characters (inner spaces allowed).
pub const MAX_IDEMPOTENCY_KEY: usize = 255;
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]([\\t -~]*[!-~])?$";
/// `If-Match`: a version as `ETag` gives it, quoted or not, optionally weak.
pub const IF_MATCH_PATTERN: &str = "^(W/)?\"?[0-9]{1,18}\"?$";

/// Reads `If-Match` (a version, quoted or not) and `Idempotency-Key` into command options. The
/// key's fingerprint covers the method, the path and `body`, so a key reused for another request
/// (another resource, another method, another body) is caught (422), never answered with the
/// first request's result.
pub fn options(req: &HttpRequest, body: &[u8]) -> Result<CommandOptions, ApiError> {
    let headers = req.headers();
    let expected_version = match headers.get(header::IF_MATCH) {
        None => None,
        Some(value) => {
            let text = value
                .to_str()
                .unwrap_or_default()
                .trim()
                .trim_start_matches("W/")
                .trim_matches('"');
            let digits = !text.is_empty() && text.len() <= 18;
            Some(
                text.parse::<i64>()
                    .ok()
                    .filter(|v| digits && *v >= 0 && !text.starts_with('+'))
                    .ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::InvalidIfMatch,
                            "If-Match must be a version number as given in ETag",
                        )
                    })?,
            )
        }
    };
    let idempotency = match headers.get("idempotency-key") {
        None => None,
        Some(value) => {
            let key = value.to_str().unwrap_or_default().trim();
            if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
                return Err(ApiError::new(
                    ErrorCode::InvalidIdempotencyKey,
                    "Idempotency-Key must be 1-255 visible characters",
                ));
            }
            let mut hasher = Sha256::new();
            hasher.update(req.method().as_str().as_bytes());
            hasher.update(b" ");
            hasher.update(req.path().as_bytes());
            hasher.update(b"\n");
            hasher.update(body);
            let fingerprint = hasher
                .finalize()
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
        new_stream: false,
    })
}

/// What the HTTP layer knows about an aggregate to run its commands: its name (the aggregate
/// type), how each command is named in metrics, and how its own rejections and a taken unique key
/// answer. The read models a response waits for are those that read the aggregate's events
/// ([`AppState::readers_of`]). One impl per aggregate, beside its routes.
pub trait CommandEndpoint:
    cqrs_es::Aggregate<Services = (), Command: Clone + Send> + HoldsUniqueKeys + Send + Sync + 'static
{
    /// The command's name, for metrics.
    fn command_name(command: &Self::Command) -> &'static str;

    /// The answer to one of the aggregate's own rejections.
    fn rejection(error: Self::Error) -> ApiError;

    /// The answer when a unique key (of `scope`) the command claims is held by another aggregate.
    fn duplicate(scope: &'static str) -> ApiError {
        ApiError::new(
            ErrorCode::Duplicate,
            format!("the value of {scope} is already taken"),
        )
    }
}

/// The answer to any failed command on `A`: its own rejections and taken keys as `A` says, the
/// rest the same for every aggregate.
pub fn command_error<A: CommandEndpoint>(error: CommandError<A::Error>) -> ApiError {
    match error {
        CommandError::Rejected(rejection) => A::rejection(rejection),
        CommandError::Duplicate { scope } => A::duplicate(scope),
        CommandError::VersionMismatch { expected, actual } => ApiError::new(
            ErrorCode::VersionMismatch,
            format!("the resource is at version {actual}, not {expected} (If-Match)"),
        ),
        CommandError::Conflict => {
            ApiError::new(ErrorCode::ConcurrentModification, error.to_string())
        }
        CommandError::IdempotencyKeyReused => {
            ApiError::new(ErrorCode::IdempotencyKeyReused, error.to_string())
        }
        CommandError::Decode(detail) => ApiError::internal(&detail),
        CommandError::Database(e) => ApiError::database(&e),
    }
}

/// One command to run: the aggregate's id, the command with its metadata and options, and the
/// status (and `Location`) of a successful answer.
pub struct CommandRequest<A: cqrs_es::Aggregate> {
    pub id: String,
    pub command: A::Command,
    pub metadata: CommandMetadata,
    pub options: CommandOptions,
    pub success: StatusCode,
    pub location: Option<String>,
}

impl<A: cqrs_es::Aggregate> CommandRequest<A> {
    /// A command answered with `success`, with no `If-Match` or `Idempotency-Key`.
    pub fn new(id: impl Into<String>, command: A::Command, metadata: CommandMetadata) -> Self {
        Self {
            id: id.into(),
            command,
            metadata,
            options: CommandOptions::default(),
            success: StatusCode::OK,
            location: None,
        }
    }

    pub fn with_options(mut self, options: CommandOptions) -> Self {
        self.options = options;
        self
    }

    pub fn answered_with(mut self, success: StatusCode, location: Option<String>) -> Self {
        self.success = success;
        self.location = location;
        self
    }
}

/// What a command did, once its read models show it (or the wait bound passed).
pub enum Ran<A> {
    /// It ran now; `visible` says whether the read models caught up within the bound.
    Executed {
        executed: Executed<A>,
        visible: bool,
    },
    /// A retry with the same idempotency key: the first answer.
    Replayed(StoredResponse),
}

/// Runs one command on `A`: executes it (recording `render`'s answer for an idempotency key),
/// records its latency, and waits until the read models of `A` show it.
pub async fn execute_command<A, R>(
    state: &AppState,
    request: &CommandRequest<A>,
    render: R,
) -> Result<Ran<A>, ApiError>
where
    A: CommandEndpoint,
    R: Fn(&A) -> serde_json::Value,
{
    let started = Instant::now();
    let name = A::command_name(&request.command);
    let success = request.success;
    let carried = crate::audit::carry(
        &request.metadata,
        success.as_u16(),
        request.location.as_deref(),
    );
    let metadata = carried.as_ref().map_or(&request.metadata, |c| &c.metadata);
    let result = state
        .executor
        .execute::<A, _>(
            &request.id,
            request.command.clone(),
            &(),
            metadata,
            &request.options,
            |aggregate, _| StoredResponse {
                status: success.as_u16(),
                body: render(aggregate),
            },
        )
        .await;
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            state.observe_command(A::TYPE, name, "rejected", started);
            return Err(command_error::<A>(error));
        }
    };
    state.observe_command(A::TYPE, name, "ok", started);
    match outcome {
        Outcome::Replayed(stored) => Ok(Ran::Replayed(stored)),
        Outcome::Executed(executed) => {
            if let (Some(carried), Some(_)) = (&carried, executed.position) {
                carried.written();
            }
            let visible = match executed.position {
                Some(position) => {
                    state
                        .wait_visible(&state.readers_of(A::TYPE), position)
                        .await
                }
                None => true,
            };
            if !visible {
                tracing::warn!(position = ?executed.position, "read model did not catch up within the bound");
            }
            Ok(Ran::Executed { executed, visible })
        }
    }
}

/// Runs `command` on the aggregate whose stream id is the integer `id` (the container platform's
/// aggregates, ADR 0015), caused by the current request of `actor` and answered as `answer` says
/// (status, `Location`) with `render`'s body.
pub async fn run_on<A, R>(
    state: &AppState,
    actor: &Actor,
    id: i64,
    command: A::Command,
    options: CommandOptions,
    answer: (StatusCode, Option<String>),
    render: R,
) -> Result<Reply, ApiError>
where
    A: CommandEndpoint,
    R: Fn(&A) -> serde_json::Value,
{
    let request = CommandRequest::<A>::new(id.to_string(), command, metadata(actor, None))
        .with_options(options)
        .answered_with(answer.0, answer.1);
    run_command(state, request, render).await
}

/// Runs one command on `A` and renders its reply: `render`'s body with the position and version
/// headers, 202 when the read models did not catch up in time, the first answer for a retry.
/// The stored answer of an earlier request with this request's idempotency key: for handlers
/// that call outside systems before their command, so a repeated request does not call again.
pub async fn replay<A: CommandEndpoint>(
    state: &AppState,
    actor: &Actor,
    options: &CommandOptions,
) -> Result<Option<Reply>, ApiError> {
    let Some(request) = &options.idempotency else {
        return Ok(None);
    };
    let stored = state
        .executor
        .stored_response::<A::Error>(&actor.user_id, request)
        .await
        .map_err(command_error::<A>)?;
    Ok(stored.map(|stored| Reply {
        status: StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
        headers: vec![("idempotent-replayed", "true".to_owned())],
        body: stored.body,
    }))
}

pub async fn run_command<A, R>(
    state: &AppState,
    request: CommandRequest<A>,
    render: R,
) -> Result<Reply, ApiError>
where
    A: CommandEndpoint,
    R: Fn(&A) -> serde_json::Value,
{
    match execute_command(state, &request, &render).await? {
        Ran::Replayed(stored) => Ok(Reply {
            status: StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
            headers: vec![("idempotent-replayed", "true".to_owned())],
            body: stored.body,
        }),
        Ran::Executed { executed, visible } => {
            let mut headers = command_headers(executed.position, executed.version);
            if let Some(location) = request.location {
                headers.push(("location", location));
            }
            Ok(Reply {
                status: if visible {
                    request.success
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
