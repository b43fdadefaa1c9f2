//! Services an application produces: uploaded API, guide and icon files they hold (taken before
//! the command, released when it is refused or replayed, or when the service stops naming them)
//! and DNS and traffic rules of the application.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::services::ServiceProduced;
use domain::application::{Application, ApplicationAction};
use domain::uploaded_file::FileType;
use domain::Actor;
use serde::Serialize;
use utoipa::ToSchema;

use super::run_app;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{json_bytes, options, AppState, CommandHeaders, Reply};
use crate::routes::parse_uuid;
use crate::routes::upload_files::holding::{self, FileUse};

/// A service produced (body and answer; `appServiceProducedId` is chosen by the server).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceProducedBody {
    pub app_service_produced_id: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub one_level_name: String,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub one_level_name_en: String,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub two_level_name: String,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub description: String,
    /// An uploaded api file the caller may use.
    #[schema(required = true, nullable = false, format = "uuid")]
    pub api_file_id: String,
    /// An uploaded Markdown file the caller may use.
    #[schema(required = true, nullable = false, format = "uuid")]
    pub guide_file_id: String,
    /// An uploaded icon the caller may use.
    #[schema(required = true, nullable = false, format = "uuid")]
    pub icon_file_id: String,
    /// Unique in the application.
    #[schema(
        example = "video-analysis",
        required = true,
        nullable = false,
        pattern = r"^[a-z0-9]([a-z0-9-]{0,48}[a-z0-9])?$"
    )]
    pub service_name: String,
    #[schema(
        example = 8080,
        required = true,
        nullable = false,
        minimum = 1,
        maximum = 65535
    )]
    pub internal_port: i64,
    #[schema(
        example = "v1",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 30,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub version: String,
    #[schema(
        example = "http",
        required = true,
        nullable = false,
        pattern = r"^(?i:https?)$"
    )]
    pub protocol: String,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub author: String,
    #[schema(max_length = 500, pattern = r"^[^\u0000]*$")]
    pub experience_url: Option<String>,
    /// DNS rules of the application.
    pub dns_rule_id_list: Vec<String>,
    /// Traffic rules of the application.
    pub traffic_rule_id_list: Vec<String>,
}

impl db::FromRow for ServiceProducedBody {
    fn from_row(row: &db::Row) -> Result<Self, db::DbError> {
        // The rule id lists are JSON text in the table, read as JSON.
        let list = |column: &str| -> Result<Vec<String>, db::DbError> {
            let value: Option<serde_json::Value> = row.try_get(column)?;
            Ok(value
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default())
        };
        Ok(Self {
            app_service_produced_id: row.try_get("app_service_produced_id")?,
            one_level_name: row.try_get("one_level_name")?,
            one_level_name_en: row.try_get("one_level_name_en")?,
            two_level_name: row.try_get("two_level_name")?,
            description: row.try_get("description")?,
            api_file_id: row.try_get("api_file_id")?,
            guide_file_id: row.try_get("guide_file_id")?,
            icon_file_id: row.try_get("icon_file_id")?,
            service_name: row.try_get("service_name")?,
            internal_port: row.try_get("internal_port")?,
            version: row.try_get("version")?,
            protocol: row.try_get("protocol")?,
            author: row.try_get("author")?,
            experience_url: row.try_get("experience_url")?,
            dns_rule_id_list: list("dns_rule_id_list")?,
            traffic_rule_id_list: list("traffic_rule_id_list")?,
        })
    }
}

/// The holder name of a service produced (for its files).
pub(super) fn holder(id: &str) -> String {
    format!("service-produced/{id}")
}

fn service_produced(id: String) -> impl Fn(&Application) -> serde_json::Value {
    move |app| {
        app.state
            .as_ref()
            .and_then(|live| {
                live.services_produced
                    .iter()
                    .find(|s| s.app_service_produced_id == id)
            })
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .unwrap_or(serde_json::Value::Bool(true))
    }
}

/// The services the application produces.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/serviceproduceds", tag = "app-configuration",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<ServiceProducedBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_services_produced(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::super::rows::<ServiceProducedBody>(state, caller, &req, &path, |pool, app| {
        Box::pin(async move {
            projections::read_models::app_configuration::query::services_produced(pool, &app).await
        })
    })
    .await
}

