//! An application's package (reference 1.6): `POST .../applications/{id}/action/generate-package`
//! builds the CSAR from the application (ADR 0020); `/mec/developer/v2/apppackages/{packageId}`
//! reads it, lists its files, reads and edits one, re-packs it (the application becomes
//! PACKAGED) and downloads it. The CSAR is an uploaded file (type package) the package holds;
//! each edit and re-pack is a new archive replacing the old one, by one Application command.
//!
//! - [`files`]: structure, file content, edits, re-pack, download.

mod dto;
pub mod files;

pub use dto::{AppPackageBody, FileContent, FileContentBody, FilePathBody};

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::package::{AppPackage, PackageArchive};
use domain::application::{
    AppClass, Application, ApplicationAction, ApplicationCommand, LiveApplication,
};
use domain::flavor::Flavor;
use domain::uploaded_file::{FileType, UploadedFile};
use domain::vm_image::VmImage;
use domain::Actor;
use workflows::package::{self, Csar, CsarError, ImageDescription, PackageSource};

use super::commanding::{
    metadata, options, run_command, AppState, CommandEndpoint, CommandHeaders, CommandRequest,
    Reply,
};
use super::helm_charts::{blocking, record_archive, stage_packed};
use super::operations::owned_application;
use super::parse_uuid;
use super::upload_files::holding::{self, FileUse};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::upload_permit;

/// Under `/mec/developer/v2/applications`.
pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/{applicationId}/action/generate-package").post(generate));
}

/// `/mec/developer/v2/apppackages`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/apppackages/{packageId}")
            .service(web::resource("").get(files::get))
            .service(web::resource("/action/get-pkg-structure").get(files::structure))
            .service(web::resource("/action/get-file-content").post(files::file_content))
            .service(web::resource("/action/update-file-content").put(files::update_file_content))
            .service(web::resource("/action/zip-package").post(files::zip_package))
            .service(web::resource("/action/download").get(files::download)),
    );
}

/// What holds a package's archive.
pub fn holder(package_id: &str) -> String {
    format!("apppackage/{package_id}")
}

/// Lets go of the archive of a deleted application's package.
pub async fn release(state: &AppState, actor: &Actor, live: &LiveApplication) {
    if let Some(package) = &live.package {
        let file = [package.archive.file_id.clone()];
        holding::release(state, actor, &file, &holder(&package.id)).await;
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::PackageNotFound, "no package has this id")
}

/// A stored file's name and bytes (`None` for a file without content, as the catalogue's).
pub(crate) async fn stored_bytes(
    state: &AppState,
    file_id: &str,
) -> Result<Option<(String, Vec<u8>)>, ApiError> {
    let file: UploadedFile = state.load(file_id).await?;
    let Some(content) = file.fields.and_then(|f| f.content) else {
        return Ok(None);
    };
    let path = state.files.path_of(&content.sha256);
    let bytes = blocking(move || std::fs::read(path))
        .await?
        .map_err(|e| ApiError::internal(&format!("a stored file is unreadable: {e}")))?;
    Ok(Some((content.file_name, bytes)))
}

/// What a package is built from besides the application.
struct Gathered {
    flavors: BTreeMap<String, domain::flavor::FlavorFields>,
    images: BTreeMap<i32, ImageDescription>,
    artifacts: Vec<(String, Vec<u8>)>,
}

/// The flavors, images and files the package of `live` is built from.
async fn gather(state: &AppState, live: &LiveApplication) -> Result<Gathered, ApiError> {
    let mut flavors = BTreeMap::new();
    let mut images = BTreeMap::new();
    for vm in &live.vms {
        let flavor: Flavor = state.load(&vm.spec.flavor_id).await?;
        if let Some(fields) = flavor.fields {
            flavors.insert(vm.spec.flavor_id.clone(), fields);
        }
        let image: VmImage = state.load(&vm.spec.image_id.to_string()).await?;
        if let Some(fields) = image.fields {
            let file = image.file.as_ref();
            images.insert(
                vm.spec.image_id,
                ImageDescription {
                    name: fields.name,
                    os_type: fields.os_type,
                    os_version: fields.os_version,
                    system_disk_size: fields.system_disk_size,
                    disk_bus: fields.disk_bus,
                    format: file.map(|f| f.image_format.clone()),
                    size: file.map(|f| f.image_size),
                    checksum: file.map(|f| f.file_md5.clone()),
                    file_name: file.map(|f| f.image_file_name.clone()),
                },
            );
        }
    }
    let mut artifacts = Vec::new();
    if live.fields.app_class == AppClass::Container {
        for chart in &live.helm_charts {
            let (_, bytes) = stored_bytes(state, &chart.helm_chart_file_id)
                .await?
                .ok_or_else(|| ApiError::internal("a helm chart's archive file is missing"))?;
            artifacts.push((
                format!("{}/{}", package::appd::CHARTS_DIR, chart.name),
                bytes,
            ));
        }
    }
    for script in &live.scripts {
        if let Some((_, bytes)) = stored_bytes(state, &script.script_file_id).await? {
            artifacts.push((
                format!("Artifacts/Deployment/Scripts/{}", script.name),
                bytes,
            ));
        }
    }
    let docs = std::iter::once(live.fields.icon_file_id.as_str())
        .chain(live.fields.guide_file_id.as_ref().map(|g| g.as_str()));
    for file_id in docs {
        if let Some((name, bytes)) = stored_bytes(state, file_id).await? {
            artifacts.push((format!("Artifacts/Docs/{name}"), bytes));
        }
    }
    Ok(Gathered {
        flavors,
        images,
        artifacts,
    })
}

