//! A container image's upload: chunks of a `docker save` tar kept on disk under the file store
//! (`chunks/<user hash>-<containerImageId>/`) until the merge joins them in order, reads the image (its name and tag
//! from the tar's `RepoTags`), pushes its layers, config and manifest to the registry, and
//! records the push. A cancel drops the chunks.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::container_image::{
    ContainerImage, ContainerImageAction, ContainerImageFields, ImageType,
};
use workflows::registry::image_tar;

use super::dto::{ChunkQuery, MergeQuery};
use super::{registry, registry_error, run, ContainerImageBody, ContainerImageChunkForm};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::{read_one_file, upload_permit};
use crate::routes::commanding::{options, AppState, CommandHeaders};
use crate::routes::parse_uuid;

/// The largest chunk, and the most chunks an upload may have.
const CHUNK_LIMIT: u64 = 64 * 1024 * 1024;
const MAX_CHUNKS: u32 = 10_000;

/// Where `actor`'s chunks of image `id` wait (the user id hashed: it never shapes a path).
fn chunks_of(state: &AppState, actor: &domain::Actor, id: &str) -> std::path::PathBuf {
    let owner = image_tar::sha256_digest(actor.user_id.as_bytes());
    let owner = owner.trim_start_matches("sha256:");
    state.files.chunk_dir(&format!("{}-{id}", &owner[..16]))
}

/// The bytes already received for an upload.
async fn received(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    if let Ok(mut entries) = tokio::fs::read_dir(dir).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            total += entry.metadata().await.map(|m| m.len()).unwrap_or(0);
        }
    }
    total
}

fn bad_chunk(message: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, message.to_owned())
        .with_params(vec!["chunkNumber".into()])
}

/// An image the caller may push as `id`: new, or theirs.
async fn check_owner(
    state: &web::Data<AppState>,
    actor: &domain::Actor,
    id: &str,
) -> Result<(), ApiError> {
    let st = state.clone();
    let load_id = id.to_owned();
    let image: ContainerImage = state
        .offload(async move { st.load(&load_id).await })
        .await?;
    match &image.state {
        Some(live) if live.user_id != actor.user_id => Err(ApiError::forbidden(
            "another user's image has this id; choose another",
        )),
        _ if image.deleted => Err(super::not_found()),
        _ => Ok(()),
    }
}

/// Receive one chunk of the image's `docker save` tar (multipart part `file`, at most 64 MB;
/// 512 MB for the whole upload); the client chooses the image id.
#[utoipa::path(post, path = "/mec/developer/v2/containerimages/{containerImageId}/action/upload", tag = "containerimages",
    params(("containerImageId" = String, Path), ChunkQuery),
    request_body(content = ContainerImageChunkForm, content_type = "multipart/form-data"),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn chunk(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<ChunkQuery>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "containerImageId")?;
    let number = query
        .chunk_number
        .filter(|n| (1..=MAX_CHUNKS).contains(n))
        .ok_or_else(|| bad_chunk("chunkNumber must be 1-10000"))?;
    let _permit = upload_permit(&state)?;
    check_owner(&state, &actor, &id).await?;
    let staged = read_one_file(&state, multipart, "file", CHUNK_LIMIT, 4).await?;
    let dir = chunks_of(&state, &actor, &id);
    if received(&dir).await + staged.size > image_tar::MAX_IMAGE {
        return Err(ApiError::new(
            ErrorCode::FileTooLarge,
            format!(
                "an image upload may hold at most {} MB",
                image_tar::MAX_IMAGE >> 20
            ),
        )
        .with_params(vec!["file".into()]));
    }
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    tokio::fs::rename(&staged.path, dir.join(format!("{number:06}")))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    Ok(HttpResponse::Ok().json(true))
}

/// Cancel an upload: its chunks are dropped.
#[utoipa::path(delete, path = "/mec/developer/v2/containerimages/{containerImageId}/action/upload", tag = "containerimages",
    params(("containerImageId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "containerImageId")?;
    let _ = tokio::fs::remove_dir_all(chunks_of(&state, &actor, &id)).await;
    Ok(HttpResponse::Ok().json(true))
}

/// Join the chunks, read the image and push it to the registry: 200 and the image
/// (UPLOAD_SUCCEED). 400 when the tar is not a `docker save` of a named image, 409
/// `NO_CHUNKS` before any chunk, `DUPLICATE_CONTAINER_IMAGE` when the caller has the name and
/// version already; 502/503 when the registry refuses or cannot be reached.
#[utoipa::path(get, path = "/mec/developer/v2/containerimages/{containerImageId}/action/merge", tag = "containerimages",
    params(CommandHeaders, ("containerImageId" = String, Path), MergeQuery),
    responses((status = 200, body = ContainerImageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn merge(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<MergeQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "containerImageId")?;
    let file_name = query
        .file_name
        .clone()
        .unwrap_or_else(|| "image.tar".into());
    if file_name.is_empty()
        || file_name.chars().count() > 255
        || file_name.contains(['/', '\\'])
        || file_name.chars().any(char::is_control)
    {
        return Err(
            ApiError::new(ErrorCode::InvalidField, "fileName must be a file name")
                .with_params(vec!["fileName".into()]),
        );
    }
    let options = options(&req, file_name.as_bytes())?;
    let client = registry(&state)?;
    check_owner(&state, &actor, &id).await?;
    let dir = chunks_of(&state, &actor, &id);
    let joined = dir.join("joined.tar");
    let read_dir = dir.clone();
    let image = tokio::task::spawn_blocking(move || {
        let mut chunks: Vec<std::path::PathBuf> = std::fs::read_dir(&read_dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name().is_some_and(|n| {
                            n.to_string_lossy().bytes().all(|b| b.is_ascii_digit())
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        if chunks.is_empty() {
            return Ok(None);
        }
        chunks.sort();
        let mut out = std::fs::File::create(&joined).map_err(|e| e.to_string())?;
        for chunk in &chunks {
            let mut input = std::fs::File::open(chunk).map_err(|e| e.to_string())?;
            std::io::copy(&mut input, &mut out).map_err(|e| e.to_string())?;
        }
        image_tar::read_saved(&joined).map(Some)
    })
    .await
    .map_err(|e| ApiError::internal(&e.to_string()))?
    .map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidFile,
            format!("not a container image: {e}"),
        )
        .with_params(vec!["file".into()])
    })?
    .ok_or_else(|| ApiError::new(ErrorCode::NoChunks, "no chunk of this upload has arrived"))?;
    let repo = client.repository(&image.name);
    let push = image_tar::to_push(&image);
    client
        .push_blob(&repo, &push.config_digest, image.config.clone())
        .await
        .map_err(registry_error)?;
    for (digest, blob) in push.layers {
        client
            .push_blob(&repo, &digest, blob)
            .await
            .map_err(registry_error)?;
    }
    let digest = client
        .put_manifest(&repo, &image.tag, push.manifest)
        .await
        .map_err(registry_error)?;
    let fields = ContainerImageFields {
        image_path: client.reference(&image.name, &image.tag),
        image_name: image.name,
        image_version: image.tag,
        image_type: ImageType::Private,
        file_name,
        digest,
    };
    let st = state.clone();
    let reply = state
        .offload(async move {
            let action = ContainerImageAction::RecordPush {
                fields,
                at: db::now_micros(),
            };
            run(&st, &actor, &id, action, options, StatusCode::OK).await
        })
        .await?;
    let _ = tokio::fs::remove_dir_all(dir).await;
    Ok(reply.into_response())
}
