//! Starting operations: VM launch and image export, clean-env (each answers `{operationId}` at
//! once), and the VM console; the Vm aggregate's command endpoint.

use crate::routes::commanding::CommandHeaders;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::{Application, ApplicationAction, ApplicationCommand, LiveApplication};
use domain::mephost::MepHost;
use domain::vm::{HostSnapshot, LaunchPlan, Vm, VmAction, VmCommand, VmError};
use domain::Actor;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{operation_error, Started};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{
    metadata, options, run_command, AppState, CommandEndpoint, CommandRequest,
};
use crate::routes::parse_uuid;

impl CommandEndpoint for Vm {
    fn command_name(command: &VmCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: VmError) -> ApiError {
        match rejection {
            VmError::AlreadyInstantiated => {
                ApiError::new(ErrorCode::VmInstantiated, rejection.to_string())
            }
            VmError::NotInstantiated => {
                ApiError::new(ErrorCode::VmNotInstantiated, rejection.to_string())
            }
            VmError::OperationRunning(_) => {
                ApiError::new(ErrorCode::OperationRunning, rejection.to_string())
            }
            VmError::Forbidden => {
                ApiError::forbidden("only the application's owner or an admin may do this")
            }
            VmError::Operation(e) => operation_error(e),
        }
    }
}

/// Refuses to start a VM operation while the application's sandbox is being cleaned.
fn refuse_while_cleaning(live: &LiveApplication) -> Result<(), ApiError> {
    match live.operations.ongoing() {
        Some(op) => Err(ApiError::new(
            ErrorCode::OperationRunning,
            format!(
                "the sandbox is being cleaned (operation {}); wait for it or cancel it",
                op.id
            ),
        )),
        None => Ok(()),
    }
}

/// Loads the application and checks the actor may act on it.
pub async fn owned_application(
    state: &AppState,
    actor: &Actor,
    app_id: &str,
) -> Result<LiveApplication, ApiError> {
    let app: Application = state.load(app_id).await?;
    let live = app.state.ok_or_else(|| {
        ApiError::new(ErrorCode::ApplicationNotFound, "no application has this id")
    })?;
    if !actor.may_act_on(&live.owner_id) {
        return Err(ApiError::forbidden(
            "only the application's owner or an admin may access it",
        ));
    }
    Ok(live)
}

fn vm_missing() -> ApiError {
    ApiError::new(
        ErrorCode::VmNotFound,
        "the application has no virtual machine with this id",
    )
}

async fn start_vm_operation(
    state: web::Data<AppState>,
    actor: Actor,
    options: commands::CommandOptions,
    vm_id: String,
    operation_id: String,
    action: VmAction,
) -> Result<HttpResponse, ApiError> {
    let mut meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    meta.operation_id = Some(operation_id.clone());
    let st = state.clone();
    let op = operation_id.clone();
    let reply = state
        .offload(async move {
            let command = VmCommand { actor, action };
            let request = CommandRequest::<Vm>::new(vm_id.clone(), command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, move |_| json!({ "operationId": op })).await
        })
        .await?;
    state.workflows.wake();
    Ok(reply.into_response())
}

/// Launch a VM on the application's sandbox host (asynchronous).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/vms/{vmId}/action/launch", tag = "operations",
    params(CommandHeaders, ("applicationId" = String, Path), ("vmId" = String, Path)),
    responses((status = 200, body = Started), (status = 400, description = "no sandbox host selected, or the VM has an instance (clean env first)", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "an operation runs on the VM", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn launch(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let vm_id = parse_uuid(&path.1, "vmId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let (actor_for_plan, vm_for_plan) = (actor.clone(), vm_id.clone());
    let plan = state
        .offload(async move {
            let live = owned_application(&st, &actor_for_plan, &app_id).await?;
            let vm = live.vm(&vm_for_plan).ok_or_else(vm_missing)?.clone();
            refuse_while_cleaning(&live)?;
            let host_id = live.mep_host_id.clone().ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NoSandboxHost,
                    "Sandbox not selected: select a sandbox host (action/sel-mephost) first",
                )
            })?;
            let host: MepHost = st.load(&host_id).await?;
            let f = host.fields.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NoSandboxHost,
                    "the selected sandbox host no longer exists; select another",
                )
            })?;
            Ok(LaunchPlan {
                app_id: app_id.clone(),
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
                vm,
                app_instance_id: uuid::Uuid::new_v4().to_string(),
            })
        })
        .await?;
    let operation_id = uuid::Uuid::new_v4().to_string();
    let action = VmAction::RequestLaunch {
        operation_id: operation_id.clone(),
        plan: Box::new(plan),
        at: db::now_micros(),
    };
    start_vm_operation(state, actor, options, vm_id, operation_id, action).await
}

