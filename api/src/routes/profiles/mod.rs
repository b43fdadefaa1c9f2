//! `/mec/developer/v2/profiles` (reference 1.10): industry templates. An admin uploads a zip
//! ([`archive`] checks it) kept in the file store and recorded by the Profile aggregate; anyone
//! signed in lists and reads them; a tenant makes a container application of one
//! ([`create_application`]).

mod archive;
pub mod create_application;
mod dto;

pub use create_application::create_application;
pub use dto::{IconForm, ProfileBody, ProfileForm};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::profile::{Profile, ProfileAction, ProfileCommand, ProfileError, ProfileFields};

use super::commanding::{
    metadata, options, run_command, AppState, CommandEndpoint, CommandHeaders, CommandRequest,
};
use super::{paging, parse_uuid, Page};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::{commit, read_one_file, stream_file, upload_permit};
use dto::{DownloadQuery, ProfileListQuery, ProfileRow};

const READ_MODELS: &[&str] = &["profiles"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/profiles")
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{profileId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            )
            .service(web::resource("/{profileId}/action/download").get(download))
            .service(web::resource("/{profileId}/create-application").post(create_application)),
    );
}

impl CommandEndpoint for Profile {
    fn command_name(command: &ProfileCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: ProfileError) -> ApiError {
        match rejection {
            ProfileError::Forbidden => ApiError::forbidden("only an admin may manage profiles"),
            ProfileError::NotFound => not_found(),
            ProfileError::AlreadyExists => {
                ApiError::new(ErrorCode::Duplicate, "a profile with this id exists")
            }
            ProfileError::Invalid(message) => invalid(message),
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        ApiError::new(ErrorCode::Duplicate, "a unique value is taken")
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::ProfileNotFound, "no profile has this id")
}

fn invalid(message: String) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidFile,
        format!("not a valid profile: {message}"),
    )
    .with_params(vec!["file".into()])
}

/// Receives, checks and stores a profile zip (part `file`).
async fn receive(state: &AppState, multipart: Multipart) -> Result<ProfileFields, ApiError> {
    let staged = read_one_file(state, multipart, "file", archive::PROFILE_LIMIT, 4).await?;
    if !staged.file_name.to_ascii_lowercase().ends_with(".zip") {
        return Err(invalid("a profile is a .zip file".into()));
    }
    let path = staged.path.clone();
    let probe = domain::plugin::StoredFile {
        sha256: staged.sha256.clone(),
        size: staged.size,
        file_name: staged.file_name.clone(),
    };
    let fields = tokio::task::spawn_blocking(move || archive::read_profile(&path, probe))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?
        .map_err(invalid)?;
    let stored = commit(state, staged).await?;
    Ok(ProfileFields {
        file: stored,
        ..fields
    })
}

async fn run(
    state: web::Data<AppState>,
    req: HttpRequest,
    actor: domain::Actor,
    id: String,
    action: ProfileAction,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let mut options = options(&req, b"")?;
    if status == StatusCode::CREATED {
        options = options.for_new_stream();
    }
    let st = state.clone();
    let reply = state
        .offload(async move {
            let location =
                (status == StatusCode::CREATED).then(|| format!("/mec/developer/v2/profiles/{id}"));
            let request = CommandRequest::<Profile>::new(
                id.clone(),
                ProfileCommand {
                    actor: actor.clone(),
                    action,
                },
                metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str())),
            )
            .with_options(options)
            .answered_with(status, location);
            run_command(&st, request, |p: &Profile| {
                match (&p.fields, p.created_at) {
                    (Some(f), Some(at)) => serde_json::json!({
                        "id": id, "name": f.name, "seq": f.seq, "createTime": at,
                        "appList": f.apps, "type": f.profile_type, "industry": f.industry,
                    }),
                    _ => serde_json::Value::Bool(true),
                }
            })
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// Upload a profile (admin): multipart part `file`, a zip with `profile.yaml`, the deploy files
/// it names (YAMLs of Kubernetes manifests) and its config script; at most 10 MB.
#[utoipa::path(post, path = "/mec/developer/v2/profiles", tag = "profiles",
    params(CommandHeaders), request_body(content = ProfileForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let _permit = upload_permit(&state)?;
    let fields = receive(&state, multipart).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let at = db::now_micros();
    run(
        state,
        req,
        actor,
        id,
        ProfileAction::Create { fields, at },
        StatusCode::CREATED,
    )
    .await
}

/// Replace a profile's zip (admin).
#[utoipa::path(put, path = "/mec/developer/v2/profiles/{profileId}", tag = "profiles",
    params(CommandHeaders, ("profileId" = String, Path)), request_body(content = ProfileForm, content_type = "multipart/form-data"),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "profileId")?;
    let _permit = upload_permit(&state)?;
    let fields = receive(&state, multipart).await?;
    let at = db::now_micros();
    run(
        state,
        req,
        actor,
        id,
        ProfileAction::Update { fields, at },
        StatusCode::OK,
    )
    .await
}

