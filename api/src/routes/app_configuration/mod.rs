//! `/mec/developer/v2/applications/{applicationId}/appconfiguration` (reference 1.2): the MEC
//! traffic rules and DNS rules an application declares. Commands go through the Application
//! aggregate (owner or admin; ids unique in the application); lists read `tbl_app_traffic_rule`
//! and `tbl_app_dns_rule`.

pub mod certificate;
mod dto;
pub mod services;

pub use dto::{
    DnsRuleBody, DstInterfaceBody, TrafficFilterBody, TrafficRuleBody, TunnelInfoBody,
    RULE_ID_PATTERN,
};
use dto::{DnsRuleRow, TrafficRuleRow};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::rules::{DnsRule, TrafficRule};
use domain::application::{Application, ApplicationAction, ApplicationCommand};
use projections::read_models::app_configuration::query;
use serde::Serialize;

use super::commanding::{
    json_bytes, metadata, options, requested_position, run_command, AppState, CommandHeaders,
    CommandRequest,
};
use super::parse_uuid;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

const READ_MODELS: &[&str] = &["app_configuration"];

/// The largest whole-configuration update: it lists every rule and service of an application,
/// far more than the 64 KiB other bodies may have.
pub const CONFIGURATION_BODY_LIMIT: usize = 1024 * 1024;

/// Registers the rule endpoints under the applications scope.
pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{applicationId}/appconfiguration")
            .app_data(web::PayloadConfig::default().limit(CONFIGURATION_BODY_LIMIT))
            .get(certificate::get_configuration)
            .put(certificate::put_configuration),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/appcertificate")
            .get(certificate::get_certificate)
            .put(certificate::set_certificate)
            .delete(certificate::delete_certificate),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/trafficrules")
            .get(list_traffic_rules)
            .post(add_traffic_rule),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/trafficrules/{trafficRuleId}")
            .put(update_traffic_rule)
            .delete(delete_traffic_rule),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/dnsrules")
            .get(list_dns_rules)
            .post(add_dns_rule),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/dnsrules/{dnsRuleId}")
            .put(update_dns_rule)
            .delete(delete_dns_rule),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/servicerequireds")
            .get(services::list_services_required)
            .post(services::add_service_required),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/servicerequireds/{serviceRequiredId}")
            .put(services::update_service_required)
            .delete(services::delete_service_required),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/serviceproduceds")
            .get(services::list_services_produced)
            .post(services::add_service_produced),
    )
    .service(
        web::resource("/{applicationId}/appconfiguration/serviceproduceds/{appServiceProducedId}")
            .put(services::update_service_produced)
            .delete(services::delete_service_produced),
    );
}

/// A body checked by its rules before anything else (as every other body is): a broken field
/// answers 400 naming it, before `If-Match` or the application are looked at.
pub(crate) fn checked<T>(
    result: Result<T, domain::application::rules::RuleError>,
) -> Result<T, ApiError> {
    result.map_err(|e| {
        ApiError::new(ErrorCode::InvalidField, e.to_string()).with_params(vec![e.field])
    })
}

/// A rule id from the path.
fn rule_id(text: &str, what: &str) -> Result<String, ApiError> {
    domain::application::rules::check_rule_id(what, text).map_err(|e| {
        ApiError::new(ErrorCode::InvalidPath, e.to_string()).with_params(vec![what.to_owned()])
    })?;
    Ok(text.to_owned())
}

/// Runs a rule command on the application; answers the rule (`rule` picks it from the state)
/// or `true`.
async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    options: commands::CommandOptions,
    app_id: String,
    action: ApplicationAction,
    success: StatusCode,
    rule: impl Fn(&Application) -> serde_json::Value + Send + Sync + 'static,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand { actor, action };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(success, None);
            run_command(&st, request, rule).await
        })
        .await?;
    Ok(reply.into_response())
}

fn traffic_rule(id: String) -> impl Fn(&Application) -> serde_json::Value + Send + Sync + 'static {
    move |app| {
        app.state
            .as_ref()
            .and_then(|live| live.traffic_rules.iter().find(|r| r.traffic_rule_id == id))
            .map(|r| serde_json::to_value(r).unwrap_or_default())
            .unwrap_or(serde_json::Value::Bool(true))
    }
}

fn dns_rule(id: String) -> impl Fn(&Application) -> serde_json::Value + Send + Sync + 'static {
    move |app| {
        app.state
            .as_ref()
            .and_then(|live| live.dns_rules.iter().find(|r| r.dns_rule_id == id))
            .map(|r| serde_json::to_value(r).unwrap_or_default())
            .unwrap_or(serde_json::Value::Bool(true))
    }
}

/// Reads one of an application's rule lists.
type RuleRead<T> =
    fn(&db::Pool, String) -> futures_util::future::BoxFuture<'_, Result<Vec<T>, db::DbError>>;

