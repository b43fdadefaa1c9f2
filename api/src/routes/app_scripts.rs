//! `/mec/developer/v2/applications/{applicationId}/scripts` (reference 1.1): an application's
//! shell scripts. An upload is checked and stored as an uploaded file of type script, which the
//! script holds (ADR 0012); deleting the script lets the file go.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::scripts::AppScript;
use domain::application::{Application, ApplicationAction, ApplicationCommand};
use domain::uploaded_file::FileType;
use serde::Serialize;
use utoipa::ToSchema;

use super::commanding::{metadata, options, run_command, AppState, CommandHeaders, CommandRequest};
use super::parse_uuid;
use super::upload_files::holding::{self, FileUse};
use super::upload_files::{receive, record, UploadForm};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::files::http::upload_permit;

pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{applicationId}/scripts")
            .get(list)
            .post(upload),
    )
    .service(web::resource("/{applicationId}/scripts/{scriptId}").delete(delete));
}

/// A script of an application.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScriptBody {
    pub id: String,
    pub name: String,
    /// The uploaded file (`GET /mec/developer/v2/upload-files/{fileId}/action/get-file-stream`).
    pub script_file_id: String,
    pub create_time: chrono::DateTime<chrono::Utc>,
}

db::from_row!(ScriptBody {
    id,
    name,
    script_file_id,
    create_time
});

/// The holder name of a script (for its file).
pub fn holder(script_id: &str) -> String {
    format!("script/{script_id}")
}

/// The application's scripts, oldest first (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/scripts", tag = "applications",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<ScriptBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let position = super::commanding::requested_position(&req)?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            crate::routes::operations::owned_application(&st, &actor, &app_id).await?;
            if let Some(position) = position {
                st.wait_visible(&["app_scripts"], position).await;
            }
            projections::read_models::app_scripts::query::list::<ScriptBody>(&st.pool, &app_id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Add a script (owner or admin): multipart part `file`, a `.sh` of UTF-8 text, at most 10 MB.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/scripts", tag = "applications",
    params(CommandHeaders, ("applicationId" = String, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = ScriptBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let _permit = upload_permit(&state)?;
    let (fields, fingerprint) = receive(&state, multipart, FileType::Script).await?;
    let options = options(&req, fingerprint.as_bytes())?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            crate::routes::operations::owned_application(&st, &actor, &app_id).await?;
            add_script(&st, &actor, &app_id, fields, options).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Records a received script file as `actor`'s and adds it to the application (holding the
/// file); 201 and the script. A refused or replayed add lets its new file go (the sweeper takes
/// it later).
pub(crate) async fn add_script(
    st: &AppState,
    actor: &domain::Actor,
    app_id: &str,
    fields: domain::uploaded_file::UploadedFileFields,
    options: commands::CommandOptions,
) -> Result<super::commanding::Reply, ApiError> {
    let script = AppScript {
        id: uuid::Uuid::new_v4().to_string(),
        name: fields.file_name.clone(),
        script_file_id: uuid::Uuid::new_v4().to_string(),
        created_at: db::now_micros(),
    };
    record(st, actor, &script.script_file_id, fields).await?;
    let holder = holder(&script.id);
    let file = vec![FileUse {
        field: "file",
        file_id: script.script_file_id.clone(),
        file_type: FileType::Script,
    }];
    let meta = metadata(actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let id = script.id.clone();
    let command = ApplicationCommand {
        actor: actor.clone(),
        action: ApplicationAction::AddScript(script),
    };
    let request = CommandRequest::<Application>::new(app_id, command, meta)
        .with_options(options)
        .answered_with(StatusCode::CREATED, None);
    let add = run_command(st, request, move |app: &Application| {
        app.state
            .as_ref()
            .and_then(|live| live.scripts.iter().find(|s| s.id == id))
            .map(|s| {
                serde_json::to_value(ScriptBody {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    script_file_id: s.script_file_id.clone(),
                    create_time: s.created_at,
                })
                .unwrap_or_default()
            })
            .unwrap_or_default()
    });
    holding::run_holding(st, actor, &file, &holder, add).await
}

/// Remove a script (owner or admin); its file is let go.
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/scripts/{scriptId}", tag = "applications",
    params(CommandHeaders, ("applicationId" = String, Path), ("scriptId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let script_id = parse_uuid(&path.1, "scriptId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let app: Application = st.load(&app_id).await?;
            let files: Vec<String> = app
                .state
                .iter()
                .flat_map(|live| live.scripts.iter())
                .filter(|s| s.id == script_id)
                .map(|s| s.script_file_id.clone())
                .collect();
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand {
                actor: actor.clone(),
                action: ApplicationAction::DeleteScript {
                    script_id: script_id.clone(),
                },
            };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            let reply = run_command(&st, request, |_| serde_json::Value::Bool(true)).await?;
            holding::release(&st, &actor, &files, &holder(&script_id)).await;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}

/// Lets go of the files of every script of a deleted application.
pub async fn release_all(
    state: &AppState,
    actor: &domain::Actor,
    live: &domain::application::LiveApplication,
) {
    for script in &live.scripts {
        let file = [script.script_file_id.clone()];
        holding::release(state, actor, &file, &holder(&script.id)).await;
    }
}
