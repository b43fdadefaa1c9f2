//! An image's upload: chunks in the flow.js shape (each relayed to the file server, then
//! recorded, so every chunk listed as received is durable), the list of received chunks, cancel,
//! and the merge (an operation).

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ports::FileServerError;
use domain::vm_image::{Chunk, VmImage, VmImageAction};
use domain::Actor;
use futures_util::StreamExt;

use super::dto::{MergeQuery, ReceivedChunks, UploadQuery};
use super::{image_command, image_id, not_found, start_operation};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::{unreadable, upload_permit};
use crate::routes::commanding::AppState;
use crate::routes::commanding::{
    execute_command, CommandEndpoint, CommandHeaders, CommandRequest, Ran,
};
use crate::routes::operations::Started;

/// The largest chunk taken (flow.js sends 1-8 MiB by default).
pub const MAX_CHUNK: usize = 64 * 1024 * 1024;
/// Parts a chunk's form may have (flow.js sends about ten).
const MAX_PARTS: usize = 16;
/// The largest text field of a chunk's form.
const MAX_FIELD: usize = 1024;

/// The image as its events have left it, if `actor` may see it (its owner, an admin, or anyone
/// for a public image).
pub(super) async fn visible_image(
    state: &AppState,
    actor: &Actor,
    id: i32,
) -> Result<VmImage, ApiError> {
    let (image, _) = state
        .executor
        .store()
        .load::<VmImage>(&id.to_string())
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    let visible = image.fields.as_ref().is_some_and(|f| {
        actor.is_admin() || image.user_id == actor.user_id || f.visible_type == "public"
    });
    if visible {
        Ok(image)
    } else {
        Err(not_found())
    }
}

/// What the file server's failure means to the caller: 503 when it cannot be reached (retry),
/// 502 when it refused.
pub(super) fn file_server_error(error: FileServerError) -> ApiError {
    match error {
        FileServerError::Unreachable(_) => ApiError::unavailable(error.to_string()),
        other => ApiError::new(ErrorCode::FileServerRejected, other.to_string()),
    }
}

/// An upload identifier from a query, checked like a chunk's.
fn identifier_of(query: UploadQuery) -> Result<String, ApiError> {
    let ok = !query.identifier.is_empty()
        && query.identifier.len() <= domain::vm_image::MAX_IDENTIFIER
        && query
            .identifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(query.identifier)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "identifier must be 1-128 letters, digits, '.', '_' or '-'",
        )
        .with_params(vec!["identifier".into()]))
    }
}

/// The fields of one flow.js chunk and its bytes.
async fn read_chunk(mut form: Multipart) -> Result<(Chunk, Vec<u8>), ApiError> {
    let mut identifier = None;
    let mut file_name = None;
    let mut number = None;
    let mut total = None;
    let mut bytes = None;
    let mut parts = 0;
    while let Some(field) = form.next().await {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::new(
                ErrorCode::MalformedMultipart,
                format!("the form has more than {MAX_PARTS} parts"),
            ));
        }
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "file" { MAX_CHUNK } else { MAX_FIELD };
        let mut data = Vec::new();
        while let Some(piece) = field.next().await {
            let piece = piece.map_err(unreadable)?;
            if data.len() + piece.len() > limit {
                return Err(if name == "file" {
                    ApiError::new(
                        ErrorCode::FileTooLarge,
                        format!("a chunk may hold at most {} MiB", MAX_CHUNK / 1024 / 1024),
                    )
                    .with_params(vec!["file".into()])
                } else {
                    ApiError::new(
                        ErrorCode::InvalidField,
                        format!("{name} is longer than {MAX_FIELD} bytes"),
                    )
                    .with_params(vec![name.clone()])
                });
            }
            data.extend_from_slice(&piece);
        }
        let text = || String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            "identifier" => identifier = Some(text()),
            "filename" => file_name = Some(text()),
            "chunkNumber" => number = Some(text()),
            "totalChunks" => total = Some(text()),
            "file" => bytes = Some(data),
            _ => {}
        }
    }
    let required = |value: Option<String>, field: &str| {
        value.ok_or_else(|| {
            ApiError::new(
                ErrorCode::MalformedMultipart,
                format!("the form has no `{field}` part"),
            )
            .with_params(vec![field.to_owned()])
        })
    };
    let number_of = |value: String, field: &str| {
        value.parse::<u32>().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidField,
                format!("{field} must be a positive number"),
            )
            .with_params(vec![field.to_owned()])
        })
    };
    let chunk = Chunk {
        identifier: required(identifier, "identifier")?,
        file_name: required(file_name, "filename")?,
        chunk_number: number_of(required(number, "chunkNumber")?, "chunkNumber")?,
        total_chunks: number_of(required(total, "totalChunks")?, "totalChunks")?,
    }
    .validated()
    .map_err(VmImage::rejection)?;
    let bytes = bytes.ok_or_else(|| {
        ApiError::new(ErrorCode::MalformedMultipart, "the form has no `file` part")
            .with_params(vec!["file".into()])
    })?;
    Ok((chunk, bytes))
}

