//! `/api/v1/namespaces/{namespaceId}/containers`: a namespace's containers
//! (`containers:create|read|update|delete` in that namespace; start, resume and restart need
//! `containers:start`, stop and pause `containers:stop`). A creation is admitted by the
//! namespace first and released again when it is refused; a deletion releases it after (ADR
//! 0016). A lifecycle action answers 202 with its operation, which the workflow runner carries
//! out against the orchestrator. Reads run under the row-level security of `containers`.

pub mod actions;
pub mod dto;
pub mod reads;
mod refs;
pub mod usage;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::ids::{next_platform_id, PlatformTable};
use domain::namespace::{Namespace, NamespaceAction, ResourceKind};
use domain::permission::Scope;
use domain::platform_container::{
    Placement, PlatformContainer, PlatformContainerAction as Action, PlatformContainerCommand,
    PlatformContainerError as Rejection, Verb, CONTAINER_NAME,
};
use serde_json::json;

use actions::act;
use reads::{get, history, list};

pub use dto::{
    ContainerBody, ContainerEnvBody, ContainerInput, ContainerMountBody, ContainerPortBody,
    ContainerQuery, DeleteQuery, EnvInput, HistoryQuery, MountInput, PortInput, StatusChangeBody,
    ValueFromInput,
};

use self::dto::invalid;
use super::commanding::{
    json_bytes, metadata, options, run_command, AppState, CommandEndpoint, CommandHeaders,
    CommandRequest, Reply,
};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::parse_int_id;

pub const READ_MODELS: &[&str] = &["platform_containers"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/namespaces/{namespaceId}/containers")
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{containerId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            )
            .service(web::resource("/{containerId}/actions/{action}").post(act))
            .service(web::resource("/{containerId}/status-history").get(history))
            .service(web::resource("/{containerId}/usage").get(usage::query::container_usage)),
    )
    .service(web::resource("/api/v1/namespaces/{namespaceId}/summary").get(reads::summary))
    .service(
        web::resource("/api/v1/metrics/containers")
            .app_data(web::PayloadConfig::default().limit(usage::MAX_BATCH_BYTES))
            .post(usage::ingest::ingest),
    );
}

impl CommandEndpoint for PlatformContainer {
    fn command_name(command: &PlatformContainerCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: Rejection) -> ApiError {
        let with_status = |code, status: domain::platform_container::ContainerStatus, text| {
            let mut params = vec![status.as_str().to_owned()];
            params.extend(status.allowed().iter().map(|v| v.as_str().to_owned()));
            let allowed = params[1..].join(", ");
            ApiError::new(
                code,
                format!(
                    "{text}; the container is {} and allows: {allowed}",
                    status.as_str()
                ),
            )
            .with_params(params)
        };
        match rejection {
            Rejection::NotFound => not_found(),
            Rejection::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "a container with this id already exists; retry",
            ),
            Rejection::Spec(spec) => invalid(spec),
            Rejection::Immutable(field) => {
                ApiError::new(ErrorCode::InvalidField, format!("{field} cannot change"))
                    .with_params(vec![field.to_owned()])
            }
            Rejection::Busy(op) => ApiError::new(
                ErrorCode::OperationRunning,
                format!("operation {op} still runs on the container"),
            )
            .with_params(vec![op]),
            Rejection::AlreadyThere(status) => {
                with_status(ErrorCode::ContainerAlreadyInState, status, "nothing to do")
            }
            Rejection::NotAllowed(status, verb) => with_status(
                ErrorCode::ContainerActionNotAllowed,
                status,
                match verb {
                    Verb::Start => "start is not allowed",
                    Verb::Stop => "stop is not allowed",
                    Verb::Pause => "pause is not allowed",
                    Verb::Resume => "resume is not allowed",
                    Verb::Restart => "restart is not allowed",
                },
            ),
            Rejection::NeedsForce(status) => ApiError::new(
                ErrorCode::ContainerRunning,
                format!(
                    "the container is {}; delete it with force=true",
                    status.as_str()
                ),
            )
            .with_params(vec![status.as_str().to_owned()]),
            Rejection::Operation(e) => super::operations::operation_error(e),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        match scope {
            CONTAINER_NAME => ApiError::new(
                ErrorCode::DuplicateContainer,
                "the namespace has a container of this name",
            )
            .with_params(vec!["name".into()]),
            other => ApiError::new(
                ErrorCode::Duplicate,
                format!("the value of {other} is already taken"),
            ),
        }
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::ContainerNotFound,
        "the namespace has no container with this id",
    )
}

fn paths(path: &(String, String)) -> Result<(i64, i64), ApiError> {
    Ok((
        parse_int_id(&path.0, "namespaceId")?,
        parse_int_id(&path.1, "containerId")?,
    ))
}

/// Runs `action` on container `id` as the caller, answering `(status, location)`; the
/// answer's operation id, if any, goes into the events' metadata.
async fn run_container(
    state: &AppState,
    access: &Access,
    id: i64,
    action: Action,
    options: commands::CommandOptions,
    answer: (StatusCode, Option<String>, Option<String>),
    render: impl Fn(&PlatformContainer) -> serde_json::Value,
) -> Result<Reply, ApiError> {
    let (status, location, operation) = answer;
    let command = PlatformContainerCommand {
        actor: access.actor.clone(),
        action,
    };
    let key = options.idempotency.as_ref().map(|i| i.key.clone());
    let mut meta = metadata(&access.actor, key.as_deref());
    meta.operation_id = operation;
    let request = CommandRequest::<PlatformContainer>::new(id.to_string(), command, meta)
        .with_options(options)
        .answered_with(status, location);
    run_command(state, request, render).await
}

