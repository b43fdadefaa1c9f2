//! `/mec/developer/v2/capability-groups` and `/mec/developer/v2/query/capability-groups/type/{type}`
//! (reference 1.10): the groups of the ability centre. The catalogue's 9 are seeded at first
//! start; admins add and delete others; everyone signed in (guests too) reads them.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::capability_group::{
    CapabilityGroup, CapabilityGroupAction, CapabilityGroupCommand, CapabilityGroupError,
    GROUP_NAME,
};
use projections::read_models::capability_groups::query;

mod dto;

pub use dto::CapabilityGroupBody;

use self::dto::invalid;
pub(crate) use self::dto::{fields, render};
use super::commanding::{
    json_bytes, metadata, options, requested_position, run_command, AppState, CommandEndpoint,
    CommandHeaders, CommandRequest,
};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::parse_uuid;

pub const READ_MODELS: &[&str] = &["capability_groups"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/capability-groups")
            .service(web::resource("").get(list).post(create))
            .service(web::resource("/{groupId}").get(get).delete(delete)),
    )
    .service(
        web::resource("/mec/developer/v2/query/capability-groups/type/{type}").get(list_by_type),
    );
}

impl CommandEndpoint for CapabilityGroup {
    fn command_name(command: &CapabilityGroupCommand) -> &'static str {
        match command.action {
            CapabilityGroupAction::Create { .. } => "create",
            CapabilityGroupAction::Delete => "delete",
            CapabilityGroupAction::Join { .. } => "join",
            CapabilityGroupAction::Leave { .. } => "leave",
        }
    }

    fn rejection(rejection: CapabilityGroupError) -> ApiError {
        match rejection {
            CapabilityGroupError::NotFound => not_found(),
            CapabilityGroupError::Forbidden => {
                ApiError::forbidden("only admins manage capability groups")
            }
            CapabilityGroupError::AlreadyExists => ApiError::new(
                ErrorCode::CapabilityGroupExists,
                "a capability group with this id already exists",
            ),
            CapabilityGroupError::InUse(_) => ApiError::new(
                ErrorCode::CapabilityGroupInUse,
                format!("{rejection}; move or delete them first"),
            ),
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        let field = if scope == GROUP_NAME {
            "name"
        } else {
            "nameEn"
        };
        ApiError::new(
            ErrorCode::DuplicateCapabilityGroup,
            format!("another capability group has this {field}"),
        )
        .with_params(vec![field.to_owned()])
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::CapabilityGroupNotFound,
        "no capability group has this id",
    )
}

/// Create a capability group (admin).
#[utoipa::path(post, path = "/mec/developer/v2/capability-groups", tag = "capabilities", params(CommandHeaders), request_body = CapabilityGroupBody,
    responses((status = 201, body = CapabilityGroupBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, description = "name or nameEn taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::request_rules::JsonBody<CapabilityGroupBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let f = fields(&body)?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let id = uuid::Uuid::new_v4().to_string();
    let reply = state
        .offload(async move {
            let meta = metadata(&actor, None);
            let command = CapabilityGroupCommand {
                actor,
                action: CapabilityGroupAction::Create {
                    fields: f,
                    author: None,
                    created_at: chrono::Utc::now().timestamp_millis(),
                },
            };
            let request = CommandRequest::<CapabilityGroup>::new(id.clone(), command, meta)
                .with_options(options)
                .answered_with(
                    StatusCode::CREATED,
                    Some(format!("/mec/developer/v2/capability-groups/{id}")),
                );
            run_command(&st, request, |g| render(&id, g)).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a capability group (admin); its names become free again. Refused while capabilities
/// are filed under it.
#[utoipa::path(delete, path = "/mec/developer/v2/capability-groups/{groupId}", tag = "capabilities",
    params(CommandHeaders, ("groupId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "groupId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let meta = metadata(&actor, None);
            let command = CapabilityGroupCommand {
                actor,
                action: CapabilityGroupAction::Delete,
            };
            let request = CommandRequest::<CapabilityGroup>::new(id.clone(), command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, |_| serde_json::Value::Bool(true)).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Every capability group, oldest first.
#[utoipa::path(get, path = "/mec/developer/v2/capability-groups", tag = "capabilities",
    responses((status = 200, body = Vec<CapabilityGroupBody>), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    groups(state, &req, None).await
}

/// The capability groups of one type (OPENMEP, OPENMEP_ECO or STANDARD, any case).
#[utoipa::path(get, path = "/mec/developer/v2/query/capability-groups/type/{type}", tag = "capabilities",
    params(("type" = String, Path, pattern = r"^(?i:openmep|openmep_eco|standard)$")),
    responses((status = 200, body = Vec<CapabilityGroupBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_by_type(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let group_type = domain::capability_group::GROUP_TYPES
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case(&path))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidPath,
                "type must be OPENMEP, OPENMEP_ECO or STANDARD",
            )
            .with_params(vec!["type".into()])
        })?;
    groups(state, &req, Some(group_type)).await
}

async fn groups(
    state: web::Data<AppState>,
    req: &HttpRequest,
    group_type: Option<&'static str>,
) -> Result<HttpResponse, ApiError> {
    let position = requested_position(req)?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::list::<CapabilityGroupBody>(&st.pool, group_type)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One capability group.
#[utoipa::path(get, path = "/mec/developer/v2/capability-groups/{groupId}", tag = "capabilities", params(("groupId" = String, Path)),
    responses((status = 200, body = CapabilityGroupBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_uuid(&path, "groupId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let group = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<CapabilityGroupBody>(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(group))
}
