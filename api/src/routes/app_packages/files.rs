//! A package's files: the package, its tree, one file's text, an edit of one (a new archive,
//! its manifest stale), the re-pack (manifest and signature computed again: PACKAGED), and the
//! CSAR itself.

use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::package::{AppPackage, PackageArchive};
use domain::application::ApplicationAction;
use domain::plugin::StoredFile;
use domain::uploaded_file::UploadedFile;
use domain::Actor;
use projections::read_models::app_packages::query;
use workflows::package::csar::{safe_path, MAX_TEXT};
use workflows::package::{Csar, CsarError, TreeNode};

use super::dto::{AppPackageBody, FileContent, FileContentBody, FilePathBody};
use super::{not_found, run_package_command, store};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::stream_file;
use crate::request_rules::JsonBody;
use crate::routes::commanding::{json_bytes, options, AppState, CommandHeaders};
use crate::routes::helm_charts::blocking;
use crate::routes::operations::owned_application;
use crate::routes::parse_uuid;

/// A loaded package: its application's id, the package, its archive's stored file, the caller.
struct Loaded {
    app_id: String,
    package: AppPackage,
    archive: StoredFile,
    actor: Actor,
}

/// The package `package_id` with its application (owner or admin) and its archive's file.
async fn load(
    state: &AppState,
    actor: &Actor,
    package_id: &str,
) -> Result<(String, AppPackage, StoredFile), ApiError> {
    let app_id = query::application_of(&state.pool, package_id)
        .await?
        .ok_or_else(not_found)?;
    let live = owned_application(state, actor, &app_id).await?;
    let package = live
        .package
        .clone()
        .filter(|p| p.id == package_id)
        .ok_or_else(not_found)?;
    let file: UploadedFile = state.load(&package.archive.file_id).await?;
    let archive = file
        .fields
        .and_then(|f| f.content)
        .ok_or_else(|| ApiError::internal("a package's archive file is missing"))?;
    Ok((app_id, package, archive))
}

/// The package's files as its archive holds them now.
pub(crate) async fn read(state: &AppState, archive: &StoredFile) -> Result<Csar, ApiError> {
    let path = state.files.path_of(&archive.sha256);
    blocking(move || {
        std::fs::read(path)
            .map_err(|e| CsarError::Corrupt(e.to_string()))
            .and_then(|b| Csar::read(&b))
    })
    .await?
    .map_err(|e| ApiError::internal(&format!("a stored package is unreadable: {e}")))
}

/// Loads the package of the path, on the database runtime.
async fn loaded(
    state: &web::Data<AppState>,
    caller: Caller,
    path: &str,
) -> Result<Loaded, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let package_id = parse_uuid(path, "packageId")?;
    let (st, who) = (state.clone(), actor.clone());
    let (app_id, package, archive) = state
        .offload(async move { load(&st, &who, &package_id).await })
        .await?;
    Ok(Loaded {
        app_id,
        package,
        archive,
        actor,
    })
}

/// A path inside the package as a body gives it.
pub(crate) fn file_path(value: Option<&str>) -> Result<String, ApiError> {
    match value {
        Some(path) if path.chars().count() <= 1024 && safe_path(path) => Ok(path.to_owned()),
        _ => Err(ApiError::new(
            ErrorCode::InvalidField,
            "filePath must be a path inside the package as get-pkg-structure lists it (1-1024 characters, relative, without `.` or `..` parts)",
        )
        .with_params(vec!["filePath".into()])),
    }
}

/// The path and new text an edit names: a path inside the package, text of at most 1 MB.
pub(crate) fn edit_request(body: &FileContentBody) -> Result<(String, String), ApiError> {
    let wanted = file_path(body.file_path.as_deref())?;
    let Some(text) = body.content.clone().filter(|c| c.len() <= MAX_TEXT) else {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "content is required: UTF-8 text of at most 1 MB",
        )
        .with_params(vec!["content".into()]));
    };
    Ok((wanted, text))
}

pub(crate) fn file_error(error: CsarError) -> ApiError {
    match error {
        CsarError::NoSuchFile(_) => {
            ApiError::new(ErrorCode::PackageFileNotFound, error.to_string())
                .with_params(vec!["filePath".into()])
        }
        other => ApiError::new(ErrorCode::InvalidField, other.to_string())
            .with_params(vec!["filePath".into()]),
    }
}

