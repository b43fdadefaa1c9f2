//! `/mec/developer/v2/capabilities` (reference 1.10, the "ability centre"): admins create, update
//! and delete the services edge apps can depend on; everyone signed in reads them, by group,
//! name, English name or group type ([`queries`]). A capability is filed under a group (by id, or
//! by name, creating the group when none has it) and names its uploaded files, which it holds
//! (ADR 0012) and which everyone may then read.

mod dto;
pub mod queries;

pub use dto::{CapabilityRequest, CapabilityResponse, GroupStats, NameEnQuery, NameQuery};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::capability::{
    capability_holder, Capability, CapabilityAction, CapabilityCommand, CapabilityError,
    CapabilityFields,
};
use domain::capability_group::{
    CapabilityGroup, CapabilityGroupAction, CapabilityGroupCommand, CapabilityGroupError,
};
use domain::uploaded_file::FileType;
use domain::Actor;

use super::commanding::{
    json_bytes, metadata, options, run_command, AppState, CommandEndpoint, CommandHeaders,
    CommandRequest,
};
use super::parse_uuid;
use super::upload_files::holding::{self, FileUse};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

pub const READ_MODELS: &[&str] = &["capabilities"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/mec/developer/v2/capabilities")
            .get(queries::list)
            .post(create),
    )
    .service(
        web::resource("/mec/developer/v2/capabilities/{capabilityId}")
            .get(queries::get)
            .put(update)
            .delete(delete),
    )
    .configure(queries::configure);
}

