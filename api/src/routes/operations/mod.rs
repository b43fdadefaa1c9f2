//! Long-running operations over HTTP:
//!
//! - [`start`]: starting them (VM launch and image export, clean-env; each answers
//!   `{operationId}` at once and runs in the workflow runner), and the VM console;
//! - [`status`]: reading one with its actions (`GET /mec/developer/v2/operations/{id}`, 404 when
//!   unknown) and cancelling one (`POST /api/v1/operations/{id}/cancel`);
//! - setting the LCM simulator's plan for a controller (`PUT /api/v1/simulators/lcm/{lcmIp}`)
//!   and the file server simulator's (`PUT /api/v1/simulators/file-server`), admins, only while
//!   the simulator is in use.

pub mod start;
pub mod status;

use actix_web::{web, HttpResponse};
use domain::operation::OperationError;
use serde::Serialize;
use utoipa::ToSchema;
use workflows::app_store::AppStorePlan;
use workflows::file_server::FileServerPlan;
use workflows::lcm::SimPlan;
use workflows::orchestrator::OrchestratorPlan;
use workflows::test_platform::TestPlatformPlan;

pub use start::{clean_env, export_image, launch, owned_application, vnc, Console};
pub use status::{cancel, get};

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::state::AppState;

/// What a started operation is visible in.
pub const READ_MODELS: &[&str] = &["operations", "vms", "vm_images"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/mec/developer/v2/operations/{operationId}").get(get))
        .service(web::resource("/api/v1/operations/{operationId}/cancel").post(cancel))
        .service(web::resource("/api/v1/simulators/lcm/{lcmIp}").put(set_simulator_plan))
        .service(web::resource("/api/v1/simulators/file-server").put(set_file_server_plan))
        .service(web::resource("/api/v1/simulators/orchestrator").put(set_orchestrator_plan))
        .service(web::resource("/api/v1/simulators/test-platform").put(set_test_platform_plan))
        .service(web::resource("/api/v1/simulators/app-store").put(set_app_store_plan));
}

/// `{operationId}` of a started operation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    pub operation_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionStatus {
    pub id: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action_name: Option<String>,
    pub progress: Option<i32>,
    pub status: Option<String>,
    pub error_msg: Option<String>,
    pub status_log: Option<String>,
    pub update_time: Option<chrono::DateTime<chrono::Utc>>,
}

db::from_row!(ActionStatus {
    id,
    object_type,
    object_id,
    action_name,
    progress,
    status,
    error_msg,
    status_log,
    update_time
});

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatus {
    pub id: String,
    pub user_name: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub object_name: Option<String>,
    pub operation_name: Option<String>,
    pub progress: Option<i32>,
    /// ONGOING, SUCCESS or FAILED (a cancelled operation is FAILED, "Operation cancelled by ...").
    pub status: Option<String>,
    pub error_msg: Option<String>,
    pub create_time: Option<chrono::DateTime<chrono::Utc>>,
    pub update_time: Option<chrono::DateTime<chrono::Utc>>,
    pub action_status_list: Vec<ActionStatus>,
}

db::from_row!(OperationStatus { id, user_name, object_type, object_id, object_name, operation_name, progress, status, error_msg, create_time, update_time; action_status_list });

/// Maps an operation step rejection.
pub fn operation_error(error: OperationError) -> ApiError {
    match error {
        OperationError::Unknown => {
            ApiError::new(ErrorCode::OperationNotFound, "no operation has this id")
        }
        OperationError::Finished => ApiError::new(
            ErrorCode::OperationFinished,
            "the operation has already finished",
        ),
    }
}

/// Set the LCM simulator's plan for the controller at `lcmIp` (`*` for every other one): delays,
/// the failing call, polls answered "in progress" (admins; only while the simulator is in use).
#[utoipa::path(put, path = "/api/v1/simulators/lcm/{lcmIp}", tag = "operations", request_body = SimPlan,
    params(("lcmIp" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, description = "a real LCM is configured", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn set_simulator_plan(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<SimPlan>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let sim = state.lcm.simulator.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::SimulatorNotInUse,
            "edgedev talks to real LCM controllers (EDGEDEV_LCM=http)",
        )
    })?;
    let plan = body.into_inner();
    if plan.delay_ms > workflows::lcm::MAX_SIM_DELAY_MS {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            format!(
                "delayMs must be at most {}",
                workflows::lcm::MAX_SIM_DELAY_MS
            ),
        )
        .with_params(vec!["delayMs".into()]));
    }
    sim.set_plan(&path, plan);
    Ok(HttpResponse::NoContent().finish())
}