/// The rows of one of the application's rule lists, once the caller may see them.
async fn rows<T: db::FromRow + Serialize + Send + 'static>(
    state: web::Data<AppState>,
    caller: Caller,
    req: &HttpRequest,
    path: &str,
    read: RuleRead<T>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(path, "applicationId")?;
    let position = requested_position(req)?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            crate::routes::operations::owned_application(&st, &actor, &app_id).await?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            read(&st.pool, app_id).await.map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// The application's traffic rules.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/trafficrules", tag = "app-configuration",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<TrafficRuleBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_traffic_rules(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    rows::<TrafficRuleRow>(state, caller, &req, &path, |pool, app| {
        Box::pin(async move { query::traffic_rules(pool, &app).await })
    })
    .await
}

/// Declare a traffic rule (owner or admin).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/trafficrules", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path)), request_body = TrafficRuleBody,
    responses((status = 201, body = TrafficRuleBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn add_traffic_rule(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<TrafficRule>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path, "applicationId")?;
    let bytes = json_bytes(&*body);
    let rule = checked(body.into_inner().validated())?;
    let id = rule.traffic_rule_id.clone();
    run(
        state,
        caller,
        options(&req, &bytes)?,
        app_id,
        ApplicationAction::AddTrafficRule(rule),
        StatusCode::CREATED,
        traffic_rule(id),
    )
    .await
}

/// Replace a traffic rule (owner or admin); the path names it.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/trafficrules/{trafficRuleId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("trafficRuleId" = String, Path)), request_body = TrafficRuleBody,
    responses((status = 200, body = TrafficRuleBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_traffic_rule(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: crate::request_rules::JsonBody<TrafficRule>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = rule_id(&path.1, "trafficRuleId")?;
    let bytes = json_bytes(&*body);
    let mut rule = body.into_inner();
    rule.traffic_rule_id = id.clone();
    let rule = checked(rule.validated())?;
    run(
        state,
        caller,
        options(&req, &bytes)?,
        app_id,
        ApplicationAction::UpdateTrafficRule(rule),
        StatusCode::OK,
        traffic_rule(id),
    )
    .await
}

/// Remove a traffic rule (owner or admin).
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/trafficrules/{trafficRuleId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("trafficRuleId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_traffic_rule(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let traffic_rule_id = rule_id(&path.1, "trafficRuleId")?;
    let action = ApplicationAction::DeleteTrafficRule { traffic_rule_id };
    run(
        state,
        caller,
        options(&req, b"")?,
        app_id,
        action,
        StatusCode::OK,
        |_| serde_json::Value::Bool(true),
    )
    .await
}

/// The application's DNS rules.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/dnsrules", tag = "app-configuration",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<DnsRuleBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_dns_rules(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    rows::<DnsRuleRow>(state, caller, &req, &path, |pool, app| {
        Box::pin(async move { query::dns_rules(pool, &app).await })
    })
    .await
}

/// Declare a DNS rule (owner or admin).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/dnsrules", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path)), request_body = DnsRuleBody,
    responses((status = 201, body = DnsRuleBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn add_dns_rule(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<DnsRule>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path, "applicationId")?;
    let bytes = json_bytes(&*body);
    let rule = checked(body.into_inner().validated())?;
    let id = rule.dns_rule_id.clone();
    run(
        state,
        caller,
        options(&req, &bytes)?,
        app_id,
        ApplicationAction::AddDnsRule(rule),
        StatusCode::CREATED,
        dns_rule(id),
    )
    .await
}

/// Replace a DNS rule (owner or admin); the path names it.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/dnsrules/{dnsRuleId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("dnsRuleId" = String, Path)), request_body = DnsRuleBody,
    responses((status = 200, body = DnsRuleBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_dns_rule(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: crate::request_rules::JsonBody<DnsRule>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let id = rule_id(&path.1, "dnsRuleId")?;
    let bytes = json_bytes(&*body);
    let mut rule = body.into_inner();
    rule.dns_rule_id = id.clone();
    let rule = checked(rule.validated())?;
    run(
        state,
        caller,
        options(&req, &bytes)?,
        app_id,
        ApplicationAction::UpdateDnsRule(rule),
        StatusCode::OK,
        dns_rule(id),
    )
    .await
}

/// Remove a DNS rule (owner or admin).
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/dnsrules/{dnsRuleId}", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path), ("dnsRuleId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_dns_rule(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let dns_rule_id = rule_id(&path.1, "dnsRuleId")?;
    let action = ApplicationAction::DeleteDnsRule { dns_rule_id };
    run(
        state,
        caller,
        options(&req, b"")?,
        app_id,
        action,
        StatusCode::OK,
        |_| serde_json::Value::Bool(true),
    )
    .await
}