impl CommandEndpoint for Capability {
    fn command_name(command: &CapabilityCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: CapabilityError) -> ApiError {
        match rejection {
            CapabilityError::NotFound => not_found(),
            CapabilityError::Forbidden => ApiError::forbidden("only admins manage capabilities"),
            CapabilityError::AlreadyExists => ApiError::new(
                ErrorCode::CapabilityExists,
                "a capability with this id exists",
            ),
            CapabilityError::InUse(_) => {
                ApiError::new(ErrorCode::CapabilityInUse, rejection.to_string())
            }
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        let field = if scope == domain::capability::CAPABILITY_NAME_EN {
            "nameEn"
        } else {
            "name"
        };
        ApiError::new(
            ErrorCode::DuplicateCapability,
            format!("another capability has this {field}"),
        )
        .with_params(vec![field.into()])
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::CapabilityNotFound, "no capability has this id")
}

fn invalid(error: CapabilityError) -> ApiError {
    let param = match &error {
        CapabilityError::Required(field) | CapabilityError::TooLong(field, _) => field,
        CapabilityError::Port => "port",
        CapabilityError::Protocol => "protocol",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![param.to_owned()])
}

/// The files a capability names, and the types they must have.
fn file_uses(fields: &CapabilityFields) -> Vec<FileUse> {
    fields
        .files()
        .into_iter()
        .map(|(field, id)| FileUse {
            field,
            file_id: id.to_owned(),
            file_type: match field {
                "apiFileId" => FileType::Api,
                "iconFileId" => FileType::Icon,
                _ => FileType::Md,
            },
        })
        .collect()
}

/// Create a capability (admin).
#[utoipa::path(post, path = "/mec/developer/v2/capabilities", tag = "capabilities", params(CommandHeaders),
    request_body = CapabilityRequest,
    responses((status = 201, body = CapabilityResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::request_rules::JsonBody<CapabilityRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let id = uuid::Uuid::new_v4().to_string();
    let uploaded_at = db::now_micros().timestamp_millis();
    let body = body.into_inner();
    run(
        state,
        actor,
        id,
        body,
        Held::default(),
        options,
        move |fields| CapabilityAction::Create {
            fields,
            uploaded_at,
        },
    )
    .await
}

/// Replace a capability's fields (admin).
#[utoipa::path(put, path = "/mec/developer/v2/capabilities/{capabilityId}", tag = "capabilities",
    params(CommandHeaders, ("capabilityId" = String, Path)), request_body = CapabilityRequest,
    responses((status = 200, body = CapabilityResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<CapabilityRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "capabilityId")?;
    let options = options(&req, &json_bytes(&*body))?;
    let held = held_files(&state, &id).await?;
    run(
        state,
        actor,
        id,
        body.into_inner(),
        held,
        options,
        CapabilityAction::Update,
    )
    .await
}

/// Delete a capability (admin); its files are let go.
#[utoipa::path(delete, path = "/mec/developer/v2/capabilities/{capabilityId}", tag = "capabilities",
    params(CommandHeaders, ("capabilityId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = parse_uuid(&path, "capabilityId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move { remove(&st, &actor, &id, options).await })
        .await?;
    Ok(reply.into_response())
}

/// Deletes a capability and lets go of its files and group; also how a release that cannot
/// finish takes back the capabilities it registered.
pub(crate) async fn remove(
    st: &AppState,
    actor: &Actor,
    id: &str,
    options: commands::CommandOptions,
) -> Result<crate::routes::commanding::Reply, ApiError> {
    let capability: Capability = st.load(id).await?;
    let held = capability
        .fields
        .map(|f| Held {
            files: f.files().into_iter().map(|(_, id)| id.to_owned()).collect(),
            group: Some(f.group_id.clone()),
        })
        .unwrap_or_default();
    let command = CapabilityCommand {
        actor: actor.clone(),
        action: CapabilityAction::Delete,
    };
    let request = CommandRequest::<Capability>::new(id.to_owned(), command, metadata(actor, None))
        .with_options(options)
        .answered_with(StatusCode::OK, None);
    let reply = run_command(st, request, |_| serde_json::Value::Bool(true)).await?;
    holding::release(st, actor, &held.files, &capability_holder(id)).await;
    if let Some(group) = &held.group {
        leave(st, actor, group, id).await;
    }
    Ok(reply)
}

/// What the capability holds now: the files it names and the group it is filed under (nothing
/// if it does not exist).
async fn held_files(state: &web::Data<AppState>, id: &str) -> Result<Held, ApiError> {
    let st = state.clone();
    let id = id.to_owned();
    let capability: Capability = state.offload(async move { st.load(&id).await }).await?;
    Ok(capability
        .fields
        .map(|f| Held {
            files: f.files().into_iter().map(|(_, id)| id.to_owned()).collect(),
            group: Some(f.group_id.clone()),
        })
        .unwrap_or_default())
}

/// What a capability holds: its files, and its group's membership.
#[derive(Debug, Default)]
pub(crate) struct Held {
    files: Vec<String>,
    group: Option<String>,
}

/// Files `capability_id` under `group_id` (`join`) or takes it out; a group that does not exist
/// answers 400 `UNKNOWN_CAPABILITY_GROUP` on a join.
async fn membership(
    state: &AppState,
    actor: &Actor,
    group_id: &str,
    capability_id: &str,
    join: bool,
) -> Result<(), ApiError> {
    let capability_id = capability_id.to_owned();
    let action = if join {
        CapabilityGroupAction::Join { capability_id }
    } else {
        CapabilityGroupAction::Leave { capability_id }
    };
    let command = CapabilityGroupCommand {
        actor: actor.clone(),
        action,
    };
    state
        .executor
        .execute::<CapabilityGroup, _>(
            group_id,
            command,
            &(),
            &metadata(actor, None),
            &commands::CommandOptions::default(),
            |_, _| commands::StoredResponse {
                status: 200,
                body: serde_json::Value::Null,
            },
        )
        .await
        .map(|_| ())
        .map_err(|error| match error {
            commands::CommandError::Rejected(CapabilityGroupError::NotFound) => unknown_group(),
            other => crate::routes::commanding::command_error::<CapabilityGroup>(other),
        })
}

/// Takes the capability out of its group (best effort: logged).
async fn leave(state: &AppState, actor: &Actor, group_id: &str, capability_id: &str) {
    if let Err(error) = membership(state, actor, group_id, capability_id, false).await {
        tracing::warn!(%group_id, %capability_id, error = %error.message, "leaving a capability group failed");
    }
}

fn unknown_group() -> ApiError {
    ApiError::new(
        ErrorCode::UnknownCapabilityGroup,
        "groupId names no capability group (GET /mec/developer/v2/capability-groups lists them)",
    )
    .with_params(vec!["groupId".into()])
}

/// Resolves the group, checks and takes the files the capability starts naming, runs the
/// command, and lets go of the files it took (refused or replayed) or stopped naming (done).
async fn run(
    state: web::Data<AppState>,
    actor: Actor,
    id: String,
    body: CapabilityRequest,
    held: Held,
    options: commands::CommandOptions,
    action: impl FnOnce(CapabilityFields) -> CapabilityAction + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let st = state.clone();
    let reply = state
        .offload(async move { register(&st, actor, id, body, held, options, action).await })
        .await?;
    Ok(reply.into_response())
}

/// [`run`]'s work on the database runtime; also how a release registers the services an
/// application produces as capabilities.
pub(crate) async fn register(
    st: &AppState,
    actor: Actor,
    id: String,
    body: CapabilityRequest,
    held: Held,
    options: commands::CommandOptions,
    action: impl FnOnce(CapabilityFields) -> CapabilityAction + Send + 'static,
) -> Result<crate::routes::commanding::Reply, ApiError> {
    let creating = held.group.is_none() && options.new_stream;
    let Held {
        files: held,
        group: old_group,
    } = held;
    // Field rules first, so a bad body answers 400 before a group is created.
    body.fields(String::from("-"))
        .validated()
        .map_err(invalid)?;
    let (group_id, group) = resolve_group(st, &actor, &body).await?;
    let fields = body.fields(group_id);
    let named = file_uses(&fields);
    let uses: Vec<FileUse> = named
        .iter()
        .filter(|u| !held.contains(&u.file_id))
        .cloned()
        .collect();
    let dropped: Vec<String> = held
        .into_iter()
        .filter(|f| !named.iter().any(|u| &u.file_id == f))
        .collect();
    let holder = capability_holder(&id);
    holding::check(st, &actor, &uses).await?;
    // Filed under its group first, so the group cannot be deleted under it; a join it
    // did not make is not undone.
    let group_id = fields.group_id.clone();
    let member = st
        .load::<CapabilityGroup>(&group_id)
        .await?
        .capabilities
        .contains(&id);
    membership(st, &actor, &group_id, &id, true).await?;
    if let Err(error) = holding::take(st, &actor, &uses, &holder).await {
        if !member {
            leave(st, &actor, &group_id, &id).await;
        }
        return Err(error);
    }
    let taken: Vec<String> = uses.iter().map(|u| u.file_id.clone()).collect();
    let command = CapabilityCommand {
        actor: actor.clone(),
        action: action(fields),
    };
    let (status, location) = if creating {
        (
            StatusCode::CREATED,
            Some(format!("/mec/developer/v2/capabilities/{id}")),
        )
    } else {
        (StatusCode::OK, None)
    };
    let request = CommandRequest::<Capability>::new(id.clone(), command, metadata(&actor, None))
        .with_options(options)
        .answered_with(status, location);
    let reply = run_command(st, request, |c| {
        serde_json::to_value(CapabilityResponse::of(&id, c, group.clone())).unwrap_or_default()
    })
    .await;
    match &reply {
        Ok(r)
            if !r
                .headers
                .iter()
                .any(|(name, _)| *name == "idempotent-replayed") =>
        {
            holding::release(st, &actor, &dropped, &holder).await;
            if let Some(old) = old_group.filter(|old| *old != group_id) {
                leave(st, &actor, &old, &id).await;
            }
        }
        _ => {
            holding::release(st, &actor, &taken, &holder).await;
            if !member {
                leave(st, &actor, &group_id, &id).await;
            }
        }
    }
    reply
}

/// The group a body names: by `groupId` (it must exist), or by `group`'s name or English name
/// (created when no group has either). Answers the group's id and its JSON.
async fn resolve_group(
    state: &AppState,
    actor: &Actor,
    body: &CapabilityRequest,
) -> Result<(String, Option<serde_json::Value>), ApiError> {
    let unknown = || {
        ApiError::new(
            ErrorCode::UnknownCapabilityGroup,
            "groupId names no capability group (GET /mec/developer/v2/capability-groups lists them)",
        )
        .with_params(vec!["groupId".into()])
    };
    if let Some(group_id) = body.group_id.as_deref().filter(|g| !g.is_empty()) {
        let group_id = parse_uuid(group_id, "groupId").map_err(|_| unknown())?;
        let group: CapabilityGroup = state.load(&group_id).await?;
        if group.fields.is_none() {
            return Err(unknown());
        }
        let json = crate::routes::capability_groups::render(&group_id, &group);
        return Ok((group_id, Some(json)));
    }
    let Some(named) = &body.group else {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "groupId or group (its name, English name and type) is required",
        )
        .with_params(vec!["groupId".into()]));
    };
    let fields = crate::routes::capability_groups::fields(named)?;
    let find = || {
        projections::read_models::capability_groups::query::id_by_name(
            &state.pool,
            &fields.name,
            &fields.name_en,
        )
    };
    let existing = match find().await.map_err(ApiError::from)? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            let command = CapabilityGroupCommand {
                actor: actor.clone(),
                action: CapabilityGroupAction::Create {
                    fields: fields.clone(),
                    author: None,
                    created_at: db::now_micros().timestamp_millis(),
                },
            };
            let request =
                CommandRequest::<CapabilityGroup>::new(id.clone(), command, metadata(actor, None))
                    .with_options(commands::CommandOptions::default().for_new_stream());
            match run_command(state, request, |_| serde_json::Value::Null).await {
                Ok(_) => id,
                // Another request created it meanwhile: use that one.
                Err(error) if error.code == ErrorCode::DuplicateCapabilityGroup => {
                    find().await.map_err(ApiError::from)?.ok_or(error)?
                }
                Err(error) => return Err(error),
            }
        }
    };
    let group: CapabilityGroup = state.load(&existing).await?;
    let json = crate::routes::capability_groups::render(&existing, &group);
    Ok((existing, Some(json)))
}
