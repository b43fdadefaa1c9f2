//! Releasing an application (reference 1.1 `release`, §4 AppStore): `POST .../action/release`
//! `{isFree, price}`. Guarded: TESTED, the newest test passed on the package as it is. Every
//! service the application produces must have its group (named by `oneLevelName`) and a name no
//! capability has; all of this is checked before anything happens. Then the services are
//! registered as capabilities, the package (with the application's icon) is uploaded to the app
//! store and published, and the release is recorded (RELEASED). A step that fails takes back the
//! capabilities registered before it, so nothing is half-released here; the store's own answer
//! (`retCode`, message) passes through.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::release::{Release, ReleasedCapability};
use domain::application::services::ServiceProduced;
use domain::application::{Application, ApplicationAction, ApplicationCommand, LiveApplication};
use domain::capability::CapabilityAction;
use domain::ports::{AppStoreError, StoreUpload, StoredApp};
use domain::{Actor, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::app_packages::stored_bytes;
use super::capabilities::{self, CapabilityRequest};
use super::commanding::{
    json_bytes, metadata, options, replay, run_command, AppState, CommandEndpoint, CommandHeaders,
    CommandRequest, Reply,
};
use super::operations::owned_application;
use super::parse_uuid;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;

/// The highest price, in currency units.
const MAX_PRICE: f64 = 1_000_000.0;

/// Under `/mec/developer/v2/applications`.
pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/{applicationId}/action/release").post(release));
}

/// The terms of a release.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseRequest {
    #[schema(required = true, nullable = false)]
    pub is_free: Option<bool>,
    /// In currency units, 0-1000000 with at most two decimals; above 0 unless free.
    #[schema(minimum = 0, maximum = 1000000)]
    pub price: Option<f64>,
}

/// A capability a release registered.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleasedCapabilityBody {
    pub id: String,
    pub name: String,
    pub group_id: String,
    pub service_name: String,
}

/// A release.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseBody {
    pub release_id: String,
    pub app_id: String,
    pub app_store_app_id: String,
    pub app_store_package_id: String,
    pub is_free: bool,
    pub price: f64,
    pub package_id: String,
    pub test_task_id: String,
    pub capabilities: Vec<ReleasedCapabilityBody>,
    pub released_at: chrono::DateTime<chrono::Utc>,
}

impl ReleaseBody {
    fn of(app_id: &str, r: &Release) -> Self {
        ReleaseBody {
            release_id: r.id.clone(),
            app_id: app_id.to_owned(),
            app_store_app_id: r.store_app_id.clone(),
            app_store_package_id: r.store_package_id.clone(),
            is_free: r.is_free,
            price: r.price_cents as f64 / 100.0,
            package_id: r.package_id.clone(),
            test_task_id: r.test_task_id.clone(),
            capabilities: r
                .capabilities
                .iter()
                .map(|c| ReleasedCapabilityBody {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    group_id: c.group_id.clone(),
                    service_name: c.service_name.clone(),
                })
                .collect(),
            released_at: r.released_at,
        }
    }
}

/// What a failed call to the app store answers: its `retCode` and message passed through (28888
/// when it gave none), never a 500.
pub fn app_store_error(error: AppStoreError) -> ApiError {
    match error {
        AppStoreError::Unreachable(reason) => ApiError::new(
            ErrorCode::ServiceUnavailable,
            format!("the app store is unreachable: {reason}"),
        )
        .with_ret_code(28888)
        .with_retry_after(5),
        AppStoreError::Rejected {
            ret_code, message, ..
        } => ApiError::new(
            ErrorCode::AppStoreRejected,
            format!("the app store refused the package: {message}"),
        )
        .with_ret_code(
            ret_code
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(28888),
        ),
        AppStoreError::Malformed(detail) => ApiError::new(
            ErrorCode::AppStoreRejected,
            format!("the app store answered something unexpected: {detail}"),
        )
        .with_ret_code(28888),
    }
}

