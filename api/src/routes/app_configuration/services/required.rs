//! Capabilities an application requires: the entry's names and version come from the
//! capability and its group; once the application requires it, the capability counts it in
//! `selectCount` (and cannot be deleted); a capability deleted meanwhile undoes the entry.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use cqrs_es::Aggregate;
use domain::application::services::ServiceRequired;
use domain::application::{Application, ApplicationAction};
use domain::capability::{Capability, CapabilityAction, CapabilityCommand, CapabilityError};
use domain::capability_group::CapabilityGroup;
use domain::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::run_app;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{
    command_error, json_bytes, metadata, options, AppState, CommandHeaders,
};
use crate::routes::parse_uuid;

/// The body of a service required: the capability, and whether it asks for permissions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRequiredRequest {
    /// The capability's id.
    #[schema(required = true, nullable = false, format = "uuid")]
    pub id: Option<String>,
    /// Default true.
    pub requested_permissions: Option<bool>,
}

/// A service required, as answered.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRequiredBody {
    pub id: String,
    pub one_level_name: String,
    pub one_level_name_en: String,
    pub two_level_name: String,
    pub two_level_name_en: String,
    pub ser_name: String,
    pub version: Option<String>,
    pub requested_permissions: Option<bool>,
    pub app_id: Option<String>,
    pub package_id: Option<String>,
}

db::from_row!(ServiceRequiredBody {
    id,
    one_level_name,
    one_level_name_en,
    two_level_name,
    two_level_name_en,
    ser_name,
    version,
    requested_permissions,
    app_id,
    package_id
});

fn unknown_capability() -> ApiError {
    ApiError::new(
        ErrorCode::UnknownCapability,
        "id names no capability (GET /mec/developer/v2/capabilities lists them)",
    )
    .with_params(vec!["id".into()])
}

/// The entry for requiring capability `id`: names and version from the capability and its group.
pub(crate) async fn required_from(
    state: &AppState,
    id: &str,
    permissions: bool,
) -> Result<ServiceRequired, ApiError> {
    let capability: Capability = state.load(id).await?;
    let fields = capability.fields.ok_or_else(unknown_capability)?;
    let group: CapabilityGroup = state.load(&fields.group_id).await?;
    let (group_name, group_name_en) = group
        .fields
        .map(|g| (g.name, g.name_en))
        .unwrap_or_else(|| (fields.name.clone(), fields.name_en.clone()));
    Ok(ServiceRequired {
        id: id.to_owned(),
        one_level_name: group_name,
        one_level_name_en: group_name_en,
        two_level_name: fields.name,
        two_level_name_en: fields.name_en,
        ser_name: fields.host.trim().to_owned(),
        version: Some(fields.version),
        requested_permissions: permissions,
        app_id: None,
        package_id: None,
    })
}

/// Counts (or stops counting) the application in the capability's `selectCount`.
async fn select(
    state: &AppState,
    actor: &Actor,
    capability_id: &str,
    app_id: &str,
    on: bool,
) -> Result<(), commands::CommandError<CapabilityError>> {
    let application_id = app_id.to_owned();
    let action = if on {
        CapabilityAction::Select { application_id }
    } else {
        CapabilityAction::Unselect { application_id }
    };
    let command = CapabilityCommand {
        actor: actor.clone(),
        action,
    };
    let outcome = state
        .executor
        .execute::<Capability, _>(
            capability_id,
            command,
            &(),
            &metadata(actor, None),
            &commands::CommandOptions::default(),
            |_, _| commands::StoredResponse {
                status: 200,
                body: serde_json::Value::Null,
            },
        )
        .await?;
    // The answer shows the new count: wait (bounded) for the capabilities read model.
    if let commands::Outcome::Executed(commands::Executed {
        position: Some(position),
        ..
    }) = outcome
    {
        state
            .wait_visible(&state.readers_of(Capability::TYPE), position)
            .await;
    }
    Ok(())
}

/// Stops counting the application in each capability (best effort: logged).
pub async fn unselect_all(
    state: &AppState,
    actor: &Actor,
    capability_ids: &[String],
    app_id: &str,
) {
    for id in capability_ids {
        if let Err(error) = select(state, actor, id, app_id, false).await {
            tracing::warn!(capability_id = %id, %app_id, error = %error, "unselecting a capability failed");
        }
    }
}