/// Delete a profile (admin).
#[utoipa::path(delete, path = "/mec/developer/v2/profiles/{profileId}", tag = "profiles",
    params(CommandHeaders, ("profileId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "profileId")?;
    run(state, req, actor, id, ProfileAction::Delete, StatusCode::OK).await
}

/// A page of profiles, newest first (anyone signed in).
#[utoipa::path(get, path = "/mec/developer/v2/profiles", tag = "profiles", params(ProfileListQuery),
    responses((status = 200, body = inline(Page<ProfileBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    query: web::Query<ProfileListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = super::commanding::requested_position(&req)?;
    let name = query.name.clone();
    let st = state.clone();
    let (rows, total) = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            projections::read_models::profiles::query::list::<ProfileRow>(
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
        results: rows
            .into_iter()
            .map(ProfileRow::into_body)
            .collect::<Vec<_>>(),
        limit,
        offset,
        total,
    }))
}

/// One profile (anyone signed in).
#[utoipa::path(get, path = "/mec/developer/v2/profiles/{profileId}", tag = "profiles", params(("profileId" = String, Path)),
    responses((status = 200, body = ProfileBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_uuid(&path, "profileId")?;
    let position = super::commanding::requested_position(&req)?;
    let st = state.clone();
    let row = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            projections::read_models::profiles::query::find::<ProfileRow>(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(row.into_body()))
}

/// The live profile (404 otherwise).
async fn load(state: &web::Data<AppState>, id: String) -> Result<ProfileFields, ApiError> {
    let st = state.clone();
    let profile: Profile = state.offload(async move { st.load(&id).await }).await?;
    profile.fields.ok_or_else(not_found)
}

/// Download the profile's zip, one app's deploy file, or its config script (anyone signed in).
#[utoipa::path(get, path = "/mec/developer/v2/profiles/{profileId}/action/download", tag = "profiles",
    params(("profileId" = String, Path), DownloadQuery),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn download(
    state: web::Data<AppState>,
    _caller: Caller,
    path: web::Path<String>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_uuid(&path, "profileId")?;
    let kind = query.file_type.clone().unwrap_or_default();
    let inner = match kind.as_str() {
        "profileFile" => None,
        "deployFile" => Some(None),
        "configFile" => Some(Some(())),
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidField,
                "type must be profileFile, deployFile or configFile",
            )
            .with_params(vec!["type".into()]))
        }
    };
    let fields = load(&state, id).await?;
    let name = match inner {
        None => return stream_file(&state, &fields.file, "application/zip", true).await,
        Some(None) => {
            let app = query.name.as_deref().unwrap_or_default();
            fields
                .apps
                .iter()
                .find(|a| a.name == app)
                .map(|a| a.deploy_file.clone())
                .ok_or_else(|| file_missing("the profile has no app of this name"))?
        }
        Some(Some(())) => fields
            .config_file
            .clone()
            .ok_or_else(|| file_missing("the profile has no config file"))?,
    };
    let zip = state.files.path_of(&fields.file.sha256);
    let entry = name.clone();
    let bytes = tokio::task::spawn_blocking(move || archive::entry(&zip, &entry))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?
        .map_err(|e| ApiError::internal(&e))?;
    let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(crate::files::http::content_disposition(&base))
        .body(bytes))
}

fn file_missing(message: &str) -> ApiError {
    ApiError::new(ErrorCode::ProfileFileNotFound, message.to_owned())
        .with_params(vec!["name".into()])
}
