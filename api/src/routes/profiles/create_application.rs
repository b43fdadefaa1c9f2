//! `POST /profiles/{profileId}/create-application` (multipart `iconFile`): a container
//! application made of a profile in one request — the application (named, typed and versioned as
//! the profile says, provided by the caller, with the uploaded icon), one helm chart per app in
//! deploy order (its deploy file made into a chart named after the app), and the config script.
//! When any step after the application's creation is refused, the application is deleted again
//! and its files let go: nothing remains of the attempt.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::{Application, ApplicationAction, LiveApplication};
use domain::profile::ProfileFields;
use domain::uploaded_file::{FileType, UploadedFileFields};
use domain::Actor;

use super::{archive, load};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::files::http::{commit, upload_permit};
use crate::routes::applications::dto::{ApplicationRequest, ApplicationResponse};
use crate::routes::applications::{file_uses, run_holding_command, validate};
use crate::routes::commanding::{options, AppState, CommandHeaders, Reply};
use crate::routes::parse_uuid;
use crate::routes::upload_files::{receive_part, record};
use crate::routes::{app_scripts, helm_charts};

/// Make a container application of the profile (tenant or admin): multipart part `iconFile`, the
/// application's icon. 201 and the application, with its charts and script; 409
/// `DUPLICATE_APPLICATION` when the caller has an application of the profile's name and version.
#[utoipa::path(post, path = "/mec/developer/v2/profiles/{profileId}/create-application", tag = "profiles",
    params(CommandHeaders, ("profileId" = String, Path)),
    request_body(content = super::IconForm, content_type = "multipart/form-data"),
    responses((status = 201, body = ApplicationResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create_application(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let profile_id = parse_uuid(&path, "profileId")?;
    let _permit = upload_permit(&state)?;
    let (icon, _) = receive_part(&state, multipart, "iconFile", FileType::Icon).await?;
    let options = options(&req, b"")?.for_new_stream();
    let profile = load(&state, profile_id).await?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let icon_id = uuid::Uuid::new_v4().to_string();
            record(&st, &actor, &icon_id, icon).await?;
            let app_id = uuid::Uuid::new_v4().to_string();
            let fields = validate(&application_of(&profile, &actor, &icon_id))?;
            let uses = file_uses(&fields);
            let created_at = db::now_micros();
            let action = ApplicationAction::Create { fields, created_at };
            let created = run_holding_command(
                &st,
                actor.clone(),
                app_id.clone(),
                action,
                options,
                StatusCode::CREATED,
                uses,
                Vec::new(),
            )
            .await?;
            if created.replayed() {
                return Ok(created);
            }
            match furnish(&st, &actor, &app_id, &profile).await {
                Ok(last) => answer(&st, &app_id, created, last).await,
                Err(error) => {
                    undo(&st, &actor, &app_id).await;
                    Err(error)
                }
            }
        })
        .await?;
    Ok(reply.into_response())
}

/// The application a profile describes, provided by the caller.
fn application_of(profile: &ProfileFields, actor: &Actor, icon_id: &str) -> ApplicationRequest {
    let first = profile.apps_in_order().first().map(|a| a.version.clone());
    ApplicationRequest {
        name: Some(profile.name.clone()),
        description: Some(if profile.description.is_empty() {
            profile.name.clone()
        } else {
            profile.description.clone()
        }),
        version: first,
        provider: Some(actor.user_name.clone()),
        architecture: Some(profile.architecture.clone()),
        app_class: Some(profile.app_class.clone()),
        app_type: Some(profile.profile_type.clone()),
        industry: Some(profile.industry.clone()),
        icon_file_id: Some(icon_id.to_owned()),
        guide_file_id: None,
        app_create_type: Some(profile.create_type.clone()),
        pkg_spec_id: None,
    }
}

/// Reads one file of the profile's zip.
async fn zip_entry(
    st: &AppState,
    profile: &ProfileFields,
    name: &str,
) -> Result<Vec<u8>, ApiError> {
    let zip = st.files.path_of(&profile.file.sha256);
    let name = name.to_owned();
    tokio::task::spawn_blocking(move || archive::entry(&zip, &name))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?
        .map_err(|e| ApiError::internal(&format!("the stored profile is unreadable: {e}")))
}

/// Adds the profile's charts (in deploy order) and config script; the last reply.
async fn furnish(
    st: &AppState,
    actor: &Actor,
    app_id: &str,
    profile: &ProfileFields,
) -> Result<Option<Reply>, ApiError> {
    let mut last = None;
    for app in profile.apps_in_order() {
        let yaml = zip_entry(st, profile, &app.deploy_file).await?;
        let name = format!("{}.yaml", app.name);
        last = Some(helm_charts::add_manifests_chart(st, actor, app_id, &name, yaml).await?);
    }
    if let Some(config) = &profile.config_file {
        let bytes = zip_entry(st, profile, config).await?;
        let file_name = config.rsplit('/').next().unwrap_or(config).to_owned();
        let staged = helm_charts::stage_packed(st, &file_name, bytes).await?;
        let content = commit(st, staged).await?;
        let fields = UploadedFileFields {
            file_name,
            file_type: FileType::Script,
            file_path: projections::read_models::store_path(&content),
            content: Some(content),
            uploaded_at: db::now_micros(),
            shared: false,
        };
        let options = commands::CommandOptions::default();
        last = Some(app_scripts::add_script(st, actor, app_id, fields, options).await?);
    }
    Ok(last)
}

/// 201 and the application as it now is, with the headers of the last command (its log
/// position, for read-your-writes).
async fn answer(
    st: &AppState,
    app_id: &str,
    created: Reply,
    last: Option<Reply>,
) -> Result<Reply, ApiError> {
    let app: Application = st.load(app_id).await?;
    let live = app
        .state
        .ok_or_else(|| ApiError::internal("the new application is gone"))?;
    let mut headers = last.map_or(created.headers.clone(), |r| r.headers);
    headers.retain(|(name, _)| *name != "location");
    headers.push((
        "location",
        format!("/mec/developer/v2/applications/{app_id}"),
    ));
    Ok(Reply {
        status: StatusCode::CREATED,
        headers,
        body: serde_json::to_value(ApplicationResponse::from_state(app_id, &live))
            .unwrap_or_default(),
    })
}

/// Deletes the half-made application and lets its files go.
async fn undo(st: &AppState, actor: &Actor, app_id: &str) {
    let Ok(app) = st.load::<Application>(app_id).await else {
        return;
    };
    let Some(live): Option<LiveApplication> = app.state else {
        return;
    };
    let dropped: Vec<String> = file_uses(&live.fields)
        .into_iter()
        .map(|u| u.file_id)
        .collect();
    let deleted = run_holding_command(
        st,
        actor.clone(),
        app_id.to_owned(),
        ApplicationAction::Delete,
        commands::CommandOptions::default(),
        StatusCode::OK,
        Vec::new(),
        dropped,
    )
    .await;
    if let Err(error) = deleted {
        tracing::warn!(%app_id, error = %error.message, "undoing a profile's application failed");
        return;
    }
    app_scripts::release_all(st, actor, &live).await;
    helm_charts::release_all(st, actor, &live).await;
}
