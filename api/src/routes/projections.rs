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

/// Rebuild a projection from the start of the log: its tables are emptied and refilled while the
/// server keeps running (queries see partial results until it has caught up).
#[utoipa::path(
    post, path = "/api/v1/projections/{name}/rebuild", tag = "operations",
    params(("name" = String, Path)),
    responses((status = 202, description = "reset; catching up"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn rebuild(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let name = known(&state, &name)?;
    let runtime = state.runtime.clone();
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
        }
    }
}
