//! A released package's files: the tree, one file's text, an edit (the package is re-packed
//! and re-signed at once, as the original), and its release to the app store again (with the
//! icon found under `Artifacts/Docs`).

use actix_web::{web, HttpRequest, HttpResponse};
use domain::ports::StoreUpload;
use domain::released_package::{ReleasedPackageAction, Republication};
use workflows::package::TreeNode;

use super::{load, run_released};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::app_packages::files::{edit_request, file_error, file_path, read};
use crate::routes::app_packages::{store, FileContent, FileContentBody, FilePathBody};
use crate::routes::app_release::{app_store_error, terms, ReleaseRequest};
use crate::routes::commanding::{json_bytes, options, AppState, CommandHeaders};
use crate::routes::helm_charts::blocking;
use crate::routes::parse_uuid;

/// The released package's files as a tree, directories first (admin).
#[utoipa::path(get, path = "/mec/developer/v2/released-packages/{packageId}/action/get-pkg-structure", tag = "app-packages",
    params(("packageId" = String, Path)),
    responses((status = 200, body = Vec<TreeNode>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn structure(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let id = parse_uuid(&path, "packageId")?;
    let st = state.clone();
    let (_, archive) = state.offload(async move { load(&st, &id).await }).await?;
    Ok(HttpResponse::Ok().json(read(&state, &archive).await?.tree()))
}

/// One file's text (admin): 404 `PACKAGE_FILE_NOT_FOUND`, 400 for a path outside the package or
/// a file that is not UTF-8 text of at most 1 MB.
#[utoipa::path(post, path = "/mec/developer/v2/released-packages/{packageId}/action/get-file-content", tag = "app-packages",
    params(("packageId" = String, Path)),
    request_body = FilePathBody,
    responses((status = 200, body = FileContent), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn file_content(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: JsonBody<FilePathBody>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let id = parse_uuid(&path, "packageId")?;
    let wanted = file_path(body.file_path.as_deref())?;
    let st = state.clone();
    let (_, archive) = state.offload(async move { load(&st, &id).await }).await?;
    let csar = read(&state, &archive).await?;
    let content = csar.text(&wanted).map_err(file_error)?.to_owned();
    Ok(HttpResponse::Ok().json(FileContent {
        file_path: wanted,
        content,
    }))
}

/// Replace one existing text file (admin): the package is re-packed at once, its manifest (and,
/// with a signing key, its signature) computed again; the old archive is let go. 409
/// `PACKAGE_CHANGED` when another edit replaced the archive meanwhile.
#[utoipa::path(put, path = "/mec/developer/v2/released-packages/{packageId}/action/edit-file-content", tag = "app-packages",
    params(CommandHeaders, ("packageId" = String, Path)),
    request_body = FileContentBody,
    responses((status = 200, body = FileContent), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn edit_file_content(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<FileContentBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "packageId")?;
    let (wanted, text) = edit_request(&body)?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let key = id.clone();
    let (live, archive) = state.offload(async move { load(&st, &key).await }).await?;
    let csar = read(&state, &archive).await?;
    let changed = csar.with_text(&wanted, &text).map_err(file_error)?;
    let signer = state.package_signer.clone();
    let sealed = blocking(move || changed.sealed(signer.as_deref()))
        .await?
        .map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidField,
                format!("with this content the package cannot be re-packed: {e}"),
            )
            .with_params(vec!["content".into()])
        })?;
    let st = state.clone();
    let file_path = wanted.clone();
    state
        .offload(async move {
            let new = store(&st, &actor, &live.package_file_name, sealed).await?;
            let files = (
                Some(new.file_id.clone()),
                Some(live.archive.file_id.clone()),
            );
            let action = ReleasedPackageAction::EditFile {
                from_file_id: live.archive.file_id.clone(),
                file_path,
                archive: new,
            };
            run_released(&st, &actor, &id, action, files, options).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(FileContent {
        file_path: wanted,
        content: text,
    }))
}

/// Release the package to the app store again (admin): uploaded with its metadata and the icon
/// found under `Artifacts/Docs` (a `.png`, `.jpg` or `.jpeg`; 400 without one), then published
/// free or at `price`. The store's refusal is 502 `APP_STORE_REJECTED` with its `retCode`.
#[utoipa::path(post, path = "/mec/developer/v2/released-packages/{packageId}/action/release", tag = "app-packages",
    params(CommandHeaders, ("packageId" = String, Path)),
    request_body = ReleaseRequest,
    responses((status = 200, body = super::ReleasedPackageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn release(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ReleaseRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "packageId")?;
    let (is_free, price_cents) = terms(&body)?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let key = id.clone();
    let (live, archive) = state.offload(async move { load(&st, &key).await }).await?;
    let csar = read(&state, &archive).await?;
    let icon = csar
        .files
        .iter()
        .find(|(path, _)| {
            let lower = path.to_ascii_lowercase();
            lower.starts_with("artifacts/docs/")
                && [".png", ".jpg", ".jpeg"].iter().any(|s| lower.ends_with(s))
        })
        .map(|(path, bytes)| {
            let name = path.rsplit('/').next().unwrap_or(path).to_owned();
            (name, bytes.clone())
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidField,
                "the package has no icon (a .png, .jpg or .jpeg under Artifacts/Docs) to release it with",
            )
        })?;
    let package = csar.zip().map_err(|e| ApiError::internal(&e.to_string()))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let m = &live.metadata;
            let upload = StoreUpload {
                file_name: live.package_file_name.clone(),
                package,
                icon,
                app_type: m.app_type.clone(),
                short_desc: m.short_desc.clone(),
                affinity: m.architecture.clone(),
                industry: m.industry.clone(),
                test_task_id: m.test_task_id.clone(),
                user_id: actor.user_id.clone(),
                user_name: actor.user_name.clone(),
            };
            let store = &st.app_store.port;
            let stored = store.upload(upload).await.map_err(app_store_error)?;
            store
                .publish(&stored, is_free, price_cents)
                .await
                .map_err(app_store_error)?;
            let action = ReleasedPackageAction::Republish(Republication {
                store_app_id: stored.app_id,
                store_package_id: stored.package_id,
                is_free,
                price_cents,
                at: db::now_micros(),
            });
            run_released(&st, &actor, &id, action, (None, None), options).await
        })
        .await?;
    Ok(reply.into_response())
}