/// The files a service produced names, and their types.
fn file_uses(service: &ServiceProduced) -> Vec<FileUse> {
    service
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

/// Runs a command that makes the service produced `service` name its files: new files are
/// checked and taken first, files no longer named released after it; a refused or replayed
/// command releases what it took.
async fn run_produced(
    state: &AppState,
    actor: &Actor,
    app_id: &str,
    service: ServiceProduced,
    held: Vec<String>,
    options: commands::CommandOptions,
) -> Result<Reply, ApiError> {
    // A service nothing held files for yet is being created.
    let (action, success) = if held.is_empty() {
        (
            ApplicationAction::AddServiceProduced(service.clone()),
            StatusCode::CREATED,
        )
    } else {
        (
            ApplicationAction::UpdateServiceProduced(service.clone()),
            StatusCode::OK,
        )
    };
    let named = file_uses(&service);
    let uses: Vec<FileUse> = named
        .iter()
        .filter(|u| !held.contains(&u.file_id))
        .cloned()
        .collect();
    let dropped: Vec<String> = held
        .into_iter()
        .filter(|f| !named.iter().any(|u| &u.file_id == f))
        .collect();
    let holder = holder(&service.app_service_produced_id);
    holding::check(state, actor, &uses).await?;
    holding::take(state, actor, &uses, &holder).await?;
    let taken: Vec<String> = uses.iter().map(|u| u.file_id.clone()).collect();
    let reply = run_app(
        state,
        actor,
        app_id,
        action,
        options,
        success,
        service_produced(service.app_service_produced_id.clone()),
    )
    .await;
    match &reply {
        Ok(r)
            if !r
                .headers
                .iter()
                .any(|(name, _)| *name == "idempotent-replayed") =>
        {
            holding::release(state, actor, &dropped, &holder).await;
        }
        _ => holding::release(state, actor, &taken, &holder).await,
    }
    reply
}

/// Publish a service the application produces (owner or admin).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/serviceproduceds", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path)), request_body = ServiceProducedBody,
    responses((status = 201, body = ServiceProducedBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn add_service_produced(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<ServiceProduced>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let options = options(&req, &json_bytes(&*body))?;
    let mut service = body.into_inner();
    service.app_service_produced_id = uuid::Uuid::new_v4().to_string();
    let service = super::super::checked(service.validated())?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            crate::routes::operations::owned_application(&st, &actor, &app_id).await?;
            run_produced(&st, &actor, &app_id, service, Vec::new(), options).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Replace a service produced (owner or admin); the path names it.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/serviceproduceds/{appServiceProducedId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("appServiceProducedId" = String, Path)), request_body = ServiceProducedBody,
    responses((status = 200, body = ServiceProducedBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_service_produced(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: crate::request_rules::JsonBody<ServiceProduced>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = parse_uuid(&path.1, "appServiceProducedId")?;
    let options = options(&req, &json_bytes(&*body))?;
    let mut service = body.into_inner();
    service.app_service_produced_id = id.clone();
    let service = super::super::checked(service.validated())?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let live = crate::routes::operations::owned_application(&st, &actor, &app_id).await?;
            let held = live
                .services_produced
                .iter()
                .find(|s| s.app_service_produced_id == id)
                .map(|s| s.files().iter().map(|(_, f)| (*f).to_owned()).collect())
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::ServiceNotFound,
                        "the application has no service produced with this id",
                    )
                })?;
            run_produced(&st, &actor, &app_id, service, held, options).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Remove a service produced (owner or admin); its files are let go.
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/serviceproduceds/{appServiceProducedId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("appServiceProducedId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_service_produced(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = parse_uuid(&path.1, "appServiceProducedId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let app: Application = st.load(&app_id).await?;
            let held: Vec<String> = app
                .state
                .iter()
                .flat_map(|live| live.services_produced.iter())
                .filter(|s| s.app_service_produced_id == id)
                .flat_map(|s| s.files().map(|(_, f)| f.to_owned()))
                .collect();
            let action = ApplicationAction::DeleteServiceProduced {
                app_service_produced_id: id.clone(),
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
            holding::release(&st, &actor, &held, &holder(&id)).await;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}