/// Export the image of a launched VM (asynchronous).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/vms/{vmId}/action/export-image", tag = "operations",
    params(CommandHeaders, ("applicationId" = String, Path), ("vmId" = String, Path)),
    responses((status = 200, body = Started), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "no successful instance, or an operation runs on the VM", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn export_image(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let vm_id = parse_uuid(&path.1, "vmId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let (a, v) = (actor.clone(), vm_id.clone());
    state
        .offload(async move {
            let live = owned_application(&st, &a, &app_id).await?;
            live.vm(&v).ok_or_else(vm_missing)?;
            refuse_while_cleaning(&live)
        })
        .await?;
    let operation_id = uuid::Uuid::new_v4().to_string();
    let action = VmAction::RequestExport {
        operation_id: operation_id.clone(),
        at: db::now_micros(),
    };
    start_vm_operation(state, actor, options, vm_id, operation_id, action).await
}

/// Clean the application's sandbox: remove every VM's instance from its host (asynchronous).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/action/clean-env", tag = "operations",
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = Started), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "an operation runs on the application or one of its VMs", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn clean_env(
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
    let op = operation_id.clone();
    let reply = state
        .offload(async move {
            let live = owned_application(&st, &actor, &app_id).await?;
            for config in &live.vms {
                let vm: Vm = st.load(&config.id).await?;
                if let Some(running) = vm.operations.ongoing() {
                    return Err(ApiError::new(
                        ErrorCode::OperationRunning,
                        format!(
                            "operation {} is still running on vm {}; wait for it or cancel it",
                            running.id, config.spec.name
                        ),
                    ));
                }
            }
            let container: domain::container::Container = st.load(&app_id).await?;
            if let Some(running) = container.operations.ongoing() {
                return Err(ApiError::new(
                    ErrorCode::OperationRunning,
                    format!(
                        "operation {} is still running on the application's containers; wait for it or cancel it",
                        running.id
                    ),
                ));
            }
            let command = ApplicationCommand {
                actor,
                action: ApplicationAction::RequestCleanEnv {
                    operation_id: op.clone(),
                    at: db::now_micros(),
                },
            };
            let request = CommandRequest::<Application>::new(app_id.clone(), command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, move |_| json!({ "operationId": op })).await
        })
        .await?;
    state.workflows.wake();
    Ok(reply.into_response())
}

/// The console URL rewritten to go through the host's reverse proxy route (reference 1.3): its
/// `scheme://host:port` becomes the proxy's `public_base:proxyPort` when the port is the one the
/// route forwards to; otherwise (no route, a K8S host) the URL is as LCM gave it.
pub fn through_proxy(
    url: &str,
    proxy: Option<domain::mephost::HostProxy>,
    public_base: &str,
) -> String {
    let Some(proxy) = proxy else {
        return url.to_owned();
    };
    let Some((_, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let port = authority
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok());
    if port != Some(proxy.dest_host_port) {
        return url.to_owned();
    }
    format!("{public_base}:{}{path}", proxy.proxy_port)
}

/// `{vncUrl}` of a VM's console.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Console {
    pub vnc_url: String,
}

/// A console for a launched VM, asked of its host's resource controller (reference 1.3).
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/vms/{vmId}/action/vnc", tag = "vms",
    params(("applicationId" = String, Path), ("vmId" = String, Path)),
    responses((status = 200, body = Console), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the VM has no successful instance", body = ErrorBody),
              (status = 503, description = "the host's LCM did not answer", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn vnc(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let vm_id = parse_uuid(&path.1, "vmId")?;
    let st = state.clone();
    let console = state
        .offload(async move {
            let live = owned_application(&st, &actor, &app_id).await?;
            live.vm(&vm_id).ok_or_else(vm_missing)?;
            let vm: Vm = st.load(&vm_id).await?;
            let (Some(plan), Some(info)) = (&vm.plan, &vm.instance) else {
                return Err(Vm::rejection(VmError::NotInstantiated));
            };
            let server = match (&info.status, &info.vm_instance_id) {
                (Some(status), Some(server)) if status == domain::vm::INSTANTIATED => server,
                _ => return Err(Vm::rejection(VmError::NotInstantiated)),
            };
            let url = st
                .lcm
                .port
                .create_console(&plan.host.lcm, &plan.tenant, &plan.host.mec_host_ip, server)
                .await
                .map_err(|e| {
                    ApiError::unavailable(format!("the host's LCM gave no console: {e}"))
                        .with_ret_code(20028)
                })?;
            let host: domain::mephost::MepHost = st.load(&plan.host.id).await?;
            let proxy = host.fields.and_then(|f| f.reverse_proxy);
            Ok(Console {
                vnc_url: through_proxy(&url, proxy, &st.reverse_proxy.port.public_base()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(console))
}
