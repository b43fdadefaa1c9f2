//! Reading an operation with its actions, and cancelling one.

use actix_web::{web, HttpResponse};
use domain::application::{Application, ApplicationAction, ApplicationCommand};
use domain::container::{Container, ContainerAction, ContainerCommand};
use domain::operation::OperationError;
use domain::vm::{Vm, VmAction, VmCommand};
use domain::vm_image::{VmImage, VmImageAction, VmImageCommand};
use domain::Actor;
use projections::read_models::operations::query;

use super::{operation_error, OperationStatus, READ_MODELS};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::routes::commanding::{command_error, metadata, AppState, CommandEndpoint};
use crate::routes::parse_uuid;

/// Where an operation lives and who may see it.
struct Located {
    aggregate_type: String,
    aggregate_id: String,
    requester: Option<String>,
    owner: Option<String>,
    position: commands::LogPosition,
}

async fn locate(state: &AppState, operation_id: &str) -> Result<Option<Located>, db::DbError> {
    let request = query::request(&state.pool, operation_id).await?;
    Ok(request.map(|r| Located {
        aggregate_type: r.aggregate_type,
        aggregate_id: r.aggregate_id,
        requester: r.requester,
        owner: r.owner,
        position: commands::LogPosition {
            txid: r.requested_at.0,
            position: r.requested_at.1,
        },
    }))
}

fn unknown() -> ApiError {
    operation_error(OperationError::Unknown)
}

async fn located_for(
    state: &AppState,
    actor: &Actor,
    operation_id: &str,
) -> Result<Located, ApiError> {
    let located = locate(state, operation_id).await?.ok_or_else(unknown)?;
    let allowed = actor.is_admin()
        || located.requester.as_deref() == Some(actor.user_id.as_str())
        || located.owner.as_deref() == Some(actor.user_id.as_str());
    if !allowed {
        return Err(ApiError::forbidden(
            "only who started the operation, the application's owner or an admin may access it",
        ));
    }
    Ok(located)
}

async fn read_operation(
    state: &AppState,
    located: &Located,
    operation_id: &str,
) -> Result<OperationStatus, ApiError> {
    // Wait until both the operation rows and the facts it recorded (instantiate and export info)
    // show the aggregate's latest event, so a client that sees SUCCESS then reads those facts.
    let latest = state
        .executor
        .store()
        .head(&located.aggregate_type, &located.aggregate_id)
        .await?;
    let position = latest.unwrap_or(located.position).max(located.position);
    state.wait_visible(READ_MODELS, position).await;
    let mut op: OperationStatus = query::operation(&state.pool, operation_id)
        .await?
        .ok_or_else(|| ApiError::unavailable("the operation is not visible yet; retry shortly"))?;
    op.action_status_list = query::actions(&state.pool, operation_id).await?;
    Ok(op)
}

/// One operation with its actions.
#[utoipa::path(get, path = "/mec/developer/v2/operations/{operationId}", tag = "operations",
    params(("operationId" = String, Path)),
    responses((status = 200, body = OperationStatus), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "operationId")?;
    let st = state.clone();
    let op = state
        .offload(async move {
            let located = located_for(&st, &actor, &id).await?;
            read_operation(&st, &located, &id).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(op))
}

/// Cancel an unfinished operation: it ends FAILED ("Operation cancelled by ..."); its instance
/// facts stay until clean-env.
#[utoipa::path(post, path = "/api/v1/operations/{operationId}/cancel", tag = "operations",
    params(("operationId" = String, Path)),
    responses((status = 200, body = OperationStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "already finished", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "operationId")?;
    let st = state.clone();
    let op = state
        .offload(async move {
            let mut located = located_for(&st, &actor, &id).await?;
            let mut meta = metadata(&actor, None);
            meta.operation_id = Some(id.clone());
            let at = db::now_micros();
            let aggregate_id = located.aggregate_id.clone();
            let position = match located.aggregate_type.as_str() {
                "vm" => {
                    let action = VmAction::Cancel {
                        operation_id: id.clone(),
                        at,
                    };
                    cancel_on::<Vm>(&st, &aggregate_id, VmCommand { actor, action }, &meta).await?
                }
                "vm_image" => {
                    let action = VmImageAction::CancelOperation {
                        operation_id: id.clone(),
                        at,
                    };
                    let command = VmImageCommand { actor, action };
                    cancel_on::<VmImage>(&st, &aggregate_id, command, &meta).await?
                }
                "container" => {
                    let action = ContainerAction::Cancel {
                        operation_id: id.clone(),
                        at,
                    };
                    let command = ContainerCommand { actor, action };
                    cancel_on::<Container>(&st, &aggregate_id, command, &meta).await?
                }
                _ => {
                    let action = ApplicationAction::CancelOperation {
                        operation_id: id.clone(),
                        at,
                    };
                    let command = ApplicationCommand { actor, action };
                    cancel_on::<Application>(&st, &aggregate_id, command, &meta).await?
                }
            };
            if let Some(position) = position {
                located.position = position;
            }
            read_operation(&st, &located, &id).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(op))
}

/// Runs a cancel command on the operation's aggregate; the position it appended at, if any.
async fn cancel_on<A: CommandEndpoint>(
    state: &AppState,
    aggregate_id: &str,
    command: A::Command,
    meta: &commands::CommandMetadata,
) -> Result<Option<commands::LogPosition>, ApiError> {
    let outcome = state
        .executor
        .execute::<A, _>(
            aggregate_id,
            command,
            &(),
            meta,
            &commands::CommandOptions::default(),
            workflows::no_response,
        )
        .await
        .map_err(command_error::<A>)?;
    Ok(match outcome {
        commands::Outcome::Executed(e) => e.position,
        commands::Outcome::Replayed(_) => None,
    })
}
