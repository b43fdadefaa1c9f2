//! `/mec/developer/v2/applications/{applicationId}/networks` and `.../vms` (reference 1.3): the
//! networks and virtual machines of a VM application. Commands go through the Application
//! aggregate (names unique per application, ports only on its networks, no deleting a network a
//! port uses); queries read `tbl_network`, `tbl_vm` and what hangs off it. VM passwords are sealed
//! on arrival and shown as "******". Deleting a deployed VM first cleans its instance off the host.

use crate::routes::commanding::CommandHeaders;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::{Application, ApplicationAction, ApplicationCommand};
use domain::vm::Vm;

mod dto;
mod queries;

pub use dto::{vm_body, CertificateBody, KeyPairBody, NetworkBody, PasswordBody, PortBody, VmBody};
pub use queries::READ_MODELS;

use self::dto::{network_fields, vm_config};
use super::commanding::{json_bytes, metadata, options, run_command, AppState, CommandRequest};
use super::parse_uuid;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use commands::CommandOptions;

/// The networks, VMs and sandbox actions of an application, registered inside the applications
/// scope (paths relative to `/mec/developer/v2/applications`). One resource per path, each with
/// its methods, so a request is matched against as few patterns as possible.
pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    use super::operations;
    cfg.service(
        web::resource("/{applicationId}/networks")
            .route(web::post().to(create_network))
            .route(web::get().to(list_networks)),
    )
    .service(
        web::resource("/{applicationId}/networks/{networkId}")
            .route(web::get().to(get_network))
            .route(web::put().to(update_network))
            .route(web::delete().to(delete_network)),
    )
    .service(
        web::resource("/{applicationId}/vms")
            .route(web::post().to(create_vm))
            .route(web::get().to(list_vms)),
    )
    .service(
        web::resource("/{applicationId}/vms/{vmId}")
            .route(web::get().to(get_vm))
            .route(web::put().to(update_vm))
            .route(web::delete().to(delete_vm)),
    )
    .service(web::resource("/{applicationId}/vms/{vmId}/action/launch").post(operations::launch))
    .service(
        web::resource("/{applicationId}/vms/{vmId}/action/export-image")
            .post(operations::export_image),
    )
    .service(web::resource("/{applicationId}/vms/{vmId}/action/vnc").get(operations::vnc))
    .service(web::resource("/{applicationId}/action/clean-env").post(operations::clean_env));
}

/// Runs an application command that changes networks or VMs.
async fn app_command(
    state: web::Data<AppState>,
    caller: Caller,
    options: CommandOptions,
    app_id: String,
    action: ApplicationAction,
    success: StatusCode,
    render: impl Fn(&Application) -> serde_json::Value + Send + Sync + 'static,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let st = state.clone();
    let reply = state
        .offload(async move {
            let command = ApplicationCommand { actor, action };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(success, None);
            run_command(&st, request, render).await
        })
        .await?;
    Ok(reply.into_response())
}

