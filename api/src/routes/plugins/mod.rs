//! `/mec/developer/v1/plugins`: share plugins and SDKs (multipart upload with a logo and an API
//! document), browse and filter the catalogue, download (counted, recorded), rate, update and
//! delete. Files live in the content-addressed store and are written and fsynced before the event
//! that refers to them is appended.

pub mod dto;
pub mod form;

use actix_multipart::Multipart;
use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use domain::plugin::{
    CodeLanguage, Plugin, PluginAction, PluginCommand, PluginError, PluginFields, PluginPatch,
    PluginType, Score, StoredFile, PACKAGE_HASH,
};
use domain::Actor;
use projections::read_models::plugins::query;

use self::dto::{ListQuery, PluginResponse, ScoreQuery};
use self::form::PluginForm;
use super::commanding::{
    self, execute_command, metadata, AppState, CommandEndpoint, CommandRequest,
};
use super::{paging, Page};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::{checks, Staged};

/// Projections that serve the plugin endpoints.
pub const READ_MODELS: &[&str] = &["plugins"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v1/plugins")
            .route("", web::post().to(upload))
            .route("/", web::post().to(upload))
            .route("", web::get().to(list))
            .route("/", web::get().to(list))
            .route("/{pluginId}", web::put().to(update))
            .route("/{pluginId}", web::delete().to(delete))
            .route("/{pluginId}/action/download", web::get().to(download))
            .route("/{pluginId}/action/get-logofile", web::get().to(logo))
            .route("/{pluginId}/action/get-apifile", web::get().to(api_file))
            .route("/{pluginId}/action/content", web::get().to(content))
            .route("/{pluginId}/action/score", web::put().to(score)),
    );
}

/// Plugin ids are UUIDs without dashes, as the original's.
fn plugin_id(text: &str) -> Result<String, ApiError> {
    let ok = text.len() == 32 && text.chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(ApiError::new(
            ErrorCode::InvalidId,
            "pluginId must be 32 hexadecimal characters",
        )
        .with_params(vec!["pluginId".into()]));
    }
    Ok(text.to_ascii_lowercase())
}

fn invalid(error: PluginError, field: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![field.to_owned()])
}

fn bad_file(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidFile, message)
        .with_ret_code(20024)
        .with_params(vec![field.to_owned()])
}

/// `userId` / `userName` form fields, where sent, must name the caller (as the original filter).
fn check_identity(form: &PluginForm, actor: &Actor) -> Result<(), ApiError> {
    let mismatch = form.text("userId").is_some_and(|v| v != actor.user_id)
        || form.text("userName").is_some_and(|v| v != actor.user_name);
    if mismatch {
        return Err(ApiError::unauthorized(
            "Illegal userId/userName: the form must name the token's user",
        ));
    }
    Ok(())
}

