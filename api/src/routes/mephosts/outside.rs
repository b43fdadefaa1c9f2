//! What a host's commands do outside edgedev first: the LCM health check and registration, the
//! kubeconfig (an uploaded file the host holds, sent to its LCM), and the reverse proxy route to
//! its VNC consoles; and the kubeconfig's upload endpoint.

use actix_web::{web, HttpRequest, HttpResponse};
use domain::mephost::{HostProxy, MepHostFields, VNC_PORT};
use domain::ports::{HostRegistration, ProxyRoute};
use domain::uploaded_file::{FileType, UploadedFile};

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{AppState, CommandHeaders};
use crate::routes::upload_files::holding::FileUse;

/// Health-checks the host's LCM and registers the host with it (create only).
pub(super) async fn check_with_lcm(
    state: &AppState,
    tenant: &str,
    f: &MepHostFields,
    register: bool,
) -> Result<(), ApiError> {
    let lcm = state.lcm.port.clone();
    let at = f.lcm();
    lcm.health(&at).await.map_err(|e| {
        ApiError::unavailable(format!("sandbox health check failed: {e}")).with_ret_code(20009)
    })?;
    if register {
        let registration = HostRegistration {
            mechost_ip: f.mec_host_ip.clone(),
            mechost_name: f.name.clone(),
            city: f.address.clone().unwrap_or_default(),
            affinity: f.architecture.clone(),
            vim: if f.vim_type == "K8S" {
                "K8s".into()
            } else {
                f.vim_type.clone()
            },
            origin: "developer".into(),
        };
        lcm.register_host(&at, tenant, &registration)
            .await
            .map_err(|e| {
                ApiError::unavailable(format!("register the host with LCM failed: {e}"))
                    .with_ret_code(20028)
            })?;
    }
    Ok(())
}

/// The holder name of a host's files.
pub(super) fn host_holder(id: &str) -> String {
    format!("mephost/{id}")
}

/// The kubeconfig a host names, as a use of an uploaded file of type `config`.
pub(super) fn config_uses(config_id: Option<&String>) -> Vec<FileUse> {
    config_id
        .map(|id| FileUse {
            field: "configId",
            file_id: id.clone(),
            file_type: FileType::Config,
        })
        .into_iter()
        .collect()
}

/// Sends the host's kubeconfig (an uploaded file) to its LCM.
pub(super) async fn send_config(
    state: &AppState,
    tenant: &str,
    f: &MepHostFields,
    config_id: &str,
) -> Result<(), ApiError> {
    let file: UploadedFile = state.load(config_id).await?;
    let Some(content) = file.fields.as_ref().and_then(|f| f.content.clone()) else {
        return Err(ApiError::new(
            ErrorCode::InvalidFileReference,
            "configId names a file without content",
        )
        .with_params(vec!["configId".into()]));
    };
    let bytes = tokio::fs::read(state.files.path_of(&content.sha256))
        .await
        .map_err(|e| ApiError::internal(&format!("stored config file missing: {e}")))?;
    state
        .lcm
        .port
        .upload_config(&f.lcm(), tenant, &f.mec_host_ip, &content.file_name, bytes)
        .await
        .map_err(|e| {
            ApiError::unavailable(format!("upload the config file to LCM failed: {e}"))
                .with_ret_code(20028)
        })
}

/// Registers the reverse proxy route to a non-K8S host's VNC consoles; answers its port.
pub(super) async fn proxy_route(
    state: &AppState,
    f: &MepHostFields,
) -> Result<Option<HostProxy>, ApiError> {
    if f.vim_type == "K8S" {
        return Ok(None);
    }
    let proxy = &state.reverse_proxy.port;
    let route = ProxyRoute {
        dest_host_protocol: f.mec_host_protocol.clone(),
        dest_host_ip: f.mec_host_ip.clone(),
        dest_host_port: VNC_PORT,
        next_hop_protocol: String::new(),
        next_hop_ip: String::new(),
        hop_index: 1,
    };
    let unavailable = |e: domain::ports::ProxyError| {
        ApiError::unavailable(format!(
            "register the host with the reverse proxy failed: {e}"
        ))
    };
    proxy.register(&route).await.map_err(unavailable)?;
    let port = proxy
        .local_port(&f.mec_host_ip, VNC_PORT)
        .await
        .map_err(unavailable)?;
    Ok(Some(HostProxy {
        dest_host_port: VNC_PORT,
        proxy_port: port,
    }))
}

/// Removes a host's reverse proxy route (best effort: a leftover is logged).
pub(super) async fn drop_route(state: &AppState, mec_host_ip: &str, proxy: Option<HostProxy>) {
    if let Some(proxy) = proxy {
        if let Err(error) = state
            .reverse_proxy
            .port
            .remove(mec_host_ip, proxy.dest_host_port)
            .await
        {
            tracing::warn!(host = %mec_host_ip, %error, "the reverse proxy kept a route edgedev let go");
        }
    }
}

/// Whether a command's reply is a replay of an earlier request (nothing ran now).
pub(super) fn replayed(reply: &Result<crate::routes::commanding::Reply, ApiError>) -> bool {
    match reply {
        Ok(r) => r
            .headers
            .iter()
            .any(|(name, _)| *name == "idempotent-replayed"),
        Err(_) => true,
    }
}

/// Upload a host's kubeconfig (multipart part `file`; a name without extension, YAML with
/// `clusters`): an uploaded file of type `config`, for a host's `configId`.
#[utoipa::path(
    post, path = "/mec/developer/v2/mephosts/action/upload-config-file", tag = "mephosts",
    params(CommandHeaders),
    request_body(content = crate::routes::upload_files::UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = crate::routes::upload_files::UploadedFileResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn upload_config_file(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    crate::routes::upload_files::upload_as(
        state,
        actor,
        req,
        domain::uploaded_file::FileType::Config,
        multipart,
    )
    .await
}
