//! `/api/v1/namespaces/{namespaceId}/volumes`: a namespace's volumes
//! (`volumes:create|read|delete` in that namespace; a `host_path` volume also `volumes:admin`).
//! A creation is admitted by the namespace first and released again when it is refused; a
//! deletion releases it after (ADR 0016). A `config_map` or `secret` volume must name one of the
//! namespace's.

pub mod dto;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::ids::{next_platform_id, PlatformTable};
use domain::namespace::{NamespaceAction, ResourceKind};
use domain::permission::Scope;
use domain::volume::{Volume, VolumeAction, VolumeCommand, VolumeError, VolumeType, VOLUME_NAME};
use projections::read_models::namespaces::query::{self, Source};

pub use dto::{VolumeBody, VolumeInput, VolumeQuery};

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
/// The volume types, as the `type` filter takes them.
const TYPES: &[&str] = &[
    "persistent_volume_claim",
    "config_map",
    "secret",
    "host_path",
    "empty_dir",
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/namespaces/{namespaceId}/volumes")
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{volumeId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            ),
    );
}

impl CommandEndpoint for Volume {
    fn command_name(command: &VolumeCommand) -> &'static str {
        match command.action {
            VolumeAction::Create { .. } => "create",
            VolumeAction::Update { .. } => "update",
            VolumeAction::Delete => "delete",
        }
    }

    fn rejection(rejection: VolumeError) -> ApiError {
        match rejection {
            VolumeError::NotFound => not_found(),
            VolumeError::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "a volume with this id already exists; retry",
            ),
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        match scope {
            VOLUME_NAME => ApiError::new(
                ErrorCode::DuplicateVolume,
                "the namespace has a volume of this name",
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
        ErrorCode::VolumeNotFound,
        "the namespace has no volume with this id",
    )
}

fn paths(path: &(String, String)) -> Result<(i64, i64), ApiError> {
    Ok((
        parse_int_id(&path.0, "namespaceId")?,
        parse_int_id(&path.1, "volumeId")?,
    ))
}

/// Runs `action` on volume `id` as the caller.
async fn run_volume(
    state: &AppState,
    access: &Access,
    id: i64,
    action: VolumeAction,
    options: commands::CommandOptions,
    answer: (StatusCode, Option<String>),
    render: impl Fn(&Volume) -> serde_json::Value,
) -> Result<Reply, ApiError> {
    let command = VolumeCommand {
        actor: access.actor.clone(),
        action,
    };
    run_on(state, &access.actor, id, command, options, answer, render).await
}

/// Refuses a `config_map` or `secret` volume whose source the namespace does not have.
async fn check_source(
    state: &AppState,
    namespace_id: i64,
    volume_type: VolumeType,
    name: Option<&str>,
) -> Result<(), ApiError> {
    let (source, what) = match volume_type {
        VolumeType::ConfigMap => (Source::ConfigMap, "config map"),
        VolumeType::Secret => (Source::Secret, "secret"),
        _ => return Ok(()),
    };
    let name = name.unwrap_or_default();
    if query::has_source(&state.pool, namespace_id, source, name).await? {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::InvalidField,
        format!("the namespace has no {what} named {name:?}"),
    )
    .with_params(vec!["sourceName".into()]))
}

/// Create a volume in a namespace (`volumes:create` there; a host_path one `volumes:admin`).
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/volumes", tag = "volumes", request_body = VolumeInput,
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 201, body = VolumeBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, description = "no such namespace", body = ErrorBody),
              (status = 409, description = "the name is taken in the namespace, or the namespace is inactive", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<VolumeInput>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let fields = body.fields()?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            let scope = Scope::Namespace(namespace_id);
            access.require("volumes", "create", scope)?;
            if fields.volume_type == VolumeType::HostPath {
                access.require("volumes", "admin", scope)?;
            }
            check_source(
                &st,
                namespace_id,
                fields.volume_type,
                fields.source_name.as_deref(),
            )
            .await?;
            let id = next_platform_id(&st.pool, PlatformTable::Volumes).await?;
            let kind = ResourceKind::Volume;
            let admit = NamespaceAction::Admit { kind, id };
            super::namespaces::holds(&st, &access, namespace_id, admit).await?;
            let answer = fields.clone();
            let action = VolumeAction::Create {
                namespace_id,
                fields,
                by: access.by(),
            };
            let location = format!("/api/v1/namespaces/{namespace_id}/volumes/{id}");
            let answered = (StatusCode::CREATED, Some(location));
            let reply = run_volume(&st, &access, id, action, options, answered, |_| {
                render(id, namespace_id, &answer)
            })
            .await;
            if !matches!(&reply, Ok(r) if !r.replayed()) {
                // Refused, or a retry answered from its first result: this id holds nothing.
                let release = NamespaceAction::Release { kind, id };
                super::namespaces::holds(&st, &access, namespace_id, release).await?;
            }
            reply
        })
        .await?;
    Ok(reply.into_response())
}

