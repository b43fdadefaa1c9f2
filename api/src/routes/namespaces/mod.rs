//! `/api/v1/namespaces`: the container platform's namespaces. Creating one needs
//! `namespaces:create` platform-wide; reading, updating, (de)activating and deleting one need
//! `namespaces:read|update|delete` platform-wide or in that namespace; the list shows the
//! namespaces the caller may read. A namespace is deleted only when it holds nothing.

pub mod dto;
mod holding;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::ids::{next_platform_id, PlatformTable};
use domain::namespace::{
    Namespace, NamespaceAction, NamespaceCommand, NamespaceError, KUBERNETES_NAME, NAMESPACE_NAME,
};
use domain::permission::Scope;
use projections::read_models::namespaces::query;

pub use dto::{NamespaceBody, NamespaceInput, NamespaceQuery, QuotaValue};
pub(crate) use holding::holds;

use self::holding::release_ghosts;

use self::dto::{invalid, render};
use super::commanding::{
    json_bytes, options, requested_position, run_on, AppState, CommandEndpoint, CommandHeaders,
    Reply,
};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::{paging, parse_int_id, Page};

pub const READ_MODELS: &[&str] = &["namespaces"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/namespaces")
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{namespaceId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            )
            .service(web::resource("/{namespaceId}/actions/activate").post(activate))
            .service(web::resource("/{namespaceId}/actions/deactivate").post(deactivate)),
    );
}

impl CommandEndpoint for Namespace {
    fn command_name(command: &NamespaceCommand) -> &'static str {
        match command.action {
            NamespaceAction::Create { .. } => "create",
            NamespaceAction::Update { .. } => "update",
            NamespaceAction::Activate { .. } => "activate",
            NamespaceAction::Deactivate { .. } => "deactivate",
            NamespaceAction::Delete => "delete",
            NamespaceAction::Admit { .. } => "admit",
            NamespaceAction::Release { .. } => "release",
        }
    }

    fn rejection(rejection: NamespaceError) -> ApiError {
        match rejection {
            NamespaceError::NotFound => not_found(),
            NamespaceError::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "a namespace with this id already exists; retry",
            ),
            NamespaceError::Inactive => {
                ApiError::new(ErrorCode::NamespaceInactive, rejection.to_string())
            }
            NamespaceError::NotEmpty(_) => {
                ApiError::new(ErrorCode::NamespaceNotEmpty, rejection.to_string())
            }
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        let (message, param) = match scope {
            NAMESPACE_NAME => ("another namespace has this name", "name"),
            KUBERNETES_NAME => (
                "another namespace of the cluster has this kubernetesName",
                "kubernetesName",
            ),
            _ => ("a unique value of the namespace is taken", ""),
        };
        ApiError::new(ErrorCode::DuplicateNamespace, message).with_params(vec![param.into()])
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NamespaceNotFound, "no namespace has this id")
}

/// Runs one command on namespace `id` and answers with the namespace.
pub(crate) async fn run_namespace(
    state: &AppState,
    access: &Access,
    id: i64,
    action: NamespaceAction,
    options: commands::CommandOptions,
    success: StatusCode,
) -> Result<Reply, ApiError> {
    let command = NamespaceCommand {
        actor: access.actor.clone(),
        action,
    };
    let location = (success == StatusCode::CREATED).then(|| format!("/api/v1/namespaces/{id}"));
    let answer = (success, location);
    run_on(
        state,
        &access.actor,
        id,
        command,
        options,
        answer,
        |namespace| render(id, namespace),
    )
    .await
}

/// Create a namespace (`namespaces:create`).
#[utoipa::path(post, path = "/api/v1/namespaces", tag = "namespaces", params(CommandHeaders), request_body = NamespaceInput,
    responses((status = 201, body = NamespaceBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, description = "the name or kubernetesName is taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<NamespaceInput>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.fields(None)?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("namespaces", "create", Scope::Platform)?;
            let id = next_platform_id(&st.pool, PlatformTable::Namespaces).await?;
            let action = NamespaceAction::Create {
                fields,
                by: access.by(),
            };
            run_namespace(&st, &access, id, action, options, StatusCode::CREATED).await
        })
        .await?;
    Ok(reply.into_response())
}

