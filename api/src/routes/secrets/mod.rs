//! `/api/v1/namespaces/{namespaceId}/secrets`: a namespace's secrets
//! (`secrets:create|read|update|delete` in that namespace). Plain values are checked by their
//! type's rules and sealed here, before the command; reads show keys and metadata only;
//! `POST .../{secretId}/actions/reveal` (`secrets:reveal`) answers the values and records a
//! `SecretRevealed` event. Admission by the namespace as for config maps (ADR 0016).

pub mod dto;
pub mod reveal;

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::ids::{next_platform_id, PlatformTable};
use commands::CommandOptions;
use domain::namespace::{NamespaceAction, ResourceKind};
use domain::namespace_secret::{
    check_name, check_plain, NamespaceSecret, SecretAction, SecretCommand, SecretError, SecretType,
    SECRET_NAME,
};
use domain::permission::Scope;
use domain::secret::Sealed;
use projections::read_models::namespaces::query;

pub use dto::{RevealedSecret, SecretBody, SecretInput};

use self::dto::invalid;
use super::commanding::{
    json_bytes, options, requested_position, run_on, AppState, CommandEndpoint, CommandHeaders,
    Reply,
};
use super::namespaces::holds;
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::{paging, parse_int_id, Page};

pub const READ_MODELS: &[&str] = &["namespaces"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/namespaces/{namespaceId}/secrets")
            .app_data(web::PayloadConfig::default().limit(super::config_maps::MAX_BODY))
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{secretId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            )
            .service(web::resource("/{secretId}/actions/reveal").post(reveal::reveal)),
    );
}