/// Upload one chunk (flow.js fields `identifier`, `chunkNumber`, `totalChunks`, `filename`,
/// `file`; `.qcow2` or `.iso` only). The first sets UPLOADING; a chunk received before is
/// accepted again and changes nothing.
#[utoipa::path(post, path = "/mec/developer/v2/vmimages/{imageId}/action/upload", tag = "vmimages",
    params(("imageId" = i32, Path, minimum = 1)),
    request_body(content_type = "multipart/form-data", content = super::dto::ChunkForm),
    responses((status = 200, body = ReceivedChunks), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "another upload runs, or the status does not allow uploading", body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 429, body = ErrorBody),
              (status = 502, description = "the file server refused the chunk: the upload failed (failedOnUploadToFS)", body = ErrorBody),
              (status = 503, description = "the file server is unreachable: send the chunk again", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn upload_chunk(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let _permit = upload_permit(&state)?;
    let (chunk, bytes) = read_chunk(form).await?;
    let st = state.clone();
    let body = state
        .offload(async move {
            // Refuse early what the command would refuse, before the bytes travel.
            let image = visible_image(&st, &actor, id).await?;
            if !(actor.is_admin() || image.user_id == actor.user_id) {
                return Err(ApiError::forbidden(
                    "only the image's owner or an admin may upload its file",
                ));
            }
            image
                .accepts_chunk_of(&chunk.identifier)
                .map_err(VmImage::rejection)?;
            let relayed = st
                .file_server
                .port
                .upload_chunk(&chunk.identifier, chunk.chunk_number, bytes)
                .await;
            let execute = |action| {
                let st = st.clone();
                let actor = actor.clone();
                async move {
                    let meta = crate::routes::commanding::metadata(&actor, None);
                    let request = CommandRequest::<VmImage>::new(
                        id.to_string(),
                        domain::vm_image::VmImageCommand { actor, action },
                        meta,
                    );
                    match execute_command(&st, &request, |_| serde_json::Value::Null).await? {
                        Ran::Executed { executed, .. } => Ok(Some(executed.aggregate)),
                        Ran::Replayed(_) => Ok::<_, ApiError>(None),
                    }
                }
            };
            match relayed {
                Ok(()) => {}
                Err(error @ FileServerError::Unreachable(_)) => {
                    return Err(file_server_error(error))
                }
                Err(error) => {
                    execute(VmImageAction::FailUpload {
                        error_type: "failedOnUploadToFS".into(),
                        at: db::now_micros(),
                    })
                    .await?;
                    return Err(file_server_error(error));
                }
            }
            let image = execute(VmImageAction::ReceiveChunk {
                chunk: chunk.clone(),
                at: db::now_micros(),
            })
            .await?
            .unwrap_or(image);
            Ok(received_of(&image, &chunk.identifier))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

fn received_of(image: &VmImage, identifier: &str) -> ReceivedChunks {
    let upload = image.upload.as_ref().filter(|u| u.identifier == identifier);
    ReceivedChunks {
        identifier: identifier.to_owned(),
        total_chunks: upload.map_or(0, |u| u.total_chunks),
        uploaded_chunks: upload
            .map(|u| u.received.iter().copied().collect())
            .unwrap_or_default(),
    }
}

/// The chunks of upload `identifier` the file server holds (each one durable; none for another
/// upload), so an interrupted upload resumes with the others.
#[utoipa::path(get, path = "/mec/developer/v2/vmimages/{imageId}/action/upload", tag = "vmimages",
    params(("imageId" = i32, Path, minimum = 1), UploadQuery),
    responses((status = 200, body = ReceivedChunks), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn received(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let identifier = identifier_of(query.into_inner())?;
    let st = state.clone();
    let body = state
        .offload(async move {
            let image = visible_image(&st, &actor, id).await?;
            Ok(received_of(&image, &identifier))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Cancel the upload (UPLOAD_CANCELLED) and drop its chunks; refused while merging.
#[utoipa::path(delete, path = "/mec/developer/v2/vmimages/{imageId}/action/upload", tag = "vmimages",
    params(CommandHeaders, ("imageId" = i32, Path, minimum = 1), UploadQuery),
    responses((status = 200, body = super::VmImageBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "merging, or nothing to cancel", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let identifier = identifier_of(query.into_inner())?;
    let action = VmImageAction::CancelUpload {
        at: db::now_micros(),
    };
    let response = image_command(&state, &req, actor, id, action, b"").await?;
    if let Err(error) = state.file_server.port.cancel_upload(&identifier).await {
        tracing::warn!(image = id, %error, "the file server kept the cancelled upload's chunks");
    }
    Ok(response)
}

/// Merge the upload on the file server and check it: an operation ("vm image merge") that ends
/// with the image PUBLISHED (SLIM_WAIT) or UPLOAD_FAILED with its `errorType`.
#[utoipa::path(get, path = "/mec/developer/v2/vmimages/{imageId}/action/merge", tag = "vmimages",
    params(CommandHeaders, ("imageId" = i32, Path, minimum = 1), MergeQuery),
    responses((status = 200, body = Started), (status = 400, description = "chunks are missing", body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "not uploading, or another upload", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn merge(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<MergeQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let query = query.into_inner();
    // The query is checked before anything else (If-Match included) weighs the request.
    let file_name = query.file_name;
    let name_ok = !file_name.is_empty()
        && file_name.chars().count() <= domain::vm_image::MAX_FILE_NAME
        && !file_name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\'));
    if !name_ok {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "fileName must be the upload's file name: 1-255 characters, no '/', '\\' or control characters",
        )
        .with_params(vec!["fileName".into()]));
    }
    let identifier = identifier_of(UploadQuery {
        identifier: query.identifier,
    })?;
    let operation_id = uuid::Uuid::new_v4().to_string();
    let action = VmImageAction::RequestMerge {
        operation_id: operation_id.clone(),
        identifier,
        file_name,
        at: db::now_micros(),
    };
    start_operation(&state, &req, actor, id, action, operation_id).await
}
