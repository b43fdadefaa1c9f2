//! `/mec/developer/v2/upload-files` (reference 1.10): icons, API descriptions, guides and scripts
//! a developer uploads before naming them in an application (or, later, a capability, a helm
//! chart or a service). A file is checked by name and content, kept in the content-addressed
//! store, and recorded by the UploadedFile aggregate; it stays temporary until something takes it,
//! and [`sweep_temporary`] deletes files left temporary past a bound.

mod dto;
pub mod holding;
pub mod sample_code;

pub use dto::{UploadForm, UploadQuery, UploadedFileResponse};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::uploaded_file::{
    check_file_name, suffix, FileType, UploadedFile, UploadedFileAction, UploadedFileCommand,
    UploadedFileError, UploadedFileFields,
};
use domain::Actor;

use super::commanding::{
    metadata, options, run_command, AppState, CommandEndpoint, CommandHeaders, CommandRequest,
};
use super::parse_uuid;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::checks::{self, ContentError};
use crate::files::http::{commit, content_disposition, read_one_file, stream_file, upload_permit};

pub const READ_MODELS: &[&str] = &["uploaded_files"];

/// The largest icon (the original's 2 MB) and the largest other file.
pub const ICON_LIMIT: u64 = 2 * 1024 * 1024;
pub const FILE_LIMIT: u64 = 10 * 1024 * 1024;
/// The most parts an upload form may have (it needs one).
const MAX_PARTS: usize = 4;
/// What `{HOST}` in an API file becomes: the first Kubernetes host's LCM address and this port
/// (the original's).
const API_HOST_PORT: u16 = 32119;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/upload-files")
            .service(web::resource("").post(upload))
            .service(web::resource("/action/download-sample-code").post(sample_code::download))
            .service(
                web::resource("/action/get-sample-code-structure").post(sample_code::structure),
            )
            .service(web::resource("/action/get-sample-code-content").post(sample_code::content))
            .service(web::resource("/{fileId}").get(get).delete(delete))
            .service(web::resource("/{fileId}/action/get-file-stream").get(stream)),
    );
}

impl CommandEndpoint for UploadedFile {
    fn command_name(command: &UploadedFileCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: UploadedFileError) -> ApiError {
        match rejection {
            UploadedFileError::NotFound => not_found(),
            UploadedFileError::Forbidden => forbidden(),
            UploadedFileError::AlreadyExists => ApiError::new(
                ErrorCode::FileExists,
                "an uploaded file with this id exists",
            ),
            UploadedFileError::InUse(holder) => ApiError::new(
                ErrorCode::FileInUse,
                format!("the file is in use by {holder}; remove it from there first"),
            ),
            UploadedFileError::NotTemporary => {
                ApiError::new(ErrorCode::Rejected, "the file is no longer temporary")
            }
            other => invalid(other),
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        ApiError::new(ErrorCode::Duplicate, "a unique value is taken")
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::FileNotFound, "no uploaded file has this id")
}

fn forbidden() -> ApiError {
    ApiError::forbidden("only the file's owner or an admin may do this")
}

fn invalid(error: UploadedFileError) -> ApiError {
    match error {
        UploadedFileError::FileType => ApiError::new(ErrorCode::InvalidField, error.to_string())
            .with_ret_code(20001)
            .with_params(vec!["fileType".into()]),
        UploadedFileError::Suffix(..) => ApiError::new(ErrorCode::InvalidFile, error.to_string())
            .with_params(vec!["file".into()]),
        other => ApiError::new(ErrorCode::InvalidField, other.to_string())
            .with_params(vec!["file".into()]),
    }
}

fn bad_content(error: ContentError) -> ApiError {
    match error {
        ContentError::Io(detail) => ApiError::internal(&detail),
        other => ApiError::new(ErrorCode::InvalidFile, other.to_string())
            .with_params(vec!["file".into()]),
    }
}

/// Upload a file of a type (multipart part `file`).
#[utoipa::path(
    post, path = "/mec/developer/v2/upload-files", tag = "upload-files",
    params(UploadQuery, CommandHeaders),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = UploadedFileResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<UploadQuery>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let file_type = FileType::parse(query.file_type.as_deref().unwrap_or_default())
        .ok()
        .filter(|t| FileType::GENERIC.contains(t))
        .ok_or_else(|| invalid(UploadedFileError::FileType))?;
    upload_as(state, actor, req, file_type, multipart).await
}