/// The container `id` of namespace `namespace_id`, as the write side has it (404 otherwise).
async fn current(
    state: &AppState,
    namespace_id: i64,
    id: i64,
) -> Result<PlatformContainer, ApiError> {
    let container: PlatformContainer = state.load(&id.to_string()).await?;
    if container.namespace_id != Some(namespace_id) || container.live().is_none() {
        return Err(not_found());
    }
    Ok(container)
}

/// The caller's view for the read side's row-level security.
fn viewer(access: &Access) -> projections::read_models::operation_logs::query::Viewer {
    access.viewer()
}

/// Create a container in a namespace (`containers:create` there). It starts `pending`.
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/containers", tag = "containers", request_body = ContainerInput,
    params(CommandHeaders, ("namespaceId" = i64, Path)),
    responses((status = 201, body = ContainerBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, description = "no such namespace", body = ErrorBody),
              (status = 409, description = "the name is taken in the namespace, or the namespace is inactive", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ContainerInput>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let spec = body.spec()?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "create", Scope::Namespace(namespace_id))?;
            let namespace: Namespace = st.load(&namespace_id.to_string()).await?;
            let kubernetes_namespace = namespace
                .fields
                .as_ref()
                .filter(|_| !namespace.deleted)
                .map(|f| f.kubernetes_name.clone())
                .ok_or_else(super::namespaces::not_found)?;
            let image_reference = refs::check(&st, namespace_id, &spec).await?;
            let id = next_platform_id(&st.pool, PlatformTable::Containers).await?;
            let kind = ResourceKind::Container;
            let admit = NamespaceAction::Admit { kind, id };
            super::namespaces::holds(&st, &access, namespace_id, admit).await?;
            let action = Action::Create {
                placement: Placement {
                    namespace_id,
                    kubernetes_namespace,
                },
                image_reference,
                spec,
                by: access.by(),
            };
            let location = format!("/api/v1/namespaces/{namespace_id}/containers/{id}");
            let answered = (StatusCode::CREATED, Some(location), None);
            let reply = run_container(&st, &access, id, action, options, answered, |c| {
                render(id, c)
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

/// The body of a command's answer: what the write side knows (GET shows the whole row).
fn render(id: i64, c: &PlatformContainer) -> serde_json::Value {
    let spec = c.spec.as_ref();
    json!({
        "id": id,
        "namespaceId": c.namespace_id,
        "name": spec.map(|s| s.name.clone()),
        "displayName": spec.and_then(|s| s.display_name.clone()),
        "imageId": spec.map(|s| s.image_id),
        "status": c.status.as_str(),
        "kubernetesName": spec.map(|s| s.name.clone()),
        "cpuRequest": spec.and_then(|s| s.cpu_request.clone()),
        "cpuLimit": spec.and_then(|s| s.cpu_limit.clone()),
        "memoryRequest": spec.and_then(|s| s.memory_request.clone()),
        "memoryLimit": spec.and_then(|s| s.memory_limit.clone()),
        "restartCount": c.pod.as_ref().map_or(0, |p| p.restart_count),
        "ports": [], "env": [], "volumeMounts": [],
    })
}

/// Replace a container's spec (`containers:update`); its name cannot change. A running
/// workload takes the new spec at its next start or restart.
#[utoipa::path(put, path = "/api/v1/namespaces/{namespaceId}/containers/{containerId}", tag = "containers", request_body = ContainerInput,
    params(CommandHeaders, ("namespaceId" = i64, Path), ("containerId" = i64, Path)),
    responses((status = 200, body = ContainerBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: JsonBody<ContainerInput>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let spec = body.spec()?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "update", Scope::Namespace(namespace_id))?;
            current(&st, namespace_id, id).await?;
            let image_reference = refs::check(&st, namespace_id, &spec).await?;
            let action = Action::Update {
                image_reference,
                spec,
                by: access.by(),
            };
            run_container(
                &st,
                &access,
                id,
                action,
                options,
                (StatusCode::OK, None, None),
                |c| render(id, c),
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a container (`containers:delete`); a running, paused or crash-looping one only with
/// `force=true` (which also cancels an action in progress). Its Deployment is removed by an
/// operation.
#[utoipa::path(delete, path = "/api/v1/namespaces/{namespaceId}/containers/{containerId}", tag = "containers",
    params(CommandHeaders, ("namespaceId" = i64, Path), ("containerId" = i64, Path), DeleteQuery),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "CONTAINER_RUNNING without force, OPERATION_RUNNING while an action runs", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<DeleteQuery>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let force = query.force.unwrap_or(false);
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "delete", Scope::Namespace(namespace_id))?;
            current(&st, namespace_id, id).await?;
            let operation_id = uuid::Uuid::new_v4().to_string();
            let action = Action::Delete {
                container_id: id,
                force,
                operation_id: operation_id.clone(),
                by: access.by(),
                at: db::now_micros(),
            };
            let reply = run_container(
                &st,
                &access,
                id,
                action,
                options,
                (StatusCode::OK, None, Some(operation_id)),
                |_| serde_json::Value::Bool(true),
            )
            .await?;
            let release = NamespaceAction::Release {
                kind: ResourceKind::Container,
                id,
            };
            super::namespaces::holds(&st, &access, namespace_id, release).await?;
            Ok(reply)
        })
        .await?;
    state.workflows.wake();
    Ok(reply.into_response())
}
