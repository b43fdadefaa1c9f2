//! An image's file on the file server: the streamed download, and what follows the image when
//! it is reset or deleted (its file and an upload's chunks are removed there too).

use actix_web::{web, HttpRequest, HttpResponse};
use domain::vm_image::{VmImage, VmImageAction};

use super::upload::{file_server_error, visible_image};
use super::{image_command, image_id};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::content_disposition;
use crate::routes::commanding::{AppState, CommandHeaders};

/// The image file, streamed from the file server.
#[utoipa::path(get, path = "/mec/developer/v2/vmimages/{imageId}/action/download", tag = "vmimages",
    params(("imageId" = i32, Path, minimum = 1)),
    responses((status = 200, description = "the image file", content_type = "application/octet-stream", body = Vec<u8>),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the image has no file here (not uploaded, or exported to a host's file server)", body = ErrorBody),
              (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let st = state.clone();
    let image = state
        .offload(async move { visible_image(&st, &actor, id).await })
        .await?;
    let Some((fs_id, name)) = image.file.as_ref().and_then(|f| {
        f.file_server_image_id
            .clone()
            .map(|fs| (fs, f.image_file_name.clone()))
    }) else {
        return Err(ApiError::new(
            ErrorCode::ImageFileUnavailable,
            "the image has no file to download here",
        ));
    };
    let source = state
        .file_server
        .port
        .download(&fs_id)
        .await
        .map_err(file_server_error)?;
    let chunks = futures_util::stream::unfold(source, |mut source| async move {
        match source.next_chunk().await {
            Ok(Some(bytes)) => Some((Ok(web::Bytes::from(bytes)), source)),
            Ok(None) => None,
            Err(error) => Some((Err(std::io::Error::other(error.to_string())), source)),
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(content_disposition(&name))
        .streaming(chunks))
}

/// The file server ids an image holds (its checked file, a merged upload).
fn held_files(image: &VmImage) -> Vec<String> {
    let mut held: Vec<String> = image
        .file
        .iter()
        .filter_map(|f| f.file_server_image_id.clone())
        .collect();
    held.extend(
        image
            .upload
            .iter()
            .filter_map(|u| u.merged_image_id.clone()),
    );
    held
}

/// Reset the image (owner or admin): its file and upload are removed; UPLOAD_WAIT.
#[utoipa::path(put, path = "/mec/developer/v2/vmimages/{imageId}/action/reset", tag = "vmimages",
    params(CommandHeaders, ("imageId" = i32, Path, minimum = 1)),
    responses((status = 200, body = super::VmImageBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "an operation runs", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn reset(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let st = state.clone();
    let who = actor.clone();
    let before = state
        .offload(async move { visible_image(&st, &who, id).await })
        .await?;
    let action = VmImageAction::Reset {
        at: db::now_micros(),
    };
    let response = image_command(&state, &req, actor, id, action, b"").await?;
    forget_files(&state, id, &before).await;
    Ok(response)
}

/// Removes what the image held on the file server (best effort: a leftover is logged).
async fn forget_files(state: &AppState, id: i32, image: &VmImage) {
    let port = &state.file_server.port;
    for held in held_files(image) {
        if let Err(error) = port.delete(&held).await {
            tracing::warn!(image = id, file = %held, %error, "the file server kept a file edgedev let go");
        }
    }
    if let Some(upload) = &image.upload {
        if let Err(error) = port.cancel_upload(&upload.identifier).await {
            tracing::warn!(image = id, %error, "the file server kept an upload's chunks");
        }
    }
}

/// Delete the image (owner or admin): its file on the file server first, then the image.
#[utoipa::path(delete, path = "/mec/developer/v2/vmimages/{imageId}", tag = "vmimages",
    params(CommandHeaders, ("imageId" = i32, Path, minimum = 1)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "an operation runs", body = ErrorBody),
              (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let options = crate::routes::commanding::options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let image = visible_image(&st, &actor, id).await?;
            if !(actor.is_admin() || image.user_id == actor.user_id) {
                return Err(ApiError::forbidden(
                    "only the image's owner or an admin may delete it",
                ));
            }
            if let Some(op) = image.operations.ongoing() {
                return Err(ApiError::new(
                    ErrorCode::OperationRunning,
                    format!(
                        "operation {} is still running on this image; wait for it",
                        op.id
                    ),
                ));
            }
            // The file goes first: if the file server cannot delete it, the image stays.
            for held in held_files(&image) {
                st.file_server
                    .port
                    .delete(&held)
                    .await
                    .map_err(file_server_error)?;
            }
            let meta = crate::routes::commanding::metadata(&actor, None);
            let command = domain::vm_image::VmImageCommand {
                actor,
                action: VmImageAction::Delete {
                    at: db::now_micros(),
                },
            };
            let request = crate::routes::commanding::CommandRequest::<VmImage>::new(
                id.to_string(),
                command,
                meta,
            )
            .with_options(options);
            let reply =
                crate::routes::commanding::run_command(&st, request, |_| serde_json::Value::Bool(true))
                    .await?;
            // Chunks of an upload in progress go too (best effort).
            if let Some(upload) = &image.upload {
                if let Err(error) = st.file_server.port.cancel_upload(&upload.identifier).await {
                    tracing::warn!(image = id, %error, "the file server kept a deleted image's chunks");
                }
            }
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}