/// The package (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/apppackages/{packageId}", tag = "app-packages",
    params(("packageId" = String, Path)),
    responses((status = 200, body = AppPackageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let loaded = loaded(&state, caller, &path).await?;
    Ok(HttpResponse::Ok().json(AppPackageBody::of(&loaded.app_id, &loaded.package)))
}

/// The package's files as a tree: directories first, then files (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/apppackages/{packageId}/action/get-pkg-structure", tag = "app-packages",
    params(("packageId" = String, Path)),
    responses((status = 200, body = Vec<TreeNode>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn structure(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let loaded = loaded(&state, caller, &path).await?;
    let csar = read(&state, &loaded.archive).await?;
    Ok(HttpResponse::Ok().json(csar.tree()))
}

/// One file's text (owner or admin): 404 `PACKAGE_FILE_NOT_FOUND` for a path the package does
/// not have, 400 for a file that is not UTF-8 text of at most 1 MB.
#[utoipa::path(post, path = "/mec/developer/v2/apppackages/{packageId}/action/get-file-content", tag = "app-packages",
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
    let wanted = file_path(body.file_path.as_deref())?;
    let loaded = loaded(&state, caller, &path).await?;
    let csar = read(&state, &loaded.archive).await?;
    let content = csar.text(&wanted).map_err(file_error)?.to_owned();
    Ok(HttpResponse::Ok().json(FileContent {
        file_path: wanted,
        content,
    }))
}

/// Replace one existing file's text (owner or admin): the package gets a new archive whose
/// manifest is stale (`edited`) until `zip-package`. One event per edit. 409 `PACKAGE_CHANGED`
/// when another change replaced the archive meanwhile.
#[utoipa::path(put, path = "/mec/developer/v2/apppackages/{packageId}/action/update-file-content", tag = "app-packages",
    params(CommandHeaders, ("packageId" = String, Path)),
    request_body = FileContentBody,
    responses((status = 200, body = FileContent), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_file_content(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<FileContentBody>,
) -> Result<HttpResponse, ApiError> {
    let (wanted, text) = edit_request(&body)?;
    let options = options(&req, &json_bytes(&*body))?;
    let Loaded {
        app_id,
        package,
        archive,
        actor,
    } = loaded(&state, caller, &path).await?;
    let csar = read(&state, &archive).await?;
    let changed = csar.with_text(&wanted, &text).map_err(file_error)?;
    let reply_path = wanted.clone();
    let replaced = Replaced {
        app_id,
        package,
        actor,
        options,
    };
    replace_archive(
        &state,
        replaced,
        changed,
        |package_id, from_file_id, archive| ApplicationAction::UpdatePackageFile {
            package_id,
            from_file_id,
            file_path: wanted,
            archive,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(FileContent {
        file_path: reply_path,
        content: text,
    }))
}

/// Re-pack the package (owner or admin): its manifest lists every file's SHA-256 again and,
/// with a signing key, is signed again; the application becomes PACKAGED. 400 when the package
/// no longer names its manifest in `TOSCA-Metadata/TOSCA.meta`.
#[utoipa::path(post, path = "/mec/developer/v2/apppackages/{packageId}/action/zip-package", tag = "app-packages",
    params(CommandHeaders, ("packageId" = String, Path)),
    responses((status = 200, body = AppPackageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn zip_package(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let options = options(&req, format!("zip-package:{path}").as_bytes())?;
    let Loaded {
        app_id,
        package,
        archive,
        actor,
    } = loaded(&state, caller, &path).await?;
    let csar = read(&state, &archive).await?;
    let signer = state.package_signer.clone();
    let sealed = blocking(move || csar.sealed(signer.as_deref()))
        .await?
        .map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidField,
                format!("the package cannot be re-packed: {e}"),
            )
        })?;
    let replaced = Replaced {
        app_id,
        package,
        actor,
        options,
    };
    let reply = replace_archive(
        &state,
        replaced,
        sealed,
        |package_id, from_file_id, archive| ApplicationAction::ZipPackage {
            package_id,
            from_file_id,
            archive,
        },
    )
    .await?;
    Ok(reply.into_response())
}

/// A package whose archive a request replaces, with who asks and how.
struct Replaced {
    app_id: String,
    package: AppPackage,
    actor: Actor,
    options: commands::CommandOptions,
}

/// Stores `csar` as the package's new archive and runs the command `action` makes of (package
/// id, the archive replaced, the new archive), on the database runtime.
async fn replace_archive(
    state: &web::Data<AppState>,
    replaced: Replaced,
    csar: Csar,
    action: impl FnOnce(String, String, PackageArchive) -> ApplicationAction + Send + 'static,
) -> Result<crate::routes::commanding::Reply, ApiError> {
    let st = state.clone();
    state
        .offload(async move {
            let Replaced {
                app_id,
                package,
                actor,
                options,
            } = replaced;
            let name = &package.package_file_name;
            let archive = store(&st, &actor, name, csar).await?;
            let from = package.archive.file_id.clone();
            let command = action(package.id.clone(), from.clone(), archive.clone());
            let old = Some((package.id.clone(), from));
            let request = (app_id, command, options);
            run_package_command(&st, &actor, request, &archive, old, package.id).await
        })
        .await
}

/// The package's CSAR as it is now, as an attachment (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/apppackages/{packageId}/action/download", tag = "app-packages",
    params(("packageId" = String, Path)),
    responses((status = 200, description = "the CSAR (a zip archive)", content_type = "application/zip", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Loaded {
        package,
        mut archive,
        ..
    } = loaded(&state, caller, &path).await?;
    archive.file_name = package.package_file_name;
    stream_file(&state, &archive, "application/zip", true).await
}
