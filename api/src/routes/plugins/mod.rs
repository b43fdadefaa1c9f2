//! `/mec/developer/v1/plugins`: share plugins and SDKs (multipart upload with a logo and an API
//! document), browse and filter the catalogue, download (counted, recorded), rate, update and
//! delete. Files live in the content-addressed store and are written and fsynced before the event
//! that refers to them is appended.

pub mod downloads;
pub mod dto;
pub mod form;
mod upload_checks;

pub use downloads::{api_file, content, download, logo};

use self::upload_checks::*;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use domain::plugin::{
    CodeLanguage, Plugin, PluginAction, PluginCommand, PluginError, PluginFields, PluginPatch,
    PluginType, Score, PACKAGE_HASH,
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
use crate::files::http::{commit, upload_permit};
use crate::files::{checks, Staged};

/// Projections that serve the plugin endpoints.
pub const READ_MODELS: &[&str] = &["plugins"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v1/plugins")
            .service(web::resource(["", "/"]).post(upload).get(list))
            .service(web::resource("/{pluginId}").put(update).delete(delete))
            .service(web::resource("/{pluginId}/action/download").get(download))
            .service(web::resource("/{pluginId}/action/get-logofile").get(logo))
            .service(web::resource("/{pluginId}/action/get-apifile").get(api_file))
            .service(web::resource("/{pluginId}/action/content").get(content))
            .service(web::resource("/{pluginId}/action/score").put(score)),
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
    let _permit = upload_permit(&state)?;
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
    let _permit = upload_permit(&state)?;
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
    responses((status = 200, body = bool, content_type = "application/json"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
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

/// Rate a plugin 1-5; a user's later rating replaces their earlier one.
#[utoipa::path(put, path = "/mec/developer/v1/plugins/{pluginId}/action/score", tag = "plugins",
    params(("pluginId" = String, Path), ScoreQuery),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("access_token" = []), ("bearer" = [])))]
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
            // An upload creates the plugin under an id generated for it.
            let options = commands::CommandOptions {
                new_stream: matches!(action, PluginAction::Upload { .. }),
                ..Default::default()
            };
            let request =
                CommandRequest::<Plugin>::new(id, PluginCommand { actor, action }, metadata)
                    .with_options(options);
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
