//! `/api/v1/projections`: status and lag of every projection; rebuild and resume (admins).

use actix_web::{web, HttpResponse};
use projections::ProjectionStatus;
use serde_json::json;

use super::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/projections").get(list))
        .service(web::resource("/api/v1/projections/{name}/rebuild").post(rebuild))
        .service(web::resource("/api/v1/projections/{name}/resume").post(resume));
}

/// Every projection: checkpoint, lag in events and seconds, status and last error.
#[utoipa::path(
    get, path = "/api/v1/projections", tag = "operations",
    responses((status = 200, body = Vec<ProjectionStatusDto>), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>, _caller: Caller) -> Result<HttpResponse, ApiError> {
    let statuses = state.runtime.status().await?;
    state.metrics.observe_projections(&statuses);
    let body: Vec<ProjectionStatusDto> = statuses.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// How a rebuild runs.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RebuildQuery {
    /// Rebuild into a schema of its own while the live tables keep answering, and swap the
    /// result in at the head in one transaction (queries never see a partial read model).
    pub blue_green: Option<bool>,
}

/// Rebuild a projection from the start of the log. In place (the default), its tables are
/// emptied and refilled while the server keeps running (queries see partial results until it
/// has caught up); with `blueGreen=true` the live tables answer in full until the rebuilt ones
/// replace them (`GET /api/v1/projections` shows the progress). Either answers 409 while a
/// blue-green rebuild of the projection runs.
#[utoipa::path(
    post, path = "/api/v1/projections/{name}/rebuild", tag = "operations",
    params(("name" = String, Path), RebuildQuery),
    responses((status = 202, description = "reset; catching up"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "a blue-green rebuild of the projection is running", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn rebuild(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<RebuildQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let name = known(&state, &name)?;
    let runtime = state.runtime.clone();
    let running = projections::runtime::blue_green::running(runtime.pool(), name)
        .await
        .map_err(|e| ApiError::database(&e))?;
    if running {
        return Err(ApiError::new(
            ErrorCode::RebuildRunning,
            format!("a blue-green rebuild of {name} is running"),
        ));
    }
    if query.blue_green.unwrap_or(false) {
        tokio::spawn(async move {
            match runtime.rebuild_blue_green(name, |_| {}).await {
                Ok(events) => {
                    tracing::info!(projection = name, events, "blue-green rebuild swapped in")
                }
                Err(error) => {
                    tracing::error!(projection = name, %error, "blue-green rebuild failed")
                }
            }
        });
        return Ok(HttpResponse::Accepted()
            .json(json!({ "name": name, "status": "rebuilding", "mode": "blue-green" })));
    }
    // Run to completion in the background; the loops of this and other processes help catch up.
    tokio::spawn(async move {
        match runtime.rebuild(name).await {
            Ok(events) => tracing::info!(projection = name, events, "rebuild finished"),
            Err(error) => tracing::error!(projection = name, %error, "rebuild failed"),
        }
    });
    Ok(HttpResponse::Accepted().json(json!({ "name": name, "status": "rebuilding" })))
}

/// Clear a poison-event failure so the projection retries (after deploying a fix).
#[utoipa::path(
    post, path = "/api/v1/projections/{name}/resume", tag = "operations",
    params(("name" = String, Path)),
    responses((status = 200, description = "resumed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn resume(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let name = known(&state, &name)?;
    state
        .runtime
        .resume(name)
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    Ok(HttpResponse::Ok().json(json!({ "name": name, "status": "running" })))
}

fn known(state: &AppState, name: &str) -> Result<&'static str, ApiError> {
    state
        .runtime
        .names()
        .into_iter()
        .find(|n| *n == name)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ProjectionNotFound,
                format!("no projection is named {name}"),
            )
        })
}

/// One projection as the API shows it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectionStatusDto {
    pub name: String,
    /// running | failed
    pub status: String,
    pub checkpoint_transaction_id: i64,
    pub checkpoint_position: i64,
    pub events_applied: i64,
    pub lag_events: i64,
    pub lag_seconds: f64,
    pub last_error: Option<String>,
    pub failed_position: Option<i64>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// A blue-green rebuild in progress.
    pub rebuild: Option<RebuildProgressDto>,
}

/// How far a blue-green rebuild has come.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RebuildProgressDto {
    pub events_done: i64,
    /// The log's size when it started (or what is done, when more).
    pub events_total: i64,
    pub events_per_second: f64,
    pub eta_seconds: Option<f64>,
    pub started_at: chrono::DateTime<chrono::Utc>,
}

impl RebuildProgressDto {
    fn new((done, total, started_at): (i64, i64, chrono::DateTime<chrono::Utc>)) -> Self {
        let seconds = (chrono::Utc::now() - started_at).num_milliseconds().max(1) as f64 / 1000.0;
        let rate = done as f64 / seconds;
        Self {
            events_done: done,
            events_total: total,
            events_per_second: rate,
            eta_seconds: (rate > 0.0).then(|| (total - done).max(0) as f64 / rate),
            started_at,
        }
    }
}

impl From<ProjectionStatus> for ProjectionStatusDto {
    fn from(s: ProjectionStatus) -> Self {
        Self {
            name: s.name,
            status: s.status,
            checkpoint_transaction_id: s.checkpoint_transaction_id,
            checkpoint_position: s.checkpoint_position,
            events_applied: s.events_applied,
            lag_events: s.lag_events,
            lag_seconds: s.lag_seconds,
            last_error: s.last_error,
            failed_position: s.failed_position,
            updated_at: s.updated_at,
            rebuild: s.rebuild.map(RebuildProgressDto::new),
        }
    }
}