/// The terms: free, or a price in cents above 0.
pub(crate) fn terms(body: &ReleaseRequest) -> Result<(bool, i64), ApiError> {
    let invalid = |message: &str, field: &str| {
        ApiError::new(ErrorCode::InvalidField, message).with_params(vec![field.to_owned()])
    };
    let is_free = body
        .is_free
        .ok_or_else(|| invalid("isFree is required", "isFree"))?;
    let price = body.price.unwrap_or(0.0);
    let cents = (price * 100.0).round();
    if !price.is_finite()
        || !(0.0..=MAX_PRICE).contains(&price)
        || (cents - price * 100.0).abs() > 1e-6
    {
        return Err(invalid(
            "price must be 0-1000000 with at most two decimals",
            "price",
        ));
    }
    if !is_free && cents < 1.0 {
        return Err(invalid(
            "a release that is not free needs a price above 0",
            "price",
        ));
    }
    Ok((is_free, if is_free { 0 } else { cents as i64 }))
}

/// A service as the capability it becomes, under group `group_id`.
fn capability_of(live: &LiveApplication, s: &ServiceProduced, group_id: &str) -> CapabilityRequest {
    let body = serde_json::json!({
        "name": s.two_level_name, "nameEn": s.service_name, "version": s.version,
        "description": s.description, "provider": live.fields.provider.as_str(),
        "groupId": group_id, "apiFileId": s.api_file_id, "guideFileId": s.guide_file_id,
        "iconFileId": s.icon_file_id, "host": s.service_name, "port": s.internal_port,
        "protocol": s.protocol, "author": s.author, "experienceUrl": s.experience_url,
    });
    serde_json::from_value(body).unwrap_or_default()
}

/// Each service produced with the group it goes under, checked: the group exists, no capability
/// has its name, its fields make a valid capability.
async fn planned_capabilities(
    st: &AppState,
    live: &LiveApplication,
) -> Result<Vec<(CapabilityRequest, String)>, ApiError> {
    let mut planned = Vec::new();
    for s in &live.services_produced {
        let refuse = |code: ErrorCode, message: String| {
            ApiError::new(code, message).with_params(vec!["appServiceProducedList".into()])
        };
        let group = projections::read_models::capability_groups::query::id_by_name(
            &st.pool,
            &s.one_level_name,
            &s.one_level_name_en,
        )
        .await?
        .ok_or_else(|| {
            refuse(
                ErrorCode::UnknownCapabilityGroup,
                format!(
                    "no capability group is named {:?}, the oneLevelName of the service {}",
                    s.one_level_name, s.service_name
                ),
            )
        })?;
        if projections::read_models::capabilities::query::named(
            &st.pool,
            &s.two_level_name,
            &s.service_name,
        )
        .await?
        {
            return Err(refuse(
                ErrorCode::ServiceCapabilityExists,
                format!(
                    "a capability is already named {:?} or {:?}",
                    s.two_level_name, s.service_name
                ),
            ));
        }
        let request = capability_of(live, s, &group);
        request.fields(group.clone()).validated().map_err(|e| {
            refuse(
                ErrorCode::InvalidField,
                format!("the service {} cannot be a capability: {e}", s.service_name),
            )
        })?;
        planned.push((request, s.service_name.clone()));
    }
    Ok(planned)
}

/// A stored file's name and bytes.
async fn file_bytes(
    st: &AppState,
    file_id: &str,
    what: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    stored_bytes(st, file_id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidFileReference,
            format!("the application's {what} file has no content to send (a catalogue file has none): name an uploaded one (POST /mec/developer/v2/upload-files)"),
        )
        .with_params(vec![format!("{what}FileId")])
    })
}

/// Takes back capabilities a release registered (best effort: logged).
async fn take_back(st: &AppState, actor: &Actor, registered: &[ReleasedCapability]) {
    for c in registered {
        if let Err(error) = capabilities::remove(st, actor, &c.id, Default::default()).await {
            tracing::warn!(capability = %c.id, error = %error.message, "taking back a capability failed");
        }
    }
}

