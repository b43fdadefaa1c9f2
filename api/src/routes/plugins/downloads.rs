//! A plugin's files over HTTP: the package download (counted and recorded), the logo, the API
//! document and its content, streamed from the content-addressed store.

use super::*;
use crate::files::http::stream_file;

/// Download the package (guests too); every download is recorded and counted.
#[utoipa::path(
    get, path = "/mec/developer/v1/plugins/{pluginId}/action/download", tag = "plugins",
    params(("pluginId" = String, Path)),
    responses((status = 200, description = "the package, streamed", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = plugin_id(&path)?;
    let record_id = uuid::Uuid::new_v4().simple().to_string();
    let executed = run(
        &state,
        caller.0,
        id,
        PluginAction::Download {
            record_id,
            at: db::now_micros(),
        },
    )
    .await?;
    let live = executed.aggregate.state.ok_or_else(not_found)?;
    stream_file(
        &state,
        &live.fields.plugin_file,
        "application/octet-stream",
        true,
    )
    .await
}

/// The logo image (guests too).
#[utoipa::path(get, path = "/mec/developer/v1/plugins/{pluginId}/action/get-logofile", tag = "plugins", params(("pluginId" = String, Path)),
    responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
pub async fn logo(
    state: web::Data<AppState>,
    _caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let file = current(&state, &path).await?.logo_file;
    let content_type = match file
        .file_name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("bmp") => "image/bmp",
        _ => "image/jpeg",
    };
    stream_file(&state, &file, content_type, false).await
}

/// The API Markdown file as an attachment (tenants and admins).
#[utoipa::path(get, path = "/mec/developer/v1/plugins/{pluginId}/action/get-apifile", tag = "plugins", params(("pluginId" = String, Path)),
    responses((status = 200, description = "the Markdown file"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
pub async fn api_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let file = current(&state, &path).await?.api_file;
    stream_file(&state, &file, "text/markdown; charset=utf-8", true).await
}

/// The API Markdown as text (tenants and admins).
#[utoipa::path(get, path = "/mec/developer/v1/plugins/{pluginId}/action/content", tag = "plugins", params(("pluginId" = String, Path)),
    responses((status = 200, description = "the Markdown text", content_type = "text/plain"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
pub async fn content(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let file = current(&state, &path).await?.api_file;
    let text = tokio::fs::read_to_string(state.files.path_of(&file.sha256))
        .await
        .map_err(|e| ApiError::internal(&format!("stored API file unreadable: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text))
}

/// The plugin's current fields, from its events.
pub(super) async fn current(
    state: &web::Data<AppState>,
    path: &str,
) -> Result<PluginFields, ApiError> {
    let id = plugin_id(path)?;
    let st = state.clone();
    let (plugin, _) = state
        .offload(async move {
            st.executor
                .store()
                .load::<Plugin>(&id)
                .await
                .map_err(|e| ApiError::internal(&e.to_string()))
        })
        .await?;
    plugin.state.map(|live| live.fields).ok_or_else(not_found)
}