fn extension(staged: &Staged) -> String {
    staged
        .file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Checks each staged file by name and by content, without extracting anything.
fn check_files(form: &PluginForm) -> Result<(), ApiError> {
    if let Some(file) = &form.plugin_file {
        if !matches!(extension(file).as_str(), "zip" | "csar") {
            return Err(bad_file(
                "pluginFile",
                "pluginFile must be a .zip or .csar archive",
            ));
        }
        checks::check_zip(&file.path, 1024, 100 * 1024 * 1024)
            .map_err(|e| bad_file("pluginFile", e.to_string()))?;
    }
    if let Some(file) = &form.logo_file {
        if !matches!(extension(file).as_str(), "jpg" | "jpeg" | "png" | "bmp") {
            return Err(bad_file(
                "logoFile",
                "logoFile must be a .jpg, .png or .bmp image",
            ));
        }
        checks::check_image(&file.path).map_err(|e| bad_file("logoFile", e.to_string()))?;
    }
    if let Some(file) = &form.api_file {
        if extension(file) != "md" {
            return Err(bad_file("apiFile", "apiFile must be a Markdown (.md) file"));
        }
        checks::check_text(&file.path).map_err(|e| bad_file("apiFile", e.to_string()))?;
    }
    Ok(())
}

/// The text fields of a form, validated; `required` for upload, optional for update.
fn text_fields(form: &PluginForm, required: bool) -> Result<PluginPatch, ApiError> {
    let need = |name: &str, error: PluginError| -> Result<Option<&str>, ApiError> {
        match form.text(name).filter(|v| !v.trim().is_empty()) {
            None if required => Err(invalid(error, name)),
            value => Ok(value),
        }
    };
    Ok(PluginPatch {
        name: need("pluginName", PluginError::Name)?
            .map(PluginFields::check_name)
            .transpose()
            .map_err(|e| invalid(e, "pluginName"))?,
        code_language: need("codeLanguage", PluginError::CodeLanguage)?
            .map(CodeLanguage::parse)
            .transpose()
            .map_err(|e| invalid(e, "codeLanguage"))?,
        plugin_type: need("pluginType", PluginError::PluginType)?
            .map(PluginType::parse)
            .transpose()
            .map_err(|e| invalid(e, "pluginType"))?,
        version: need("version", PluginError::Version)?
            .map(PluginFields::check_version)
            .transpose()
            .map_err(|e| invalid(e, "version"))?,
        introduction: form
            .text("introduction")
            .map(PluginFields::check_introduction)
            .transpose()
            .map_err(|e| invalid(e, "introduction"))?,
        ..PluginPatch::default()
    })
}

/// Refuses a package whose content another plugin already shares (before anything is stored).
async fn check_not_shared(
    state: &AppState,
    sha256: &str,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let holder = commands::reservations::holder(&state.pool, PACKAGE_HASH, sha256).await?;
    match holder {
        Some(holder) if Some(holder.as_str()) != except => Err(duplicate()),
        _ => Ok(()),
    }
}

fn duplicate() -> ApiError {
    ApiError::new(
        ErrorCode::DuplicatePlugin,
        "this plugin package has already been uploaded",
    )
    .with_params(vec!["pluginFile".into()])
}

/// Share a plugin or SDK (multipart).
#[utoipa::path(
    post, path = "/mec/developer/v1/plugins", tag = "plugins",
    request_body(content = dto::PluginUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = PluginResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, description = "the same package exists", body = ErrorBody),
        (status = 413, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let mut form = form::read(multipart, &state.files).await?;
    check_identity(&form, &actor)?;
    let patch = text_fields(&form, true)?;
    for (part, file) in [
        ("pluginFile", &form.plugin_file),
        ("logoFile", &form.logo_file),
        ("apiFile", &form.api_file),
    ] {
        if file.is_none() {
            return Err(bad_file(part, format!("{part} is required")));
        }
    }
    check_files(&form)?;
    let (Some(package), Some(logo), Some(api)) = (
        form.plugin_file.take(),
        form.logo_file.take(),
        form.api_file.take(),
    ) else {
        return Err(bad_file("pluginFile", "the files are required"));
    };
    let st = state.clone();
    let hash = package.sha256.clone();
    state
        .offload(async move { check_not_shared(&st, &hash, None).await })
        .await?;
    let fields = PluginFields {
        name: patch.name.unwrap_or_default(),
        code_language: patch.code_language.unwrap_or(CodeLanguage::Java),
        plugin_type: patch.plugin_type.unwrap_or(PluginType::Plugin),
        version: patch.version.unwrap_or_default(),
        introduction: patch.introduction.unwrap_or_default(),
        plugin_file: commit(&state, package).await?,
        logo_file: commit(&state, logo).await?,
        api_file: commit(&state, api).await?,
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    let at = db::now_micros();
    let executed = run(
        &state,
        actor,
        id.clone(),
        PluginAction::Upload { fields, at },
    )
    .await?;
    let body = executed
        .aggregate
        .state
        .as_ref()
        .map(|live| PluginResponse::from_state(&id, live));
    Ok(HttpResponse::build(if executed.visible {
        StatusCode::CREATED
    } else {
        StatusCode::ACCEPTED
    })
    .json(body))
}

async fn commit(state: &AppState, staged: Staged) -> Result<StoredFile, ApiError> {
    state
        .files
        .commit(staged)
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))
}

