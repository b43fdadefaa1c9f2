//! The application's certificate for the edge platform (`.../appconfiguration/appcertificate`)
//! and the whole configuration at once (`.../appconfiguration`: read, and update in place). The secret key is sealed before
//! the command is built and answered masked; only the application's owner sees it in plain text,
//! on an explicit `?reveal=true`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::services::{AppCertificate, ConfigurationUpdate};
use domain::application::{Application, ApplicationAction, ApplicationCommand, LiveApplication};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{
    json_bytes, metadata, options, run_command, AppState, CommandHeaders, CommandRequest,
};
use crate::routes::parse_uuid;

/// What a masked secret key reads as.
const MASK: &str = "******";

/// The certificate: an access key and its secret key.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppCertificateBody {
    /// 1-255 printable characters without spaces.
    #[schema(
        example = "QVUJMSUMgS0VZLS0tLS0",
        required = true,
        nullable = false,
        pattern = r"^[!-~]{1,255}$"
    )]
    pub ak: Option<String>,
    /// 1-255 characters; answered as `******` (in plain text only to the owner, with `reveal`).
    #[schema(
        example = "secret",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000]+$"
    )]
    pub sk: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RevealQuery {
    /// The owner asks for the secret key in plain text.
    pub reveal: Option<bool>,
}

/// The whole configuration.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppConfigurationBody {
    pub app_certificate: Option<AppCertificateBody>,
    #[schema(value_type = Vec<Object>)]
    pub app_service_produced_list: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub app_service_required_list: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub traffic_rule_list: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub dns_rule_list: Vec<serde_json::Value>,
}

fn masked(certificate: &AppCertificate) -> AppCertificateBody {
    AppCertificateBody {
        ak: Some(certificate.ak.clone()),
        sk: Some(MASK.to_owned()),
    }
}

fn list<T: Serialize>(items: &[T]) -> Vec<serde_json::Value> {
    items
        .iter()
        .map(|i| serde_json::to_value(i).unwrap_or_default())
        .collect()
}

async fn owned(
    state: &web::Data<AppState>,
    caller: Caller,
    path: &str,
) -> Result<(domain::Actor, LiveApplication), ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(path, "applicationId")?;
    let st = state.clone();
    let who = actor.clone();
    let live = state
        .offload(
            async move { crate::routes::operations::owned_application(&st, &who, &app_id).await },
        )
        .await?;
    Ok((actor, live))
}

/// The whole configuration (owner or admin): certificate (masked), services and rules.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration", tag = "app-configuration",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = AppConfigurationBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get_configuration(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (_, live) = owned(&state, caller, &path).await?;
    Ok(HttpResponse::Ok().json(whole(&live)))
}

/// A whole-configuration update: each listed item replaces the item with its id.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationUpdateBody {
    #[serde(default)]
    #[schema(value_type = Vec<super::TrafficRuleBody>)]
    pub traffic_rule_list: Vec<domain::application::rules::TrafficRule>,
    #[serde(default)]
    #[schema(value_type = Vec<super::DnsRuleBody>)]
    pub dns_rule_list: Vec<domain::application::rules::DnsRule>,
    /// Each `{id, requestedPermissions}` of a capability the application requires.
    #[serde(default)]
    pub app_service_required_list: Vec<super::services::ServiceRequiredRequest>,
    /// Each with its `appServiceProducedId`, and the files it has.
    #[serde(default)]
    #[schema(value_type = Vec<super::services::ServiceProducedBody>)]
    pub app_service_produced_list: Vec<domain::application::services::ServiceProduced>,
    pub app_certificate: Option<AppCertificateBody>,
}

fn whole(live: &LiveApplication) -> AppConfigurationBody {
    AppConfigurationBody {
        app_certificate: live.certificate.as_ref().map(masked),
        app_service_produced_list: list(&live.services_produced),
        app_service_required_list: list(&live.services_required),
        traffic_rule_list: list(&live.traffic_rules),
        dns_rule_list: list(&live.dns_rules),
    }
}

