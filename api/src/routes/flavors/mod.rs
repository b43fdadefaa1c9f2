//! `/mec/developer/v2/flavors` (reference 1.10): the VM flavors a developer picks from. The
//! catalogue's 16 are seeded at first start; admins add and delete others (the original let any
//! tenant do both); tenants and admins list and read them.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::flavor::{Flavor, FlavorAction, FlavorCommand, FlavorError};
use projections::read_models::flavors::query;

mod dto;

pub use dto::{FlavorBody, FlavorQuery};

use self::dto::{fields, invalid, render};
use super::commanding::{
    json_bytes, metadata, options, requested_position, run_command, AppState, CommandEndpoint,
    CommandHeaders, CommandRequest,
};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::parse_uuid;

pub const READ_MODELS: &[&str] = &["flavors"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/flavors")
            .service(web::resource("").get(list).post(create))
            .service(web::resource("/{flavorId}").get(get).delete(delete)),
    );
}

impl CommandEndpoint for Flavor {
    fn command_name(command: &FlavorCommand) -> &'static str {
        match command.action {
            FlavorAction::Create(_) => "create",
            FlavorAction::Delete => "delete",
        }
    }

    fn rejection(rejection: FlavorError) -> ApiError {
        match rejection {
            FlavorError::NotFound => not_found(),
            FlavorError::Forbidden => ApiError::forbidden("only admins manage flavors"),
            FlavorError::AlreadyExists => ApiError::new(
                ErrorCode::FlavorExists,
                "a flavor with this id already exists",
            ),
            other => invalid(other),
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        ApiError::new(ErrorCode::Duplicate, "a unique value is taken")
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::FlavorNotFound, "no flavor has this id")
}

/// Create a flavor (admin).
#[utoipa::path(post, path = "/mec/developer/v2/flavors", tag = "flavors", params(CommandHeaders), request_body = FlavorBody,
    responses((status = 201, body = FlavorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::request_rules::JsonBody<FlavorBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let f = fields(&body)?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let id = uuid::Uuid::new_v4().to_string();
    let reply = state
        .offload(async move {
            let meta = metadata(&actor, None);
            let command = FlavorCommand {
                actor,
                action: FlavorAction::Create(f),
            };
            let request = CommandRequest::<Flavor>::new(id.clone(), command, meta)
                .with_options(options)
                .answered_with(
                    StatusCode::CREATED,
                    Some(format!("/mec/developer/v2/flavors/{id}")),
                );
            run_command(&st, request, |f| render(&id, f)).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a flavor (admin). VMs that name it keep their recorded flavor.
#[utoipa::path(delete, path = "/mec/developer/v2/flavors/{flavorId}", tag = "flavors",
    params(CommandHeaders, ("flavorId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "flavorId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let meta = metadata(&actor, None);
            let command = FlavorCommand {
                actor,
                action: FlavorAction::Delete,
            };
            let request = CommandRequest::<Flavor>::new(id.clone(), command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, |_| serde_json::Value::Bool(true)).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Every flavor, or those of one architecture.
#[utoipa::path(get, path = "/mec/developer/v2/flavors", tag = "flavors", params(FlavorQuery),
    responses((status = 200, body = Vec<FlavorBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<FlavorQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let position = requested_position(&req)?;
    let architecture = query.into_inner().architecture.filter(|a| !a.is_empty());
    let st = state.clone();
    let rows = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::list::<FlavorBody>(&st.pool, architecture.as_deref())
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One flavor.
#[utoipa::path(get, path = "/mec/developer/v2/flavors/{flavorId}", tag = "flavors", params(("flavorId" = String, Path)),
    responses((status = 200, body = FlavorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "flavorId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let flavor = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<FlavorBody>(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(flavor))
}