/// Replace fields or files of a plugin (owner only; every part optional).
#[utoipa::path(
    put, path = "/mec/developer/v1/plugins/{pluginId}", tag = "plugins",
    params(("pluginId" = String, Path, description = "32 hex characters")),
    request_body(content = dto::PluginUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = PluginResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = plugin_id(&path)?;
    let mut form = form::read(multipart, &state.files).await?;
    check_identity(&form, &actor)?;
    let mut patch = text_fields(&form, false)?;
    check_files(&form)?;
    // Refuse early (nothing stored) when the caller may not change this plugin.
    let st = state.clone();
    let (pid, who) = (id.clone(), actor.clone());
    let current = state
        .offload(async move {
            st.executor
                .store()
                .load::<Plugin>(&pid)
                .await
                .map_err(|e| ApiError::internal(&e.to_string()))
        })
        .await?;
    let live = current.0.state.as_ref().ok_or_else(not_found)?;
    if live.owner_id != who.user_id {
        return Err(forbidden());
    }
    if let Some(package) = form.plugin_file.take() {
        let (st, hash, except) = (state.clone(), package.sha256.clone(), id.clone());
        state
            .offload(async move { check_not_shared(&st, &hash, Some(&except)).await })
            .await?;
        patch.plugin_file = Some(commit(&state, package).await?);
    }
    if let Some(logo) = form.logo_file.take() {
        patch.logo_file = Some(commit(&state, logo).await?);
    }
    if let Some(api) = form.api_file.take() {
        patch.api_file = Some(commit(&state, api).await?);
    }
    let executed = run(&state, actor, id.clone(), PluginAction::Update(patch)).await?;
    let body = executed
        .aggregate
        .state
        .as_ref()
        .map(|live| PluginResponse::from_state(&id, live));
    Ok(HttpResponse::build(if executed.visible {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    })
    .json(body))
}

/// Delete a plugin (owner or admin); its files are swept once nothing refers to them.
#[utoipa::path(
    delete, path = "/mec/developer/v1/plugins/{pluginId}", tag = "plugins",
    params(("pluginId" = String, Path)),
    responses((status = 200, body = bool), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = plugin_id(&path)?;
    run(&state, actor, id, PluginAction::Delete).await?;
    Ok(HttpResponse::Ok().json(true))
}