impl CommandEndpoint for NamespaceSecret {
    fn command_name(command: &SecretCommand) -> &'static str {
        match command.action {
            SecretAction::Create { .. } => "create",
            SecretAction::Update { .. } => "update",
            SecretAction::Reveal { .. } => "reveal",
            SecretAction::Reseal { .. } => "reseal",
            SecretAction::Delete => "delete",
        }
    }

    fn rejection(rejection: SecretError) -> ApiError {
        match rejection {
            SecretError::NotFound => not_found(),
            SecretError::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "a secret with this id already exists; retry",
            ),
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        match scope {
            SECRET_NAME => ApiError::new(
                ErrorCode::DuplicateSecret,
                "the namespace has a secret of this name",
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
        ErrorCode::SecretNotFound,
        "the namespace has no secret with this id",
    )
}

pub(super) fn paths(path: &(String, String)) -> Result<(i64, i64), ApiError> {
    Ok((
        parse_int_id(&path.0, "namespaceId")?,
        parse_int_id(&path.1, "secretId")?,
    ))
}

/// The name, type and plain values of a body, checked.
fn checked(body: &SecretInput) -> Result<(String, SecretType), ApiError> {
    check_name(&body.name).map_err(invalid)?;
    let secret_type =
        SecretType::parse(body.secret_type.as_deref().unwrap_or("Opaque")).map_err(invalid)?;
    check_plain(secret_type, &body.data).map_err(invalid)?;
    Ok((body.name.clone(), secret_type))
}

fn sealed(state: &AppState, data: &BTreeMap<String, String>) -> BTreeMap<String, Sealed> {
    data.iter()
        .map(|(k, v)| (k.clone(), state.secrets.seal(v)))
        .collect()
}

/// The metadata answer of a command (times come with GET).
fn render(id: i64, secret: &NamespaceSecret) -> serde_json::Value {
    let (Some(namespace_id), Some(name)) = (secret.namespace_id, &secret.name) else {
        return serde_json::Value::Bool(true);
    };
    serde_json::to_value(SecretBody {
        id,
        namespace_id,
        name: name.clone(),
        kubernetes_name: name.clone(),
        secret_type: secret.secret_type.map(|t| t.as_str().to_owned()),
        keys: secret.data.keys().cloned().collect(),
        created_at: None,
        updated_at: None,
        created_by: None,
        updated_by: None,
    })
    .unwrap_or_default()
}

pub(super) async fn run_secret(
    state: &AppState,
    access: &Access,
    id: i64,
    action: SecretAction,
    options: CommandOptions,
    answer: (StatusCode, Option<String>),
) -> Result<Reply, ApiError> {
    let command = SecretCommand {
        actor: access.actor.clone(),
        action,
    };
    run_on(
        state,
        &access.actor,
        id,
        command,
        options,
        answer,
        |secret| render(id, secret),
    )
    .await
}

/// The secret `id` of namespace `namespace_id`, loaded.
pub(super) async fn load(
    state: &AppState,
    namespace_id: i64,
    id: i64,
) -> Result<NamespaceSecret, ApiError> {
    let secret: NamespaceSecret = state.load(&id.to_string()).await?;
    if secret.namespace_id != Some(namespace_id) || secret.name.is_none() {
        return Err(not_found());
    }
    Ok(secret)
}

/// Create a secret in a namespace (`secrets:create` there).
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/secrets", tag = "secrets", request_body = SecretInput,
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 201, body = SecretBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, description = "no such namespace", body = ErrorBody),
              (status = 409, description = "the name is taken in the namespace, or the namespace is inactive", body = ErrorBody),
              (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<SecretInput>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let (name, secret_type) = checked(&body)?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("secrets", "create", Scope::Namespace(namespace_id))?;
            let id = next_platform_id(&st.pool, PlatformTable::Secrets).await?;
            let kind = ResourceKind::Secret;
            holds(
                &st,
                &access,
                namespace_id,
                NamespaceAction::Admit { kind, id },
            )
            .await?;
            let action = SecretAction::Create {
                namespace_id,
                name,
                secret_type,
                data: sealed(&st, &body.data),
                by: access.by(),
            };
            let location = format!("/api/v1/namespaces/{namespace_id}/secrets/{id}");
            let reply = run_secret(
                &st,
                &access,
                id,
                action,
                options,
                (StatusCode::CREATED, Some(location)),
            )
            .await;
            if !matches!(&reply, Ok(r) if !r.replayed()) {
                holds(
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

/// A namespace's secrets by name, keys only (`secrets:read` there).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/secrets", tag = "secrets",
    params(("namespaceId" = i64, Path), super::config_maps::ConfigMapQuery),
    responses((status = 200, body = inline(Page<SecretBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<super::config_maps::ConfigMapQuery>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = requested_position(&req)?;
    let q = query.into_inner();
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("secrets", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let namespace: Option<super::namespaces::NamespaceBody> =
                query::find(&st.pool, namespace_id).await?;
            namespace.ok_or_else(super::namespaces::not_found)?;
            let (results, total) = query::secrets::<SecretBody>(
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

/// One secret's keys and metadata (`secrets:read` in its namespace).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/secrets/{secretId}", tag = "secrets",
    params(("namespaceId" = i64, Path), ("secretId" = i64, Path)),
    responses((status = 200, body = SecretBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
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
    let secret = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("secrets", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::secret::<SecretBody>(&st.pool, namespace_id, id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(secret))
}

/// Replace a secret's values (`secrets:update` in its namespace); name and type stay.
#[utoipa::path(put, path = "/api/v1/namespaces/{namespaceId}/secrets/{secretId}", tag = "secrets", request_body = SecretInput,
    params(CommandHeaders, ("namespaceId" = i64, Path), ("secretId" = i64, Path)),
    responses((status = 200, body = SecretBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: JsonBody<SecretInput>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let (name, secret_type) = checked(&body)?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("secrets", "update", Scope::Namespace(namespace_id))?;
            load(&st, namespace_id, id).await?;
            let action = SecretAction::Update {
                name,
                secret_type,
                data: sealed(&st, &body.data),
                by: access.by(),
            };
            run_secret(&st, &access, id, action, options, (StatusCode::OK, None)).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a secret (`secrets:delete` in its namespace).
#[utoipa::path(delete, path = "/api/v1/namespaces/{namespaceId}/secrets/{secretId}", tag = "secrets",
    params(CommandHeaders, ("namespaceId" = i64, Path), ("secretId" = i64, Path)),
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
            access.require("secrets", "delete", Scope::Namespace(namespace_id))?;
            load(&st, namespace_id, id).await?;
            let mut reply = run_secret(
                &st,
                &access,
                id,
                SecretAction::Delete,
                options,
                (StatusCode::OK, None),
            )
            .await?;
            if !reply.replayed() {
                reply.body = serde_json::Value::Bool(true);
            }
            let kind = ResourceKind::Secret;
            holds(
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