/// Receives, checks and records a file of `file_type` for `actor`: 201 and the file.
pub(crate) async fn upload_as(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    file_type: FileType,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let _permit = upload_permit(&state)?;
    let (fields, fingerprint) = receive(&state, multipart, file_type).await?;
    let options = options(&req, fingerprint.as_bytes())?.for_new_stream();
    let id = uuid::Uuid::new_v4().to_string();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let command = UploadedFileCommand {
                actor: actor.clone(),
                action: UploadedFileAction::Upload(fields),
            };
            let request =
                CommandRequest::<UploadedFile>::new(id.clone(), command, metadata(&actor, None))
                    .with_options(options)
                    .answered_with(
                        StatusCode::CREATED,
                        Some(format!("/mec/developer/v2/upload-files/{id}")),
                    );
            run_command(&st, request, |f| {
                serde_json::to_value(UploadedFileResponse::of(&id, f)).unwrap_or_default()
            })
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// Reads the form's `file` part and checks it as a file of `file_type` (name, suffix, content),
/// then commits it to the store. Answers the fields of its upload and a fingerprint of what was
/// sent (type, name and content hash) for idempotency.
pub(crate) async fn receive(
    state: &AppState,
    multipart: Multipart,
    file_type: FileType,
) -> Result<(UploadedFileFields, String), ApiError> {
    receive_part(state, multipart, "file", file_type).await
}

/// [`receive`] of the form's part `part`.
pub(crate) async fn receive_part(
    state: &AppState,
    multipart: Multipart,
    part: &str,
    file_type: FileType,
) -> Result<(UploadedFileFields, String), ApiError> {
    let limit = if file_type == FileType::Icon {
        ICON_LIMIT
    } else {
        FILE_LIMIT
    };
    let staged = read_one_file(state, multipart, part, limit, MAX_PARTS).await?;
    check_file_name(&staged.file_name, file_type).map_err(invalid)?;
    let path = staged.path.clone();
    let name_suffix = suffix(&staged.file_name).unwrap_or_default();
    web::block(move || match file_type {
        FileType::Icon => checks::check_icon(&path),
        FileType::Api => checks::check_api_description(&path, &name_suffix).map(|_| ()),
        FileType::Md | FileType::Script => checks::check_utf8(&path),
        FileType::Config => checks::check_kubeconfig(&path),
        FileType::Chart => workflows::helm_chart::check_archive(&path)
            .map(|_| ())
            .map_err(|e| ContentError::NotChart(e.to_string())),
        FileType::Package => std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                workflows::package::Csar::read(&bytes)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .map_err(ContentError::NotPackage),
    })
    .await
    .map_err(|e| ApiError::internal(&e.to_string()))?
    .map_err(bad_content)?;
    let fingerprint = format!(
        "{}:{}:{}",
        file_type.as_str(),
        staged.file_name,
        staged.sha256
    );
    let content = commit(state, staged).await?;
    let fields = UploadedFileFields {
        file_name: content.file_name.clone(),
        file_type,
        file_path: projections::read_models::store_path(&content),
        content: Some(content),
        uploaded_at: db::now_micros(),
        shared: false,
    };
    Ok((fields, fingerprint))
}

/// Records a received file as `id`, owned by `actor` (no answer of its own: the caller's
/// command answers).
pub(crate) async fn record(
    state: &AppState,
    actor: &Actor,
    id: &str,
    fields: UploadedFileFields,
) -> Result<(), ApiError> {
    let command = UploadedFileCommand {
        actor: actor.clone(),
        action: UploadedFileAction::Upload(fields),
    };
    state
        .executor
        .execute::<UploadedFile, _>(
            id,
            command,
            &(),
            &metadata(actor, None),
            &commands::CommandOptions::default().for_new_stream(),
            |_, _| commands::StoredResponse {
                status: 201,
                body: serde_json::Value::Null,
            },
        )
        .await
        .map(|_| ())
        .map_err(crate::routes::commanding::command_error::<UploadedFile>)
}

/// The file as its owner (or an admin, or anyone for a catalogue file or one a capability
/// holds) may see it.
async fn visible_file(
    state: &web::Data<AppState>,
    actor: &Actor,
    path: &str,
) -> Result<(String, UploadedFile), ApiError> {
    let id = parse_uuid(path, "fileId")?;
    let st = state.clone();
    let load_id = id.clone();
    let file: UploadedFile = state
        .offload(async move { st.load(&load_id).await })
        .await?;
    if file.fields.is_none() {
        return Err(not_found());
    }
    if !file.readable_by(actor) {
        return Err(forbidden());
    }
    Ok((id, file))
}

/// An uploaded file's description.
#[utoipa::path(get, path = "/mec/developer/v2/upload-files/{fileId}", tag = "upload-files", params(("fileId" = String, Path)),
    responses((status = 200, body = UploadedFileResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (id, file) = visible_file(&state, &actor, &path).await?;
    Ok(HttpResponse::Ok().json(UploadedFileResponse::of(&id, &file)))
}

/// Delete an uploaded file (owner or admin); refused while an application uses it.
#[utoipa::path(delete, path = "/mec/developer/v2/upload-files/{fileId}", tag = "upload-files",
    params(CommandHeaders, ("fileId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "fileId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let command = UploadedFileCommand {
                actor: actor.clone(),
                action: UploadedFileAction::Delete,
            };
            let request = CommandRequest::<UploadedFile>::new(id, command, metadata(&actor, None))
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, |_| serde_json::Value::Bool(true)).await
        })
        .await?;
    Ok(reply.into_response())
}