/// A namespace's volumes by name (`volumes:read` there).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/volumes", tag = "volumes",
    params(("namespaceId" = i64, Path), VolumeQuery),
    responses((status = 200, body = inline(Page<VolumeBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<VolumeQuery>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    if let Some(kind) = query.volume_type.as_deref() {
        if !TYPES.contains(&kind) {
            return Err(ApiError::new(
                ErrorCode::InvalidQuery,
                format!("type must be one of {}", TYPES.join(", ")),
            )
            .with_params(vec!["type".into()]));
        }
    }
    let position = requested_position(&req)?;
    let q = query.into_inner();
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("volumes", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let namespace: Option<super::namespaces::NamespaceBody> =
                query::find(&st.pool, namespace_id).await?;
            namespace.ok_or_else(super::namespaces::not_found)?;
            let (results, total) = query::volumes::<VolumeBody>(
                &st.pool,
                namespace_id,
                q.volume_type.as_deref(),
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

/// One volume (`volumes:read` in its namespace).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/volumes/{volumeId}", tag = "volumes",
    params(("namespaceId" = i64, Path), ("volumeId" = i64, Path)),
    responses((status = 200, body = VolumeBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
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
    let volume = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("volumes", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::volume::<VolumeBody>(&st.pool, namespace_id, id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(volume))
}

/// Resize a volume or change its default mount path (`volumes:update` in its namespace); the
/// body is the creation's, and everything else must stay as it is (a claim only grows).
#[utoipa::path(put, path = "/api/v1/namespaces/{namespaceId}/volumes/{volumeId}", tag = "volumes", request_body = VolumeInput,
    params(CommandHeaders, ("namespaceId" = i64, Path), ("volumeId" = i64, Path)),
    responses((status = 200, body = VolumeBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: JsonBody<VolumeInput>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let fields = body.fields()?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("volumes", "update", Scope::Namespace(namespace_id))?;
            let current: Volume = st.load(&id.to_string()).await?;
            if current.namespace_id != Some(namespace_id) || current.deleted {
                return Err(not_found());
            }
            let answer = fields.clone();
            let action = VolumeAction::Update {
                fields,
                by: access.by(),
            };
            run_volume(
                &st,
                &access,
                id,
                action,
                options,
                (StatusCode::OK, None),
                |_| render(id, namespace_id, &answer),
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a volume (`volumes:delete` in its namespace).
#[utoipa::path(delete, path = "/api/v1/namespaces/{namespaceId}/volumes/{volumeId}", tag = "volumes",
    params(CommandHeaders, ("namespaceId" = i64, Path), ("volumeId" = i64, Path)),
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
            access.require("volumes", "delete", Scope::Namespace(namespace_id))?;
            let current: Volume = st.load(&id.to_string()).await?;
            if current.namespace_id != Some(namespace_id) {
                return Err(not_found());
            }
            let answered = (StatusCode::OK, None);
            let reply = run_volume(
                &st,
                &access,
                id,
                VolumeAction::Delete,
                options,
                answered,
                |_| serde_json::Value::Bool(true),
            )
            .await?;
            let release = NamespaceAction::Release {
                kind: ResourceKind::Volume,
                id,
            };
            super::namespaces::holds(&st, &access, namespace_id, release).await?;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}