/// Update the configuration in place (owner or admin): every listed item replaces the item with
/// its id, all or nothing; nothing is added or removed (404 for an id the application lacks).
/// A produced service keeps its files here.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path)), request_body = ConfigurationUpdateBody,
    responses((status = 200, body = AppConfigurationBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn put_configuration(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<ConfigurationUpdateBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let body = body.into_inner();
    // Every item by its own rules first (400 before If-Match or the application are looked at).
    for rule in &body.traffic_rule_list {
        super::checked(rule.clone().validated())?;
    }
    for rule in &body.dns_rule_list {
        super::checked(rule.clone().validated())?;
    }
    for service in &body.app_service_produced_list {
        super::checked(service.clone().validated())?;
    }
    let required: Vec<(String, bool)> = body
        .app_service_required_list
        .iter()
        .map(|r| {
            parse_uuid(
                r.id.as_deref().unwrap_or_default(),
                "appServiceRequiredList",
            )
            .map(|id| (id, r.requested_permissions.unwrap_or(true)))
        })
        .collect::<Result<_, _>>()?;
    let certificate = match &body.app_certificate {
        None => None,
        Some(c) => {
            let sk = c.sk.as_deref().unwrap_or_default();
            if sk.is_empty() || sk.chars().count() > 255 {
                return Err(ApiError::new(
                    ErrorCode::InvalidField,
                    "appCertificate.sk must be 1-255 characters",
                )
                .with_params(vec!["appCertificate.sk".into()]));
            }
            let certificate = AppCertificate {
                ak: c.ak.clone().unwrap_or_default(),
                sk: state.secrets.seal(sk),
            };
            Some(super::checked(certificate.validated())?)
        }
    };
    // The fingerprint never holds the secret key in plain text: the body without it.
    let fingerprint = json_bytes(&serde_json::json!({
        "traffic": body.traffic_rule_list, "dns": body.dns_rule_list, "required": required,
        "produced": body.app_service_produced_list,
        "ak": body.app_certificate.as_ref().and_then(|c| c.ak.clone()),
    }));
    let options = options(&req, &fingerprint)?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let live = crate::routes::operations::owned_application(&st, &actor, &app_id).await?;
            let mut services_required = Vec::new();
            for (id, permissions) in required {
                let current = live
                    .services_required
                    .iter()
                    .find(|s| s.id == id)
                    .ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::ServiceNotFound,
                            "the application does not require this capability",
                        )
                        .with_params(vec!["appServiceRequiredList".into()])
                    })?;
                let mut service =
                    super::services::required::required_from(&st, &id, permissions).await?;
                service.ser_name = current.ser_name.clone();
                services_required.push(service);
            }
            let update = ConfigurationUpdate {
                traffic_rules: body.traffic_rule_list,
                dns_rules: body.dns_rule_list,
                services_required,
                services_produced: body.app_service_produced_list,
                certificate,
            };
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand {
                actor,
                action: ApplicationAction::UpdateConfiguration(update),
            };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, |app: &Application| {
                app.state
                    .as_ref()
                    .map(|live| serde_json::to_value(whole(live)).unwrap_or_default())
                    .unwrap_or(serde_json::Value::Bool(true))
            })
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// The certificate (owner or admin), the secret key masked unless its owner asks to `reveal` it.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/appcertificate", tag = "app-configuration",
    params(("applicationId" = String, Path), RevealQuery),
    responses((status = 200, body = AppCertificateBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<RevealQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, live) = owned(&state, caller, &path).await?;
    let certificate = live.certificate.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::CertificateNotFound,
            "the application has no certificate",
        )
    })?;
    if !query.reveal.unwrap_or(false) {
        return Ok(HttpResponse::Ok().json(masked(certificate)));
    }
    if actor.user_id != live.owner_id {
        return Err(ApiError::forbidden(
            "only the application's owner may reveal its secret key",
        ));
    }
    let sk = state
        .secrets
        .unseal(&certificate.sk)
        .map_err(|e| ApiError::internal(&format!("cannot unseal the certificate: {e}")))?;
    Ok(HttpResponse::Ok().json(AppCertificateBody {
        ak: Some(certificate.ak.clone()),
        sk: Some(sk),
    }))
}

async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    req: &HttpRequest,
    body: &[u8],
    path: &str,
    action: ApplicationAction,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(path, "applicationId")?;
    let options = options(req, body)?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand { actor, action };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, |app: &Application| {
                app.state
                    .as_ref()
                    .and_then(|live| live.certificate.as_ref())
                    .map(|c| serde_json::to_value(masked(c)).unwrap_or_default())
                    .unwrap_or(serde_json::Value::Bool(true))
            })
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// Set (or replace) the certificate (owner or admin); answered with the secret key masked.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/appcertificate", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path)), request_body = AppCertificateBody,
    responses((status = 200, body = AppCertificateBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn set_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<AppCertificateBody>,
) -> Result<HttpResponse, ApiError> {
    let sk = body.sk.as_deref().unwrap_or_default();
    if sk.is_empty() || sk.chars().count() > 255 {
        return Err(
            ApiError::new(ErrorCode::InvalidField, "sk must be 1-255 characters")
                .with_params(vec!["sk".into()]),
        );
    }
    let certificate = super::checked(
        AppCertificate {
            ak: body.ak.clone().unwrap_or_default(),
            sk: state.secrets.seal(sk),
        }
        .validated(),
    )?;
    // The fingerprint covers the body with the secret key as its hash, never in plain text.
    let fingerprint = json_bytes(&AppCertificateBody {
        ak: body.ak.clone(),
        sk: Some(
            sha2::Sha256::digest(sk.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        ),
    });
    run(
        state,
        caller,
        &req,
        &fingerprint,
        &path,
        ApplicationAction::SetAppCertificate(certificate),
    )
    .await
}

/// Remove the certificate (owner or admin).
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/appconfiguration/appcertificate", tag = "app-configuration",
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        &req,
        b"",
        &path,
        ApplicationAction::DeleteAppCertificate,
    )
    .await
}
