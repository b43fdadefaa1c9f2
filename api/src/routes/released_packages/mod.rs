//! `/mec/developer/v2/released-packages` (reference 1.7, the admin toolbox; admins only):
//! synchronise packages already published to the app store (their metadata and CSAR), list them
//! (`name`, paging), read their files, edit one (the package is re-packed and re-signed),
//! release one again, delete one. Commands go through the ReleasedPackage aggregate; the list
//! reads `tbl_released_package`.
//!
//! - [`files`]: the tree, a file's text, an edit, the release.

mod dto;
pub mod files;

pub use dto::{ReleasedListQuery, ReleasedPackageBody, SyncItem};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::plugin::StoredFile;
use domain::ports::{AppStoreError, StoredApp};
use domain::released_package::{
    LiveReleasedPackage, ReleasedPackage, ReleasedPackageAction, ReleasedPackageCommand,
    ReleasedPackageError, StoreMetadata,
};
use domain::uploaded_file::{FileType, UploadedFile};
use domain::Actor;
use workflows::package::Csar;

use super::app_packages::store;
use super::app_release::app_store_error;
use super::commanding::{
    metadata, options, requested_position, run_command, AppState, CommandEndpoint, CommandHeaders,
    CommandRequest, Reply,
};
use super::helm_charts::blocking;
use super::upload_files::holding::{self, FileUse};
use super::{paging, parse_uuid, Page};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonList;

/// Projections that serve the list (read-your-writes waits for them).
pub const READ_MODELS: &[&str] = &["released_packages"];
/// The most store packages one request synchronises.
const MAX_SYNC: usize = 20;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/released-packages")
            .service(web::resource("").post(synchronize).get(list))
            .service(web::resource("/{packageId}").delete(delete))
            .service(web::resource("/{packageId}/action/get-pkg-structure").get(files::structure))
            .service(
                web::resource("/{packageId}/action/get-file-content").post(files::file_content),
            )
            .service(
                web::resource("/{packageId}/action/edit-file-content")
                    .put(files::edit_file_content),
            )
            .service(web::resource("/{packageId}/action/release").post(files::release)),
    );
}

/// What holds a released package's archive.
pub fn holder(id: &str) -> String {
    format!("releasedpackage/{id}")
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::ReleasedPackageNotFound,
        "no released package has this id",
    )
}

impl ReleasedPackageBody {
    fn of(id: &str, live: &LiveReleasedPackage) -> Self {
        let m = &live.metadata;
        let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        ReleasedPackageBody {
            id: id.to_owned(),
            app_store_app_id: m.app_id.clone(),
            app_store_package_id: m.package_id.clone(),
            name: m.name.clone(),
            version: text(&m.version),
            provider: text(&m.provider),
            industry: text(&m.industry),
            app_type: text(&m.app_type),
            architecture: text(&m.architecture),
            short_desc: text(&m.short_desc),
            synchronize_date: live.synchronized_at,
            user_id: live.user_id.clone(),
            user_name: live.user_name.clone(),
            test_task_id: text(&m.test_task_id),
            package_file_name: live.package_file_name.clone(),
            file_id: live.archive.file_id.clone(),
            signed: live.archive.signed,
            republished_app_id: live.republished.as_ref().map(|r| r.store_app_id.clone()),
            republished_package_id: live
                .republished
                .as_ref()
                .map(|r| r.store_package_id.clone()),
            republish_date: live.republished.as_ref().map(|r| r.at),
        }
    }
}

impl CommandEndpoint for ReleasedPackage {
    fn command_name(command: &ReleasedPackageCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: ReleasedPackageError) -> ApiError {
        match rejection {
            ReleasedPackageError::Forbidden => ApiError::forbidden(&rejection.to_string()),
            ReleasedPackageError::NotFound => not_found(),
            ReleasedPackageError::AlreadyExists => {
                ApiError::new(ErrorCode::DuplicateReleasedPackage, rejection.to_string())
            }
            ReleasedPackageError::Changed => {
                ApiError::new(ErrorCode::PackageChanged, rejection.to_string())
            }
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        ApiError::new(
            ErrorCode::DuplicateReleasedPackage,
            "this store package is synchronised already",
        )
    }
}

/// The released package `id` and its archive's stored file.
pub(crate) async fn load(
    state: &AppState,
    id: &str,
) -> Result<(LiveReleasedPackage, StoredFile), ApiError> {
    let package: ReleasedPackage = state.load(id).await?;
    let live = package.state.ok_or_else(not_found)?;
    let file: UploadedFile = state.load(&live.archive.file_id).await?;
    let archive = file
        .fields
        .and_then(|f| f.content)
        .ok_or_else(|| ApiError::internal("a released package's archive file is missing"))?;
    Ok((live, archive))
}

/// Runs a command on released package `id` holding `new_file` (if any), and lets `old_file` go
/// once it ran. The answer is the package as the command left it (`true` once deleted).
pub(crate) async fn run_released(
    state: &AppState,
    actor: &Actor,
    id: &str,
    action: ReleasedPackageAction,
    (new_file, old_file): (Option<String>, Option<String>),
    options: commands::CommandOptions,
) -> Result<Reply, ApiError> {
    let command = ReleasedPackageCommand {
        actor: actor.clone(),
        action,
    };
    let meta = metadata(actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let request = CommandRequest::<ReleasedPackage>::new(id.to_owned(), command, meta)
        .with_options(options)
        .answered_with(StatusCode::OK, None);
    let key = id.to_owned();
    let render = move |p: &ReleasedPackage| match &p.state {
        Some(live) => serde_json::to_value(ReleasedPackageBody::of(&key, live)).unwrap_or_default(),
        None => serde_json::Value::Bool(true),
    };
    let uses: Vec<FileUse> = new_file
        .into_iter()
        .map(|file_id| FileUse {
            field: "content",
            file_id,
            file_type: FileType::Package,
        })
        .collect();
    let run = run_command(state, request, render);
    let reply = holding::run_holding(state, actor, &uses, &holder(id), run).await?;
    if let (false, Some(old)) = (reply.replayed(), old_file) {
        holding::release(state, actor, &[old], &holder(id)).await;
    }
    Ok(reply)
}

/// A store id as the body gives it.
fn store_id(value: Option<&str>, field: &str) -> Result<String, ApiError> {
    match value {
        Some(id)
            if (1..=128).contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) =>
        {
            Ok(id.to_owned())
        }
        _ => Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("{field} must be 1-128 letters, digits, - or _"),
        )
        .with_params(vec![field.to_owned()])),
    }
}

