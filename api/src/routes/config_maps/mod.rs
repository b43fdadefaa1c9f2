//! `/api/v1/namespaces/{namespaceId}/configmaps`: a namespace's config maps
//! (`configmaps:create|read|update|delete` in that namespace). A creation is admitted by the
//! namespace first (refused when it is inactive or gone) and released again when the creation
//! is refused; a deletion releases it after (ADR 0016). Bodies may be up to 3 MiB here (a
//! config map holds up to 1 MiB, binary values in base64).

pub mod dto;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::ids::{next_platform_id, PlatformTable};
use domain::config_map::{
    ConfigMap, ConfigMapAction, ConfigMapCommand, ConfigMapError, CONFIG_MAP_NAME,
};
use domain::namespace::{NamespaceAction, ResourceKind};
use domain::permission::Scope;
use projections::read_models::namespaces::query;

pub use dto::{ConfigMapBody, ConfigMapInput, ConfigMapQuery};

use self::dto::{invalid, render};
use super::commanding::{
    json_bytes, metadata, options, requested_position, run_command, AppState, CommandEndpoint,
    CommandHeaders, CommandRequest,
};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::{paging, parse_int_id, Page};

pub const READ_MODELS: &[&str] = &["namespaces"];
/// The largest body a config map request may send.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/namespaces/{namespaceId}/configmaps")
            .app_data(web::PayloadConfig::default().limit(MAX_BODY))
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{configMapId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            ),
    );
}

impl CommandEndpoint for ConfigMap {
    fn command_name(command: &ConfigMapCommand) -> &'static str {
        match command.action {
            ConfigMapAction::Create { .. } => "create",
            ConfigMapAction::Update { .. } => "update",
            ConfigMapAction::Delete => "delete",
        }
    }

    fn rejection(rejection: ConfigMapError) -> ApiError {
        match rejection {
            ConfigMapError::NotFound => not_found(),
            ConfigMapError::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "a config map with this id already exists; retry",
            ),
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        match scope {
            CONFIG_MAP_NAME => ApiError::new(
                ErrorCode::DuplicateConfigMap,
                "the namespace has a config map of this name",
            )
            .with_params(vec!["name".into()]),
            other => ApiError::new(
                ErrorCode::Duplicate,
                format!("the value of {other} is already taken"),
            ),
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::ConfigMapNotFound,
        "the namespace has no config map with this id",
    )
}

fn paths(path: &(String, String)) -> Result<(i64, i64), ApiError> {
    Ok((
        parse_int_id(&path.0, "namespaceId")?,
        parse_int_id(&path.1, "configMapId")?,
    ))
}

/// Create a config map in a namespace (`configmaps:create` there).
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/configmaps", tag = "configmaps", request_body = ConfigMapInput,
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 201, body = ConfigMapBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, description = "no such namespace", body = ErrorBody),
              (status = 409, description = "the name is taken in the namespace, or the namespace is inactive", body = ErrorBody),
              (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ConfigMapInput>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let fields = body.fields()?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("configmaps", "create", Scope::Namespace(namespace_id))?;
            let id = next_platform_id(&st.pool, PlatformTable::ConfigMaps).await?;
            let kind = ResourceKind::ConfigMap;
            super::namespaces::holds(
                &st,
                &access,
                namespace_id,
                NamespaceAction::Admit { kind, id },
            )
            .await?;
            let answer = fields.clone();
            let command = ConfigMapCommand {
                actor: access.actor.clone(),
                action: ConfigMapAction::Create {
                    namespace_id,
                    fields,
                    by: access.by(),
                },
            };
            let location = format!("/api/v1/namespaces/{namespace_id}/configmaps/{id}");
            let request = CommandRequest::<ConfigMap>::new(
                id.to_string(),
                command,
                metadata(&access.actor, None),
            )
            .with_options(options)
            .answered_with(StatusCode::CREATED, Some(location));
            let reply =
                run_command(&st, request, |map| render(id, namespace_id, &answer, map)).await;
            if !matches!(&reply, Ok(r) if !r.replayed()) {
                // Refused, or a retry answered from its first result: this id holds nothing.
                super::namespaces::holds(
                    &st,
                    &access,
                    namespace_id,
                    NamespaceAction::Release { kind, id },
                )
                .await?;
            }
            reply
        })
        .await?;
    Ok(reply.into_response())
}

/// A namespace's config maps by name (`configmaps:read` there).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/configmaps", tag = "configmaps",
    params(("namespaceId" = i64, Path), ConfigMapQuery),
    responses((status = 200, body = inline(Page<ConfigMapBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ConfigMapQuery>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = requested_position(&req)?;
    let q = query.into_inner();
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("configmaps", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let namespace: Option<super::namespaces::NamespaceBody> =
                query::find(&st.pool, namespace_id).await?;
            namespace.ok_or_else(super::namespaces::not_found)?;
            let (results, total) = query::config_maps::<ConfigMapBody>(
                &st.pool,
                namespace_id,
                q.search.as_deref(),
                limit,
                offset,
            )
            .await?;
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

/// One config map (`configmaps:read` in its namespace).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/configmaps/{configMapId}", tag = "configmaps",
    params(("namespaceId" = i64, Path), ("configMapId" = i64, Path)),
    responses((status = 200, body = ConfigMapBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let map = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("configmaps", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::config_map::<ConfigMapBody>(&st.pool, namespace_id, id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(map))
}

/// Replace a config map's data (`configmaps:update` in its namespace); the name cannot change.
#[utoipa::path(put, path = "/api/v1/namespaces/{namespaceId}/configmaps/{configMapId}", tag = "configmaps", request_body = ConfigMapInput,
    params(CommandHeaders, ("namespaceId" = i64, Path), ("configMapId" = i64, Path)),
    responses((status = 200, body = ConfigMapBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: JsonBody<ConfigMapInput>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let fields = body.fields()?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("configmaps", "update", Scope::Namespace(namespace_id))?;
            let current: ConfigMap = st.load(&id.to_string()).await?;
            if current.namespace_id != Some(namespace_id) {
                return Err(not_found());
            }
            let answer = fields.clone();
            let command = ConfigMapCommand {
                actor: access.actor.clone(),
                action: ConfigMapAction::Update {
                    fields,
                    by: access.by(),
                },
            };
            let request = CommandRequest::<ConfigMap>::new(
                id.to_string(),
                command,
                metadata(&access.actor, None),
            )
            .with_options(options);
            run_command(&st, request, |map| render(id, namespace_id, &answer, map)).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a config map (`configmaps:delete` in its namespace).
#[utoipa::path(delete, path = "/api/v1/namespaces/{namespaceId}/configmaps/{configMapId}", tag = "configmaps",
    params(CommandHeaders, ("namespaceId" = i64, Path), ("configMapId" = i64, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("configmaps", "delete", Scope::Namespace(namespace_id))?;
            let current: ConfigMap = st.load(&id.to_string()).await?;
            if current.namespace_id != Some(namespace_id) {
                return Err(not_found());
            }
            let command = ConfigMapCommand {
                actor: access.actor.clone(),
                action: ConfigMapAction::Delete,
            };
            let request = CommandRequest::<ConfigMap>::new(
                id.to_string(),
                command,
                metadata(&access.actor, None),
            )
            .with_options(options);
            let reply = run_command(&st, request, |_| serde_json::Value::Bool(true)).await?;
            let kind = ResourceKind::ConfigMap;
            super::namespaces::holds(
                &st,
                &access,
                namespace_id,
                NamespaceAction::Release { kind, id },
            )
            .await?;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}