/// A package's files as a stored archive (a new uploaded file of type package), with its paths.
pub(crate) async fn store(
    state: &AppState,
    actor: &Actor,
    file_name: &str,
    csar: Csar,
) -> Result<PackageArchive, ApiError> {
    let files = csar.paths();
    let bytes = blocking(move || csar.zip())
        .await?
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    let staged = stage_packed(state, file_name, bytes).await?;
    let file_id = record_archive(
        state,
        actor,
        staged,
        file_name.to_owned(),
        FileType::Package,
    )
    .await?;
    Ok(PackageArchive {
        file_id,
        files,
        signed: state.package_signer.is_some(),
    })
}

/// Runs a package command holding the new archive, and lets the old archive go once the command
/// replaced it. The answer is the package as the command left it.
async fn run_package_command(
    state: &AppState,
    actor: &Actor,
    request: (String, ApplicationAction, commands::CommandOptions),
    new_archive: &PackageArchive,
    old: Option<(String, String)>,
    package_id: String,
) -> Result<Reply, ApiError> {
    let (app_id, action, options) = request;
    let uses = [FileUse {
        field: "content",
        file_id: new_archive.file_id.clone(),
        file_type: FileType::Package,
    }];
    let meta = metadata(actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let command = ApplicationCommand {
        actor: actor.clone(),
        action,
    };
    let request = CommandRequest::<Application>::new(app_id.clone(), command, meta)
        .with_options(options)
        .answered_with(StatusCode::OK, None);
    let render = move |app: &Application| {
        app.state
            .as_ref()
            .and_then(|live| live.package.as_ref())
            .map(|p| serde_json::to_value(AppPackageBody::of(&app_id, p)).unwrap_or_default())
            .unwrap_or_default()
    };
    let run = run_command(state, request, render);
    let reply = holding::run_holding(state, actor, &uses, &holder(&package_id), run).await?;
    if let (false, Some((old_package, old_file))) = (reply.replayed(), old) {
        holding::release(state, actor, &[old_file], &holder(&old_package)).await;
    }
    Ok(reply)
}

/// Build the application's package (owner or admin): a CSAR from its VMs, networks, flavors,
/// images and user data (VM applications) or its helm charts (container applications), its
/// app configuration, scripts, icon and guide, with a SHA-256 manifest, signed when a signing
/// key is configured (ADR 0020). It replaces any earlier package; the status stays (as the
/// original). 409 `NOTHING_TO_PACKAGE` before a VM or chart is configured.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/action/generate-package", tag = "app-packages",
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = AppPackageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn generate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let options = options(&req, format!("generate-package:{app_id}").as_bytes())?;
    let _permit = upload_permit(&state)?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let live = owned_application(&st, &actor, &app_id).await?;
            // Refused before anything is built or stored (the command checks again).
            live.packageable()
                .map_err(<Application as CommandEndpoint>::rejection)?;
            let gathered = gather(&st, &live).await?;
            let name = package::package_name(&live);
            let signer = st.package_signer.clone();
            let app = live.clone();
            let csar = blocking(move || {
                let source = PackageSource {
                    app: &app,
                    flavors: gathered.flavors,
                    images: gathered.images,
                    artifacts: gathered.artifacts,
                    created_at: chrono::Utc::now(),
                };
                package::build(&source, signer.as_deref())
            })
            .await?
            .map_err(build_failed)?;
            let file_name = format!("{name}.csar");
            let archive = store(&st, &actor, &file_name, csar).await?;
            let package = AppPackage {
                id: uuid::Uuid::new_v4().to_string(),
                package_file_name: file_name,
                archive: archive.clone(),
                edited: false,
                created_at: chrono::Utc::now(),
            };
            let old = live
                .package
                .as_ref()
                .map(|p| (p.id.clone(), p.archive.file_id.clone()));
            let package_id = package.id.clone();
            let action = ApplicationAction::GeneratePackage(package);
            run_package_command(
                &st,
                &actor,
                (app_id, action, options),
                &archive,
                old,
                package_id,
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}

fn build_failed(error: CsarError) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidField,
        format!("the application cannot be packaged: {error}"),
    )
}
