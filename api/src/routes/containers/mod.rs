//! `/mec/developer/v2/applications/{applicationId}/containers` (reference 1.4): a container
//! application's launch onto its K8S sandbox host (the "ContainerApp launch" operation, run by
//! the workflow runner on the Container aggregate) and the WebSSH address of a launched one.
//! Clean-up is the application's clean-env.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::container::{
    Container, ContainerAction, ContainerCommand, ContainerError, ContainerLaunchPlan, LaunchChart,
};
use domain::mephost::MepHost;
use domain::vm::HostSnapshot;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::commanding::{
    metadata, options, run_command, AppState, CommandEndpoint, CommandHeaders, CommandRequest,
};
use super::helm_charts::container_application;
use super::operations::{operation_error, Started};
use super::parse_uuid;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

/// Where the WebSSH service of a host listens (the original's `lcmIp:30209`).
pub const WEBSSH_PORT: u16 = 30209;

pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/{applicationId}/containers/action/launch").post(launch))
        .service(web::resource("/{applicationId}/containers/action/ssh").get(ssh));
}

impl CommandEndpoint for Container {
    fn command_name(command: &ContainerCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: ContainerError) -> ApiError {
        match rejection {
            ContainerError::AlreadyInstantiated => {
                ApiError::new(ErrorCode::AppInstantiated, rejection.to_string())
            }
            ContainerError::OperationRunning(_) => {
                ApiError::new(ErrorCode::OperationRunning, rejection.to_string())
            }
            ContainerError::Forbidden => {
                ApiError::forbidden("only the application's owner or an admin may do this")
            }
            ContainerError::Operation(e) => operation_error(e),
        }
    }
}

fn no_host(message: &str) -> ApiError {
    ApiError::new(ErrorCode::NoSandboxHost, message.to_owned())
}

/// The launch's plan, or why the application cannot be launched.
async fn plan_of(
    state: &AppState,
    actor: &domain::Actor,
    app_id: &str,
) -> Result<ContainerLaunchPlan, ApiError> {
    let live = container_application(state, actor, app_id).await?;
    if let Some(op) = live.operations.ongoing() {
        return Err(ApiError::new(
            ErrorCode::OperationRunning,
            format!(
                "the sandbox is being cleaned (operation {}); wait for it or cancel it",
                op.id
            ),
        ));
    }
    if live.helm_charts.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NoHelmChart,
            "the application has no helm chart; upload one (POST .../helmcharts) first",
        ));
    }
    let host_id = live.mep_host_id.clone().ok_or_else(|| {
        no_host("Sandbox not selected: select a K8S sandbox host (action/sel-mephost) first")
    })?;
    let host: MepHost = state.load(&host_id).await?;
    let f = host
        .fields
        .ok_or_else(|| no_host("the selected sandbox host no longer exists; select another"))?;
    if f.vim_type != "K8S" {
        return Err(no_host(&format!(
            "the selected sandbox host runs {}; a container application needs a K8S host",
            f.vim_type
        )));
    }
    Ok(ContainerLaunchPlan {
        app_id: app_id.to_owned(),
        app_name: live.fields.name.as_str().to_owned(),
        app_version: live.fields.version.as_str().to_owned(),
        app_provider: live.fields.provider.as_str().to_owned(),
        tenant: live.owner_id.clone(),
        host: HostSnapshot {
            id: host_id,
            name: f.name.clone(),
            lcm: f.lcm(),
            mec_host_ip: f.mec_host_ip.clone(),
            vim_type: f.vim_type.clone(),
            network_parameter: f.network_parameter.clone(),
        },
        charts: live
            .helm_charts
            .iter()
            .map(|c| LaunchChart {
                id: c.id.clone(),
                name: c.name.clone(),
                helm_chart_file_id: c.helm_chart_file_id.clone(),
            })
            .collect(),
        app_instance_id: uuid::Uuid::new_v4().to_string(),
    })
}

/// Launch the application's helm charts on its K8S sandbox host (asynchronous): the operation
/// "ContainerApp launch" builds the package, distributes it and instantiates it, and succeeds
/// once every pod runs. 409 `NO_HELM_CHART` without a chart, `APP_INSTANTIATED` while an
/// instance exists (clean-env first); 400 `NO_SANDBOX_HOST` without a selected K8S host.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/containers/action/launch", tag = "container-apps",
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = Started), (status = 400, description = "no K8S sandbox host selected", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "no chart, an instance exists, or an operation runs", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn launch(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let options = options(&req, b"")?;
    let operation_id = uuid::Uuid::new_v4().to_string();
    let mut meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    meta.operation_id = Some(operation_id.clone());
    let st = state.clone();
    let reply = state
        .offload(async move {
            let plan = plan_of(&st, &actor, &app_id).await?;
            let command = ContainerCommand {
                actor,
                action: ContainerAction::RequestLaunch {
                    operation_id: operation_id.clone(),
                    plan: Box::new(plan),
                    at: db::now_micros(),
                },
            };
            let request = CommandRequest::<Container>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(
                &st,
                request,
                move |_| json!({ "operationId": operation_id }),
            )
            .await
        })
        .await?;
    state.workflows.wake();
    Ok(reply.into_response())
}

/// `{sshUrl}` of a launched container application.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebSsh {
    /// The host's WebSSH service, opened on the sandbox host.
    pub ssh_url: String,
}

/// The WebSSH address of the application's sandbox host, once its launch succeeded (reference
/// 1.4); through the host's reverse proxy when it has one.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/containers/action/ssh", tag = "container-apps",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = WebSsh), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the application has no running instance", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn ssh(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let st = state.clone();
    let url = state
        .offload(async move {
            container_application(&st, &actor, &app_id).await?;
            let container: Container = st.load(&app_id).await?;
            let (Some(plan), Some(info)) = (&container.plan, &container.instance) else {
                return Err(not_instantiated());
            };
            if info.status.as_deref() != Some(domain::vm::INSTANTIATED) {
                return Err(not_instantiated());
            }
            let url = format!(
                "https://{}:{WEBSSH_PORT}/?hostname={}&instance={}",
                plan.host.lcm.ip, plan.host.mec_host_ip, plan.app_instance_id
            );
            let host: MepHost = st.load(&plan.host.id).await?;
            let proxy = host.fields.and_then(|f| f.reverse_proxy);
            Ok(super::operations::start::through_proxy(
                &url,
                proxy,
                &st.reverse_proxy.port.public_base(),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(WebSsh { ssh_url: url }))
}

fn not_instantiated() -> ApiError {
    ApiError::new(
        ErrorCode::AppNotInstantiated,
        "the application has no running instance; launch it first",
    )
}