/// Synchronise store packages (admin): each `{appId, packageId}` is read from the app store (its
/// metadata and CSAR) and kept as a released package, in order. 409
/// `DUPLICATE_RELEASED_PACKAGE` for one synchronised already (those before it are kept); the
/// store's refusal is 502 `APP_STORE_REJECTED` with its `retCode`, a package it does not have 404
/// `STORE_PACKAGE_NOT_FOUND`.
#[utoipa::path(post, path = "/mec/developer/v2/released-packages", tag = "app-packages",
    request_body(content = Vec<SyncItem>, description = "1-20 store packages"),
    responses((status = 200, body = Vec<ReleasedPackageBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn synchronize(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonList<SyncItem>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    if body.0.is_empty() || body.0.len() > MAX_SYNC {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "the body lists 1-20 store packages",
        ));
    }
    let items: Vec<StoredApp> = body
        .0
        .iter()
        .map(|i| {
            Ok(StoredApp {
                app_id: store_id(i.app_id.as_deref(), "appId")?,
                package_id: store_id(i.package_id.as_deref(), "packageId")?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let st = state.clone();
    let bodies = state
        .offload(async move {
            let mut bodies = Vec::new();
            for item in items {
                bodies.push(synchronize_one(&st, &actor, item).await?.body);
            }
            Ok(bodies)
        })
        .await?;
    Ok(HttpResponse::Ok().json(bodies))
}

async fn synchronize_one(
    state: &AppState,
    actor: &Actor,
    item: StoredApp,
) -> Result<Reply, ApiError> {
    let app_store = &state.app_store.port;
    let meta = app_store.package(&item).await.map_err(|e| match e {
        AppStoreError::Rejected {
            status: 404,
            ret_code,
            message,
        } => ApiError::new(
            ErrorCode::StorePackageNotFound,
            format!("the app store has no such package: {message}"),
        )
        .with_ret_code(
            ret_code
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(20007),
        ),
        other => app_store_error(other),
    })?;
    let bytes = app_store.download(&item).await.map_err(app_store_error)?;
    let csar = blocking(move || Csar::read(&bytes)).await?.map_err(|e| {
        ApiError::new(
            ErrorCode::AppStoreRejected,
            format!("the app store's package is not a readable CSAR: {e}"),
        )
        .with_ret_code(20030)
    })?;
    let signed = csar
        .manifest_path()
        .is_ok_and(|m| csar.files.contains_key(&format!("{m}.sig")));
    let name = format!("{}_{}", meta.name, meta.version)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    let file_name = format!("{name}.csar");
    let mut archive = store(state, actor, &file_name, csar).await?;
    archive.signed = signed;
    let metadata = StoreMetadata {
        app_id: item.app_id,
        package_id: item.package_id,
        name: meta.name,
        version: meta.version,
        provider: meta.provider,
        industry: meta.industry,
        app_type: meta.app_type,
        architecture: meta.affinity,
        short_desc: meta.short_desc,
        test_task_id: meta.test_task_id,
    };
    let id = uuid::Uuid::new_v4().to_string();
    let new_file = Some(archive.file_id.clone());
    let action = ReleasedPackageAction::Synchronize {
        metadata: Box::new(metadata),
        package_file_name: file_name,
        archive,
        at: db::now_micros(),
    };
    let options = commands::CommandOptions::default().for_new_stream();
    run_released(state, actor, &id, action, (new_file, None), options).await
}

/// The released packages, newest synchronised first, whose name contains `name` (admin).
#[utoipa::path(get, path = "/mec/developer/v2/released-packages", tag = "app-packages",
    params(ReleasedListQuery),
    responses((status = 200, body = Page<ReleasedPackageBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ReleasedListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.admin()?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = requested_position(&req)?;
    let name = query.name.clone();
    let st = state.clone();
    let (results, total) = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            projections::read_models::released_packages::query::list::<ReleasedPackageBody>(
                &st.pool,
                name.as_deref(),
                limit,
                offset,
            )
            .await
            .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        results,
        limit,
        offset,
        total,
    }))
}

/// Delete a released package (admin): its archive is let go; the store keeps what it has.
#[utoipa::path(delete, path = "/mec/developer/v2/released-packages/{packageId}", tag = "app-packages",
    params(CommandHeaders, ("packageId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "packageId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let (live, _) = load(&st, &id).await?;
            let old = Some(live.archive.file_id.clone());
            run_released(
                &st,
                &actor,
                &id,
                ReleasedPackageAction::Delete,
                (None, old),
                options,
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}