/// The file's bytes. In an API description (JSON or YAML), `{HOST}` becomes the first
/// Kubernetes sandbox host's `lcmIp:32119`.
#[utoipa::path(get, path = "/mec/developer/v2/upload-files/{fileId}/action/get-file-stream", tag = "upload-files", params(("fileId" = String, Path)),
    responses((status = 200, description = "the bytes, typed by the file's name: image/png, image/jpeg, application/json, application/yaml, text/markdown or text/x-shellscript"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn stream(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (_, file) = visible_file(&state, &actor, &path).await?;
    let Some(fields) = file.fields else {
        return Err(not_found());
    };
    let Some(content) = fields.content else {
        return Err(ApiError::new(
            ErrorCode::FileContentUnavailable,
            "the catalogue describes this file but does not hold its content",
        ));
    };
    let suffix = suffix(&fields.file_name).unwrap_or_default();
    let content_type = match suffix.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml",
        "md" => "text/markdown; charset=utf-8",
        "sh" => "text/x-shellscript; charset=utf-8",
        _ => "application/octet-stream",
    };
    if fields.file_type != FileType::Api {
        return stream_file(&state, &content, content_type, true).await;
    }
    // API descriptions are at most 10 MB: substituted in memory.
    let text = tokio::fs::read_to_string(state.files.path_of(&content.sha256))
        .await
        .map_err(|e| ApiError::internal(&format!("stored file unreadable: {e}")))?;
    let st = state.clone();
    let host = state
        .offload(async move {
            projections::read_models::hosts::query::first_kubernetes_lcm_ip(&st.pool)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    let text = match host {
        Some(ip) => text.replace("{HOST}", &format!("{ip}:{API_HOST_PORT}")),
        None => text,
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(content_disposition(&content.file_name))
        .body(text))
}

/// Deletes the files left temporary for longer than `ttl` (at most 500 a call, oldest first);
/// returns how many. Each deletion is a command on the file, refused if the file was taken
/// meanwhile; the content goes with the store's orphan sweep.
pub async fn sweep_temporary(
    state: &AppState,
    ttl: std::time::Duration,
) -> Result<usize, ApiError> {
    let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
    let before = db::now_micros()
        .checked_sub_signed(ttl)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let ids =
        projections::read_models::uploaded_files::query::temporary_before(&state.pool, before, 500)
            .await
            .map_err(ApiError::from)?;
    let sweeper = Actor::new(
        "edgedev-sweeper",
        "edgedev-sweeper",
        vec![domain::Role::Admin],
    );
    let mut swept = 0;
    for id in ids {
        let command = UploadedFileCommand {
            actor: sweeper.clone(),
            action: UploadedFileAction::Sweep { before },
        };
        let outcome = state
            .executor
            .execute::<UploadedFile, _>(
                &id,
                command,
                &(),
                &commands::CommandMetadata::system(&sweeper),
                &commands::CommandOptions::default(),
                |_, _| commands::StoredResponse {
                    status: 200,
                    body: serde_json::Value::Null,
                },
            )
            .await;
        match outcome {
            Ok(_) => swept += 1,
            Err(commands::CommandError::Rejected(
                UploadedFileError::NotTemporary | UploadedFileError::NotFound,
            )) => {}
            Err(error) => {
                return Err(crate::routes::commanding::command_error::<UploadedFile>(
                    error,
                ))
            }
        }
    }
    Ok(swept)
}
