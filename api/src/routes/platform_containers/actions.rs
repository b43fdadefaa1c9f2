//! The lifecycle actions of a container: each starts an operation the workflow runner carries
//! out against the orchestrator (ADR 0018).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::permission::Scope;
use domain::platform_container::{PlatformContainerAction as Action, Verb};
use serde_json::json;

use super::{current, paths, run_container};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{options, AppState, CommandHeaders};

/// Start, stop, pause, resume or restart a container (`containers:start` for start, resume and
/// restart; `containers:stop` for stop and pause). 202 with the operation
/// (`GET /mec/developer/v2/operations/{operationId}` shows its progress); 409
/// `CONTAINER_ALREADY_IN_STATE` when the container is already where the action leads,
/// `CONTAINER_ACTION_NOT_ALLOWED` when its status does not allow it (both with the status and
/// the actions it allows), `OPERATION_RUNNING` while another action runs.
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/containers/{containerId}/actions/{action}", tag = "containers",
    params(CommandHeaders, ("namespaceId" = i64, Path), ("containerId" = i64, Path),
           ("action" = String, Path, pattern = "^(start|stop|pause|resume|restart)$")),
    responses((status = 202, body = crate::routes::operations::Started), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "CONTAINER_ALREADY_IN_STATE, CONTAINER_ACTION_NOT_ALLOWED or OPERATION_RUNNING", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&(path.0.clone(), path.1.clone()))?;
    let verb = Verb::parse(&path.2).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidField,
            "action must be one of start, stop, pause, resume, restart",
        )
        .with_params(vec!["action".into()])
    })?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            let permission = match verb {
                Verb::Start | Verb::Resume | Verb::Restart => "start",
                Verb::Stop | Verb::Pause => "stop",
            };
            access.require("containers", permission, Scope::Namespace(namespace_id))?;
            current(&st, namespace_id, id).await?;
            let operation_id = uuid::Uuid::new_v4().to_string();
            let action = Action::Act {
                container_id: id,
                verb,
                operation_id: operation_id.clone(),
                at: db::now_micros(),
            };
            let op = operation_id.clone();
            run_container(
                &st,
                &access,
                id,
                action,
                options,
                (StatusCode::ACCEPTED, None, Some(operation_id)),
                move |_| json!({ "operationId": op }),
            )
            .await
        })
        .await?;
    state.workflows.wake();
    Ok(reply.into_response())
}