/// The namespaces the caller may read (`namespaces:read`), by name.
#[utoipa::path(get, path = "/api/v1/namespaces", tag = "namespaces", params(NamespaceQuery),
    responses((status = 200, body = inline(Page<NamespaceBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<NamespaceQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = paging(query.limit, query.offset)?;
    let q = query.into_inner();
    if q.status
        .as_deref()
        .is_some_and(|s| !["active", "inactive"].contains(&s))
    {
        return Err(
            ApiError::new(ErrorCode::InvalidQuery, "status must be active or inactive")
                .with_params(vec!["status".into()]),
        );
    }
    let position = requested_position(&req)?;
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            let ids = access.namespaces_with("namespaces", "read");
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let filter = query::NamespaceFilter {
                search: q.search.as_deref(),
                status: q.status.as_deref(),
                cluster_name: q.cluster_name.as_deref(),
                ids: ids.as_deref(),
            };
            let (results, total) =
                query::list::<NamespaceBody>(&st.pool, filter, limit, offset).await?;
            Ok(Page {
                results,
                limit,
                offset,
                total,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One namespace (`namespaces:read` there).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}", tag = "namespaces", params(("namespaceId" = i64, Path)),
    responses((status = 200, body = NamespaceBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "namespaceId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let namespace = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("namespaces", "read", Scope::Namespace(id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<NamespaceBody>(&st.pool, id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(namespace))
}

/// Update a namespace (`namespaces:update` there); `kubernetesName` and `clusterName` cannot
/// change (absent: kept).
#[utoipa::path(put, path = "/api/v1/namespaces/{namespaceId}", tag = "namespaces", request_body = NamespaceInput,
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 200, body = NamespaceBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "the name is taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<NamespaceInput>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "namespaceId")?;
    // The rules that need no state first: a bad body is 400 whoever asks.
    body.fields(None)?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("namespaces", "update", Scope::Namespace(id))?;
            let current: Namespace = st.load(&id.to_string()).await?;
            let current = current.fields.ok_or_else(not_found)?;
            let fields = body.fields(Some(&current))?;
            let action = NamespaceAction::Update {
                fields,
                by: access.by(),
            };
            run_namespace(&st, &access, id, action, options, StatusCode::OK).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Activate a namespace (`namespaces:update` there).
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/actions/activate", tag = "namespaces",
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 200, body = NamespaceBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn activate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "namespaceId")?;
    status_action(state, caller, &req, id, true).await
}

/// Deactivate a namespace (`namespaces:update` there): it takes no new resources.
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/actions/deactivate", tag = "namespaces",
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 200, body = NamespaceBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn deactivate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "namespaceId")?;
    status_action(state, caller, &req, id, false).await
}

async fn status_action(
    state: web::Data<AppState>,
    caller: Caller,
    req: &HttpRequest,
    id: i64,
    active: bool,
) -> Result<HttpResponse, ApiError> {
    let options = options(req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("namespaces", "update", Scope::Namespace(id))?;
            let by = access.by();
            let action = if active {
                NamespaceAction::Activate { by }
            } else {
                NamespaceAction::Deactivate { by }
            };
            run_namespace(&st, &access, id, action, options, StatusCode::OK).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a namespace (`namespaces:delete` there); refused while it holds config maps,
/// secrets, containers or volumes.
#[utoipa::path(delete, path = "/api/v1/namespaces/{namespaceId}", tag = "namespaces",
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "it holds resources", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "namespaceId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("namespaces", "delete", Scope::Namespace(id))?;
            release_ghosts(&st, &access, id).await?;
            run_namespace(
                &st,
                &access,
                id,
                NamespaceAction::Delete,
                options,
                StatusCode::OK,
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}