fn service_required(id: String) -> impl Fn(&Application) -> serde_json::Value {
    move |app| {
        app.state
            .as_ref()
            .and_then(|live| live.services_required.iter().find(|s| s.id == id))
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .unwrap_or(serde_json::Value::Bool(true))
    }
}

/// The capabilities the application requires.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/servicerequireds", tag = "app-configuration",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<ServiceRequiredBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_services_required(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::super::rows::<ServiceRequiredBody>(state, caller, &req, &path, |pool, app| {
        Box::pin(async move {
            projections::read_models::app_configuration::query::services_required(pool, &app).await
        })
    })
    .await
}

/// Require a capability (owner or admin): the capability's `selectCount` counts the application.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/servicerequireds", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path)), request_body = ServiceRequiredRequest,
    responses((status = 201, body = ServiceRequiredBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn add_service_required(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<ServiceRequiredRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let options = options(&req, &json_bytes(&*body))?;
    let capability_id = parse_uuid(body.id.as_deref().unwrap_or_default(), "id")
        .map_err(|_| unknown_capability())?;
    let permissions = body.requested_permissions.unwrap_or(true);
    let st = state.clone();
    let reply = state
        .offload(async move {
            let service = required_from(&st, &capability_id, permissions).await?;
            let action = ApplicationAction::AddServiceRequired(service);
            let reply = run_app(
                &st,
                &actor,
                &app_id,
                action,
                options,
                StatusCode::CREATED,
                service_required(capability_id.clone()),
            )
            .await?;
            // Counted once the application requires it; a capability deleted meanwhile undoes it.
            if let Err(error) = select(&st, &actor, &capability_id, &app_id, true).await {
                let undo = ApplicationAction::DeleteServiceRequired { capability_id };
                run_app(
                    &st,
                    &actor,
                    &app_id,
                    undo,
                    commands::CommandOptions::default(),
                    StatusCode::OK,
                    |_| serde_json::Value::Null,
                )
                .await?;
                return Err(match error {
                    commands::CommandError::Rejected(CapabilityError::NotFound) => {
                        unknown_capability()
                    }
                    other => command_error::<Capability>(other),
                });
            }
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}

/// Change whether a required capability asks for permissions (owner or admin); the path names
/// the entry by its capability's id (the original named it by `serName`). Its names are
/// refreshed from the capability; its `serName` stays.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/servicerequireds/{serviceRequiredId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("serviceRequiredId" = String, Path, description = "the capability's id")), request_body = ServiceRequiredRequest,
    responses((status = 200, body = ServiceRequiredBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_service_required(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: crate::request_rules::JsonBody<ServiceRequiredRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let capability_id = parse_uuid(&path.1, "serviceRequiredId")?;
    let options = options(&req, &json_bytes(&*body))?;
    let permissions = body.requested_permissions.unwrap_or(true);
    let st = state.clone();
    let reply = state
        .offload(async move {
            let live = crate::routes::operations::owned_application(&st, &actor, &app_id).await?;
            let current = live
                .services_required
                .iter()
                .find(|s| s.id == capability_id)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::ServiceNotFound,
                        "the application does not require this capability",
                    )
                })?;
            let mut service = required_from(&st, &capability_id, permissions).await?;
            service.ser_name = current.ser_name.clone();
            run_app(
                &st,
                &actor,
                &app_id,
                ApplicationAction::UpdateServiceRequired(service),
                options,
                StatusCode::OK,
                service_required(capability_id),
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// Stop requiring a capability (owner or admin); its `selectCount` goes down.
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/servicerequireds/{serviceRequiredId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("serviceRequiredId" = String, Path, description = "the capability's id")),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_service_required(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let capability_id = parse_uuid(&path.1, "serviceRequiredId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let action = ApplicationAction::DeleteServiceRequired {
                capability_id: capability_id.clone(),
            };
            let reply = run_app(
                &st,
                &actor,
                &app_id,
                action,
                options,
                StatusCode::OK,
                |_| serde_json::Value::Bool(true),
            )
            .await?;
            unselect_all(&st, &actor, &[capability_id], &app_id).await;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}