/// A VM must name a flavor of the catalogue; an update may keep the one it has even if an admin
/// has since removed it from the catalogue.
async fn check_flavor(
    state: &web::Data<AppState>,
    flavor_id: &str,
    kept: Option<&str>,
) -> Result<(), ApiError> {
    if kept == Some(flavor_id) {
        return Ok(());
    }
    let st = state.clone();
    let id = flavor_id.to_owned();
    let known = state
        .offload(async move {
            projections::read_models::flavors::query::exists(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    if known {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::UnknownFlavor,
            format!("flavor {flavor_id} is not in the catalogue (GET /mec/developer/v2/flavors lists them)"),
        )
        .with_params(vec!["flavorId".into()]))
    }
}

/// A VM must name an image the caller may use (their own, a public one, or any for an admin); an
/// update may keep the one it has even if it has since been deleted or made private. A caller
/// who may not touch the application hears that first (403/404), not about the image.
async fn check_image(
    state: &web::Data<AppState>,
    actor: &domain::Actor,
    app_id: &str,
    image_id: i32,
    kept: Option<i32>,
) -> Result<(), ApiError> {
    if kept == Some(image_id) {
        return Ok(());
    }
    let st = state.clone();
    let (user_id, admin) = (actor.user_id.clone(), actor.is_admin());
    let usable = state
        .offload(async move {
            let viewer = projections::read_models::vm_images::query::ImageViewer {
                user_id: &user_id,
                admin,
            };
            projections::read_models::vm_images::query::usable(&st.pool, viewer, image_id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    if usable {
        return Ok(());
    }
    let st = state.clone();
    let (who, app) = (actor.clone(), app_id.to_owned());
    state
        .offload(async move {
            crate::routes::operations::owned_application(&st, &who, &app)
                .await
                .map(drop)
        })
        .await?;
    Err(ApiError::new(
        ErrorCode::UnknownVmImage,
        format!("VM image {image_id} does not exist or is not yours to use (POST /mec/developer/v2/vmimages/action/get-list lists those you may use)"),
    )
    .with_params(vec!["imageId".into()]))
}

fn render_network(
    id: String,
) -> impl Fn(&Application) -> serde_json::Value + Send + Sync + 'static {
    move |app| {
        app.state
            .as_ref()
            .and_then(|live| live.networks.iter().find(|n| n.id == id))
            .map(|n| serde_json::json!({"id": n.id, "name": n.name, "description": n.description}))
            .unwrap_or(serde_json::Value::Bool(true))
    }
}

fn render_vm(id: String) -> impl Fn(&Application) -> serde_json::Value + Send + Sync + 'static {
    move |app| {
        app.state
            .as_ref()
            .and_then(|live| live.vm(&id))
            .map(|vm| {
                let mut body = vm_body(vm);
                body.status = Some("NOT_DEPLOY".into());
                serde_json::to_value(body).unwrap_or_default()
            })
            .unwrap_or(serde_json::Value::Bool(true))
    }
}

/// Add a network.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/networks", tag = "vms", request_body = NetworkBody,
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = NetworkBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "name taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create_network(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<NetworkBody>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path, "applicationId")?;
    let id = uuid::Uuid::new_v4().to_string();
    let network = network_fields(id.clone(), &body)?;
    app_command(
        state,
        caller,
        options(&req, &json_bytes(&*body))?,
        app_id,
        ApplicationAction::CreateNetwork(network),
        StatusCode::OK,
        render_network(id),
    )
    .await
}

/// Change a network.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/networks/{networkId}", tag = "vms", request_body = NetworkBody,
    params(CommandHeaders, ("applicationId" = String, Path), ("networkId" = String, Path)),
    responses((status = 200, body = NetworkBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_network(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: crate::request_rules::JsonBody<NetworkBody>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = parse_uuid(&path.1, "networkId")?;
    let network = network_fields(id.clone(), &body)?;
    app_command(
        state,
        caller,
        options(&req, &json_bytes(&*body))?,
        app_id,
        ApplicationAction::UpdateNetwork(network),
        StatusCode::OK,
        render_network(id),
    )
    .await
}

/// Delete a network; refused (409) while a VM port uses it.
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/networks/{networkId}", tag = "vms",
    params(CommandHeaders, ("applicationId" = String, Path), ("networkId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 404, body = ErrorBody), (status = 409, description = "Network is used by vm port", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_network(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let network_id = parse_uuid(&path.1, "networkId")?;
    app_command(
        state,
        caller,
        options(&req, b"")?,
        app_id,
        ApplicationAction::DeleteNetwork { network_id },
        StatusCode::OK,
        |_| serde_json::Value::Bool(true),
    )
    .await
}

/// Configure a VM (the first one moves the application to CONFIGURED).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/vms", tag = "vms", request_body = VmBody,
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = VmBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create_vm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<VmBody>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path, "applicationId")?;
    let id = uuid::Uuid::new_v4().to_string();
    let vm = vm_config(&state, id.clone(), &body, None)?;
    check_flavor(&state, &vm.spec.flavor_id, None).await?;
    check_image(&state, &caller.0, &app_id, vm.spec.image_id, None).await?;
    app_command(
        state,
        caller,
        options(&req, &json_bytes(&*body))?,
        app_id,
        ApplicationAction::CreateVm(vm),
        StatusCode::OK,
        render_vm(id),
    )
    .await
}

/// Replace a VM's configuration (ports recreated; no password keeps the current one).
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/vms/{vmId}", tag = "vms", request_body = VmBody,
    params(CommandHeaders, ("applicationId" = String, Path), ("vmId" = String, Path)),
    responses((status = 200, body = VmBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_vm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: crate::request_rules::JsonBody<VmBody>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = parse_uuid(&path.1, "vmId")?;
    let st = state.clone();
    let app_for_load = app_id.clone();
    let app: Application = state
        .offload(async move { st.load(&app_for_load).await })
        .await?;
    let current = app.state.as_ref().and_then(|l| l.vm(&id)).cloned();
    let vm = vm_config(&state, id.clone(), &body, current.as_ref())?;
    let kept = current.as_ref().map(|c| c.spec.flavor_id.as_str());
    check_flavor(&state, &vm.spec.flavor_id, kept).await?;
    let kept_image = current.as_ref().map(|c| c.spec.image_id);
    check_image(&state, &caller.0, &app_id, vm.spec.image_id, kept_image).await?;
    app_command(
        state,
        caller,
        options(&req, &json_bytes(&*body))?,
        app_id,
        ApplicationAction::UpdateVm(vm),
        StatusCode::OK,
        render_vm(id),
    )
    .await
}

/// Delete a VM; a deployed one is first cleaned off its host.
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/vms/{vmId}", tag = "vms",
    params(CommandHeaders, ("applicationId" = String, Path), ("vmId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 404, body = ErrorBody), (status = 409, description = "an operation runs on the VM", body = ErrorBody), (status = 503, description = "the host's LCM could not clean it up", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_vm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let vm_id = parse_uuid(&path.1, "vmId")?;
    let actor = caller.tenant_or_admin()?;
    let caller = Caller(actor.clone());
    let st = state.clone();
    let (app_ref, vm_ref) = (app_id.clone(), vm_id.clone());
    state
        .offload(async move {
            let live = super::operations::owned_application(&st, &actor, &app_ref).await?;
            live.vm(&vm_ref).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::VmNotFound,
                    "the application has no virtual machine with this id",
                )
            })?;
            let vm: Vm = st.load(&vm_ref).await?;
            if let Some(op) = vm.operations.ongoing() {
                return Err(ApiError::new(
                    ErrorCode::OperationRunning,
                    format!(
                        "operation {} is still running on this vm; wait for it or cancel it",
                        op.id
                    ),
                ));
            }
            if vm.holds_host_resources() {
                let meta = metadata(&actor, None);
                workflows::clean::clean_instance(&st.workflows, &vm_ref, &vm, &actor, &meta)
                    .await
                    .map_err(|e| {
                        ApiError::unavailable(format!("cleaning the VM off its host failed: {e}"))
                            .with_ret_code(20028)
                    })?;
            }
            Ok(())
        })
        .await?;
    app_command(
        state,
        caller,
        options(&req, b"")?,
        app_id,
        ApplicationAction::DeleteVm { vm_id },
        StatusCode::OK,
        |_| serde_json::Value::Bool(true),
    )
    .await
}

/// The networks of an application.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/networks", tag = "vms", params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<NetworkBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_networks(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path, "applicationId")?;
    let rows = queries::networks(&state, caller, &req, app_id, None).await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One network.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/networks/{networkId}", tag = "vms",
    params(("applicationId" = String, Path), ("networkId" = String, Path)),
    responses((status = 200, body = NetworkBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get_network(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = parse_uuid(&path.1, "networkId")?;
    let mut rows = queries::networks(&state, caller, &req, app_id, Some(id)).await?;
    let row = rows.pop().ok_or_else(|| {
        ApiError::new(
            ErrorCode::NetworkNotFound,
            "the application has no network with this id",
        )
    })?;
    Ok(HttpResponse::Ok().json(row))
}

/// The VMs of an application, with their instantiate and export info.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/vms", tag = "vms", params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<VmBody>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_vms(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path, "applicationId")?;
    let rows = queries::vms(&state, caller, &req, app_id, None).await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One VM.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/vms/{vmId}", tag = "vms",
    params(("applicationId" = String, Path), ("vmId" = String, Path)),
    responses((status = 200, body = VmBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get_vm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = parse_uuid(&path.1, "vmId")?;
    let mut rows = queries::vms(&state, caller, &req, app_id, Some(id)).await?;
    let row = rows.pop().ok_or_else(|| {
        ApiError::new(
            ErrorCode::VmNotFound,
            "the application has no virtual machine with this id",
        )
    })?;
    Ok(HttpResponse::Ok().json(row))
}