/// The catalogue, filtered and paged (guests too).
#[utoipa::path(
    get, path = "/mec/developer/v1/plugins", tag = "plugins", params(ListQuery),
    responses((status = 200, body = inline(Page<PluginResponse>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = paging(query.limit, query.offset)?;
    let plugin_type = query
        .plugin_type
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(PluginType::parse)
        .transpose()
        .map_err(|e| invalid(e, "pluginType"))?
        .map(PluginType::code);
    let language = query
        .code_language
        .as_deref()
        .filter(|l| !l.is_empty())
        .map(CodeLanguage::parse)
        .transpose()
        .map_err(|e| invalid(e, "codeLanguage"))?
        .map(CodeLanguage::as_str);
    let name = query.plugin_name.clone();
    let st = state.clone();
    let page = state
        .offload(async move {
            let filter = query::PluginFilter {
                plugin_type,
                code_language: language,
                name: name.as_deref(),
            };
            let (results, total) =
                query::list::<PluginResponse>(&st.pool, filter, limit, offset).await?;
            Ok(Page {
                results,
                limit,
                offset,
                total,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Download the package (guests too); every download is recorded and counted.
#[utoipa::path(
    get, path = "/mec/developer/v1/plugins/{pluginId}/action/download", tag = "plugins",
    params(("pluginId" = String, Path)),
    responses((status = 200, description = "the package, streamed", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = plugin_id(&path)?;
    let record_id = uuid::Uuid::new_v4().simple().to_string();
    let executed = run(
        &state,
        caller.0,
        id,
        PluginAction::Download {
            record_id,
            at: db::now_micros(),
        },
    )
    .await?;
    let live = executed.aggregate.state.ok_or_else(not_found)?;
    stream_file(
        &state,
        &live.fields.plugin_file,
        "application/octet-stream",
        true,
    )
    .await
}

/// The logo image (guests too).
#[utoipa::path(get, path = "/mec/developer/v1/plugins/{pluginId}/action/get-logofile", tag = "plugins", params(("pluginId" = String, Path)),
    responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
pub async fn logo(
    state: web::Data<AppState>,
    _caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let file = current(&state, &path).await?.logo_file;
    let content_type = match file
        .file_name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("bmp") => "image/bmp",
        _ => "image/jpeg",
    };
    stream_file(&state, &file, content_type, false).await
}

/// The API Markdown file as an attachment (tenants and admins).
#[utoipa::path(get, path = "/mec/developer/v1/plugins/{pluginId}/action/get-apifile", tag = "plugins", params(("pluginId" = String, Path)),
    responses((status = 200, description = "the Markdown file"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
pub async fn api_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let file = current(&state, &path).await?.api_file;
    stream_file(&state, &file, "text/markdown; charset=utf-8", true).await
}

/// The API Markdown as text (tenants and admins).
#[utoipa::path(get, path = "/mec/developer/v1/plugins/{pluginId}/action/content", tag = "plugins", params(("pluginId" = String, Path)),
    responses((status = 200, description = "the Markdown text", content_type = "text/plain"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
pub async fn content(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let file = current(&state, &path).await?.api_file;
    let text = tokio::fs::read_to_string(state.files.path_of(&file.sha256))
        .await
        .map_err(|e| ApiError::internal(&format!("stored API file unreadable: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text))
}

/// Rate a plugin 1-5; a user's later rating replaces their earlier one.
#[utoipa::path(put, path = "/mec/developer/v1/plugins/{pluginId}/action/score", tag = "plugins",
    params(("pluginId" = String, Path), ScoreQuery),
    responses((status = 200, body = bool), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
pub async fn score(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<ScoreQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = plugin_id(&path)?;
    let score = Score::parse(query.score.as_deref().unwrap_or_default())
        .map_err(|e| invalid(e, "score"))?;
    run(
        &state,
        actor,
        id,
        PluginAction::Rate {
            score,
            at: db::now_micros(),
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(true))
}

/// The plugin's current fields, from its events.
async fn current(state: &web::Data<AppState>, path: &str) -> Result<PluginFields, ApiError> {
    let id = plugin_id(path)?;
    let st = state.clone();
    let (plugin, _) = state
        .offload(async move {
            st.executor
                .store()
                .load::<Plugin>(&id)
                .await
                .map_err(|e| ApiError::internal(&e.to_string()))
        })
        .await?;
    plugin.state.map(|live| live.fields).ok_or_else(not_found)
}

/// Streams a stored file with its length and, for attachments, its name.
async fn stream_file(
    state: &AppState,
    file: &StoredFile,
    content_type: &str,
    attachment: bool,
) -> Result<HttpResponse, ApiError> {
    let handle = tokio::fs::File::open(state.files.path_of(&file.sha256))
        .await
        .map_err(|e| ApiError::internal(&format!("stored file missing: {e}")))?;
    let chunks = futures_util::stream::unfold(handle, |mut handle| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; 64 * 1024];
        match handle.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, std::io::Error>(web::Bytes::from(buffer)), handle))
            }
            Err(e) => Some((Err(e), handle)),
        }
    });
    let mut response = HttpResponse::Ok();
    response.content_type(content_type.to_owned());
    if attachment {
        let name: String = file
            .file_name
            .chars()
            .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
            .collect();
        response.insert_header((
            "content-disposition",
            format!("attachment; filename=\"{name}\""),
        ));
    }
    Ok(response.body(SizedStream::new(file.size, Box::pin(chunks))))
}

/// The result of a plugin command, and whether the read model shows it yet.
struct Ran {
    aggregate: Plugin,
    visible: bool,
}

/// Runs a plugin command on the one command path (no idempotency keys: plugin answers are the
/// plugin itself, or a file).
async fn run(
    state: &web::Data<AppState>,
    actor: Actor,
    id: String,
    action: PluginAction,
) -> Result<Ran, ApiError> {
    let st = state.clone();
    state
        .offload(async move {
            let metadata = metadata(&actor, None);
            let request =
                CommandRequest::<Plugin>::new(id, PluginCommand { actor, action }, metadata);
            match execute_command(&st, &request, |_| serde_json::Value::Null).await? {
                commanding::Ran::Executed { executed, visible } => Ok(Ran {
                    aggregate: executed.aggregate,
                    visible,
                }),
                commanding::Ran::Replayed(_) => Err(ApiError::internal(
                    "plugin commands take no idempotency key",
                )),
            }
        })
        .await
}

impl CommandEndpoint for Plugin {
    fn command_name(command: &PluginCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: PluginError) -> ApiError {
        match rejection {
            PluginError::NotFound => not_found(),
            PluginError::Forbidden => forbidden(),
            PluginError::AlreadyExists => {
                ApiError::new(ErrorCode::PluginExists, "a plugin with this id exists")
            }
            other => ApiError::new(ErrorCode::InvalidField, other.to_string()),
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        duplicate()
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::PluginNotFound, "no plugin has this id")
}

fn forbidden() -> ApiError {
    ApiError::forbidden("only the plugin's owner may change it")
}