/// Set the orchestrator simulator's plan: delay, the failing call (apply, observe, remove),
/// observations a new pod stays Pending, a crash loop after some observations, a failing pod
/// (admins; only while the simulator is in use).
#[utoipa::path(put, path = "/api/v1/simulators/orchestrator", tag = "operations", request_body = OrchestratorPlan,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "a real orchestrator is configured", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn set_orchestrator_plan(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::request_rules::JsonBody<OrchestratorPlan>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let sim = state.orchestrator.simulator.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::SimulatorNotInUse,
            "edgedev talks to a real orchestrator",
        )
    })?;
    let plan = body.into_inner();
    let too_big = [
        (
            "delayMs",
            plan.delay_ms > workflows::orchestrator::simulator::MAX_DELAY_MS,
        ),
        ("pendingPolls", plan.pending_polls > 1000),
        (
            "crashAfterPolls",
            plan.crash_after_polls.is_some_and(|n| n > 1000),
        ),
    ];
    if let Some((field, _)) = too_big.iter().find(|(_, over)| *over) {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("{field} is above its documented maximum"),
        )
        .with_params(vec![(*field).to_owned()]));
    }
    sim.set_plan(plan);
    Ok(HttpResponse::NoContent().finish())
}

/// Set the file server simulator's plan: delay, the failing call, polls answered "in progress",
/// a forced check status, a slim failure (admins; only while the simulator is in use).
#[utoipa::path(put, path = "/api/v1/simulators/file-server", tag = "operations", request_body = FileServerPlan,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "a real file server is configured", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn set_file_server_plan(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::request_rules::JsonBody<FileServerPlan>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let sim = state.file_server.simulator.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::SimulatorNotInUse,
            "edgedev talks to a real file server (EDGEDEV_FILE_SERVER_URL)",
        )
    })?;
    let plan = body.into_inner();
    if plan.delay_ms > workflows::lcm::MAX_SIM_DELAY_MS || plan.pending_polls > 1000 {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "delayMs must be at most 60000 and pendingPolls at most 1000",
        )
        .with_params(vec!["delayMs".into(), "pendingPolls".into()]));
    }
    sim.set_plan(plan);
    Ok(HttpResponse::NoContent().finish())
}

/// Set the test platform simulator's plan: the status tasks end with, polls answered "running"
/// first, a delay, the failing call and its `retCode` (admins; only while the simulator is in
/// use). The plan in force when a task is created decides how it ends.
#[utoipa::path(put, path = "/api/v1/simulators/test-platform", tag = "operations", request_body = TestPlatformPlan,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "a real test platform is configured", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn set_test_platform_plan(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::request_rules::JsonBody<TestPlatformPlan>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let sim = state.test_platform.simulator.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::SimulatorNotInUse,
            "edgedev talks to a real test platform (EDGEDEV_TEST_PLATFORM_URL)",
        )
    })?;
    let plan = body.into_inner();
    let result_ok = plan.result.as_deref().is_none_or(|r| {
        (1..=32).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if plan.delay_ms > workflows::lcm::MAX_SIM_DELAY_MS || plan.pending_polls > 1000 || !result_ok {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "delayMs must be at most 60000, pendingPolls at most 1000, result 1-32 letters, digits or _",
        )
        .with_params(vec!["delayMs".into(), "pendingPolls".into(), "result".into()]));
    }
    sim.set_plan(plan);
    Ok(HttpResponse::NoContent().finish())
}

/// Set the app store simulator's plan: a delay, the failing call and its `retCode` (admins;
/// only while the simulator is in use).
#[utoipa::path(put, path = "/api/v1/simulators/app-store", tag = "operations", request_body = AppStorePlan,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "a real app store is configured", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn set_app_store_plan(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::request_rules::JsonBody<AppStorePlan>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let sim = state.app_store.simulator.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::SimulatorNotInUse,
            "edgedev talks to a real app store (EDGEDEV_APP_STORE_URL)",
        )
    })?;
    let plan = body.into_inner();
    if plan.delay_ms > workflows::lcm::MAX_SIM_DELAY_MS {
        return Err(
            ApiError::new(ErrorCode::InvalidField, "delayMs must be at most 60000")
                .with_params(vec!["delayMs".into()]),
        );
    }
    sim.set_plan(plan);
    Ok(HttpResponse::NoContent().finish())
}