/// Release the application (owner or admin): see the module's documentation. 400
/// `TEST_NOT_PASSED` ("atp test status is X, can not be released"), `UNKNOWN_CAPABILITY_GROUP`,
/// `SERVICE_CAPABILITY_EXISTS`; 409 `INVALID_STATUS` (not TESTED), `NO_PACKAGE`,
/// `PACKAGE_EDITED`, `PACKAGE_NOT_TESTED`; 502 `APP_STORE_REJECTED` with the store's `retCode`.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/action/release", tag = "app-packages",
    params(CommandHeaders, ("applicationId" = String, Path)),
    request_body = ReleaseRequest,
    responses((status = 200, body = ReleaseBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn release(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ReleaseRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let (is_free, price_cents) = terms(&body)?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            if let Some(replayed) = replay::<Application>(&st, &actor, &options).await? {
                return Ok(replayed);
            }
            let live = owned_application(&st, &actor, &app_id).await?;
            let (package, task) = live
                .releasable()
                .map_err(<Application as CommandEndpoint>::rejection)?;
            let (package, task) = (package.clone(), task.clone());
            let planned = planned_capabilities(&st, &live).await?;
            let icon = file_bytes(&st, live.fields.icon_file_id.as_str(), "icon").await?;
            let (_, csar) = file_bytes(&st, &package.archive.file_id, "package").await?;
            // The release registers the services on the owner's behalf, as the platform.
            let registrar = Actor::new(
                actor.user_id.clone(),
                actor.user_name.clone(),
                vec![Role::Admin],
            );
            let mut registered = Vec::new();
            for (request, service_name) in planned {
                let id = uuid::Uuid::new_v4().to_string();
                let group_id = request.group_id.clone().unwrap_or_default();
                let name = request.name.clone().unwrap_or_default();
                let uploaded_at = db::now_micros().timestamp_millis();
                let created = capabilities::register(
                    &st,
                    registrar.clone(),
                    id.clone(),
                    request,
                    Default::default(),
                    commands::CommandOptions::default().for_new_stream(),
                    move |fields| CapabilityAction::Create {
                        fields,
                        uploaded_at,
                    },
                )
                .await;
                if let Err(error) = created {
                    take_back(&st, &registrar, &registered).await;
                    return Err(error);
                }
                registered.push(ReleasedCapability {
                    id,
                    name,
                    group_id,
                    service_name,
                });
            }
            let published = publish(
                &st,
                &actor,
                &live,
                &task.id,
                (package.package_file_name.clone(), csar),
                icon,
                (is_free, price_cents),
            )
            .await;
            let stored = match published {
                Ok(stored) => stored,
                Err(error) => {
                    take_back(&st, &registrar, &registered).await;
                    return Err(error);
                }
            };
            let record = Release {
                id: uuid::Uuid::new_v4().to_string(),
                store_app_id: stored.app_id,
                store_package_id: stored.package_id,
                is_free,
                price_cents,
                package_id: package.id.clone(),
                test_task_id: task.id.clone(),
                guide_file_id: live
                    .fields
                    .guide_file_id
                    .as_ref()
                    .map(|g| g.as_str().to_owned()),
                capabilities: registered.clone(),
                released_at: db::now_micros(),
            };
            let answer =
                serde_json::to_value(ReleaseBody::of(&app_id, &record)).unwrap_or_default();
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand {
                actor,
                action: ApplicationAction::ReleaseApp(record),
            };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            let reply: Result<Reply, ApiError> =
                run_command(&st, request, move |_: &Application| answer.clone()).await;
            if reply.is_err() {
                take_back(&st, &registrar, &registered).await;
            }
            reply
        })
        .await?;
    Ok(reply.into_response())
}

/// Uploads the package with the icon to the app store and publishes it.
async fn publish(
    st: &AppState,
    actor: &Actor,
    live: &LiveApplication,
    test_task_id: &str,
    (file_name, package): (String, Vec<u8>),
    icon: (String, Vec<u8>),
    (is_free, price_cents): (bool, i64),
) -> Result<StoredApp, ApiError> {
    let store = &st.app_store.port;
    let upload = StoreUpload {
        file_name,
        package,
        icon,
        app_type: live.fields.app_type.as_str().to_owned(),
        short_desc: live.fields.description.as_str().chars().take(255).collect(),
        affinity: live.fields.architecture.as_str().to_owned(),
        industry: live.fields.industry.as_str().to_owned(),
        test_task_id: test_task_id.to_owned(),
        user_id: actor.user_id.clone(),
        user_name: actor.user_name.clone(),
    };
    let stored = store.upload(upload).await.map_err(app_store_error)?;
    store
        .publish(&stored, is_free, price_cents)
        .await
        .map_err(app_store_error)?;
    Ok(stored)
}
