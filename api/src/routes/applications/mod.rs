//! `/mec/developer/v2/applications`: create, list, get, update, delete an application and select
//! its sandbox host. Commands go through the Application aggregate; queries read
//! `tbl_application`. Every endpoint is for tenants and admins, owner-or-admin per application.

pub mod detail;
pub mod dto;

use crate::routes::commanding::CommandHeaders;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::{
    Application, ApplicationAction, ApplicationCommand, ApplicationError, ApplicationFields,
};
use domain::uploaded_file::{application_holder, FileType};
use domain::Actor;
use projections::read_models::applications::query;

use self::dto::{
    field_name, ApplicationRequest, ApplicationResponse, ListQuery, SelectHostRequest,
};
use super::commanding::{
    self, json_bytes, metadata, options, requested_position, AppState, CommandEndpoint,
    CommandRequest, Reply,
};
use super::upload_files::holding::{self, FileUse};
use super::{paging, parse_uuid, Page};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

/// Projections that serve the application endpoints (read-your-writes waits for them).
pub const READ_MODELS: &[&str] = &["applications"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    // The collection first: a static path, matched without a pattern; then the application and
    // what hangs off it (networks, VMs, sandbox actions).
    cfg.service(
        web::scope("/mec/developer/v2/applications")
            .service(
                web::resource("")
                    .route(web::post().to(create))
                    .route(web::get().to(list)),
            )
            .service(
                web::resource("/{applicationId}")
                    .route(web::get().to(get))
                    .route(web::put().to(update))
                    .route(web::delete().to(delete)),
            )
            .service(web::resource("/{applicationId}/action/sel-mephost").put(select_host))
            .service(web::resource("/{applicationId}/detail").get(detail::detail))
            .configure(super::sandbox::configure_nested)
            .configure(super::app_configuration::configure_nested)
            .configure(super::app_scripts::configure_nested)
            .configure(super::helm_charts::configure_nested)
            .configure(super::app_packages::configure_nested)
            .configure(super::app_tests::configure_nested)
            .configure(super::app_release::configure_nested)
            .configure(super::containers::configure_nested),
    );
}

/// Create an application owned by the caller (status CREATED).
#[utoipa::path(
    post, path = "/mec/developer/v2/applications", tag = "applications",
    request_body = ApplicationRequest,
    params(CommandHeaders),
    responses(
        (status = 201, description = "Created and visible to queries", body = ApplicationResponse),
        (status = 202, description = "Created; the read model had not caught up within the bound", body = ApplicationResponse),
        (status = 400, description = "A field breaks its rule", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "(name, version, provider) exists", body = ErrorBody),
        (status = 413, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::request_rules::JsonBody<ApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let fields = validate(&body)?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let id = uuid::Uuid::new_v4().to_string();
    let created_at = db::now_micros();
    let uses = file_uses(&fields);
    let action = ApplicationAction::Create { fields, created_at };
    execute_holding(
        state,
        actor,
        id,
        action,
        options,
        StatusCode::CREATED,
        uses,
        Vec::new(),
    )
    .await
}

/// A page of the caller's applications (all applications for admins).
#[utoipa::path(
    get, path = "/mec/developer/v2/applications", tag = "applications",
    params(ListQuery),
    responses((status = 200, body = inline(Page<ApplicationResponse>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = requested_position(&req)?;
    let name = query.into_inner().name;
    let st = state.clone();
    let page = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let owner = (!actor.is_admin()).then_some(actor.user_id.as_str());
            let (results, total) =
                query::list::<ApplicationResponse>(&st.pool, owner, name.as_deref(), limit, offset)
                    .await?;
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

/// One application.
#[utoipa::path(
    get, path = "/mec/developer/v2/applications/{applicationId}", tag = "applications",
    params(("applicationId" = String, Path, description = "UUID")),
    responses(
        (status = 200, body = ApplicationResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "applicationId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let app = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<ApplicationResponse>(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    if !actor.may_act_on(app.user_id.as_deref().unwrap_or_default()) {
        return Err(forbidden());
    }
    Ok(HttpResponse::Ok().json(app))
}

/// Replace the basic fields. `If-Match` may demand the version given in `ETag`.
#[utoipa::path(
    put, path = "/mec/developer/v2/applications/{applicationId}", tag = "applications",
    params(CommandHeaders, ("applicationId" = String, Path), ),
    request_body = ApplicationRequest,
    responses(
        (status = 200, body = ApplicationResponse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<ApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "applicationId")?;
    let fields = validate(&body)?;
    let options = options(&req, &json_bytes(&*body))?;
    let named = file_uses(&fields);
    let held = held_files(&state, &id).await?;
    // Only files the application does not name yet are checked and taken; those it stops
    // naming are released once the update is done.
    let uses = named
        .iter()
        .filter(|u| !held.contains(&u.file_id))
        .cloned()
        .collect();
    let dropped = held
        .into_iter()
        .filter(|f| !named.iter().any(|u| &u.file_id == f))
        .collect();
    let action = ApplicationAction::Update(fields);
    execute_holding(
        state,
        actor,
        id,
        action,
        options,
        StatusCode::OK,
        uses,
        dropped,
    )
    .await
}

/// Delete the application; its (name, version, provider) becomes free.
#[utoipa::path(
    delete, path = "/mec/developer/v2/applications/{applicationId}", tag = "applications",
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "applicationId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let app_id = id.clone();
    let who = actor.clone();
    state
        .offload(async move { refuse_while_deployed(&st, &who, &app_id).await })
        .await?;
    let held = held_files(&state, &id).await?;
    let st = state.clone();
    let app_id = id.clone();
    let before: Application = state.offload(async move { st.load(&app_id).await }).await?;
    let action = ApplicationAction::Delete;
    let (who, app_id) = (actor.clone(), id.clone());
    let answer = execute_holding(
        state.clone(),
        actor,
        id,
        action,
        options,
        StatusCode::OK,
        Vec::new(),
        held,
    )
    .await?;
    // Its configuration and scripts let go too: their files and the capabilities it required.
    if let (true, Some(live)) = (answer.status().is_success(), before.state) {
        let st = state.clone();
        state
            .offload(async move {
                crate::routes::app_configuration::services::release_services(
                    &st, &who, &app_id, &live,
                )
                .await;
                crate::routes::app_scripts::release_all(&st, &who, &live).await;
                crate::routes::helm_charts::release_all(&st, &who, &live).await;
                crate::routes::app_packages::release(&st, &who, &live).await;
                Ok(())
            })
            .await?;
    }
    Ok(answer)
}

/// The uploaded files an application's fields name: its icon and its guide.
pub(crate) fn file_uses(fields: &ApplicationFields) -> Vec<FileUse> {
    let icon = FileUse {
        field: "iconFileId",
        file_id: fields.icon_file_id.as_str().to_owned(),
        file_type: FileType::Icon,
    };
    let guide = fields.guide_file_id.as_ref().map(|g| FileUse {
        field: "guideFileId",
        file_id: g.as_str().to_owned(),
        file_type: FileType::Md,
    });
    std::iter::once(icon).chain(guide).collect()
}

/// The files the application names now (none if it does not exist).
async fn held_files(state: &web::Data<AppState>, id: &str) -> Result<Vec<String>, ApiError> {
    let st = state.clone();
    let id = id.to_owned();
    let app: Application = state.offload(async move { st.load(&id).await }).await?;
    Ok(app
        .state
        .map(|live| {
            file_uses(&live.fields)
                .into_iter()
                .map(|u| u.file_id)
                .collect()
        })
        .unwrap_or_default())
}

/// Runs an application command that starts naming the files `uses` (checked and taken first,
/// so none can be swept meanwhile) and stops naming `dropped` (released once it is done). A
/// refused or replayed command releases what it took.
#[allow(clippy::too_many_arguments)]
async fn execute_holding(
    state: web::Data<AppState>,
    actor: Actor,
    id: String,
    action: ApplicationAction,
    options: commands::CommandOptions,
    success: StatusCode,
    uses: Vec<FileUse>,
    dropped: Vec<String>,
) -> Result<HttpResponse, ApiError> {
    let st = state.clone();
    let reply = state.offload(async move {
        run_holding_command(&st, actor, id, action, options, success, uses, dropped).await
    });
    Ok(reply.await?.into_response())
}

/// The body of [`execute_holding`], on the database runtime.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn run_holding_command(
    st: &AppState,
    actor: Actor,
    id: String,
    action: ApplicationAction,
    options: commands::CommandOptions,
    success: StatusCode,
    uses: Vec<FileUse>,
    dropped: Vec<String>,
) -> Result<Reply, ApiError> {
    let metadata = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let holder = application_holder(&id);
    holding::check(st, &actor, &uses).await?;
    holding::take(st, &actor, &uses, &holder).await?;
    let taken: Vec<String> = uses.iter().map(|u| u.file_id.clone()).collect();
    let reply = run_command(st, actor.clone(), &id, action, options, metadata, success).await;
    match &reply {
        Ok(r) if !r.replayed() => holding::release(st, &actor, &dropped, &holder).await,
        _ => holding::release(st, &actor, &taken, &holder).await,
    }
    reply
}

/// An application whose VMs still have instances on a host (or run an operation) is not deleted:
/// its sandbox must be cleaned first, or the instances and their addresses would be orphaned.
/// Ownership is checked first: another tenant learns nothing of the application's VMs.
async fn refuse_while_deployed(
    state: &AppState,
    actor: &Actor,
    app_id: &str,
) -> Result<(), ApiError> {
    let app: Application = state.load(app_id).await?;
    match &app.state {
        None => return Ok(()), // the command answers 404
        Some(live) if !actor.may_act_on(&live.owner_id) => return Err(forbidden()),
        Some(_) => {}
    }
    for config in app.state.iter().flat_map(|live| live.vms.iter()) {
        let vm: domain::vm::Vm = state.load(&config.id).await?;
        if vm.holds_host_resources() || vm.operations.ongoing().is_some() {
            return Err(ApiError::new(
                ErrorCode::SandboxNotClean,
                format!(
                    "vm {} is deployed or busy; clean the sandbox (action/clean-env) first",
                    config.spec.name
                ),
            ));
        }
    }
    let container: domain::container::Container = state.load(app_id).await?;
    if container.instance.is_some() || container.operations.ongoing().is_some() {
        return Err(ApiError::new(
            ErrorCode::SandboxNotClean,
            "the application's containers are deployed or being launched; clean the sandbox (action/clean-env) first",
        ));
    }
    Ok(())
}

/// Select the sandbox edge host the application launches on.
#[utoipa::path(
    put, path = "/mec/developer/v2/applications/{applicationId}/action/sel-mephost", tag = "applications",
    params(CommandHeaders, ("applicationId" = String, Path)),
    request_body = SelectHostRequest,
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = []))
)]
pub async fn select_host(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<SelectHostRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "applicationId")?;
    let host = body.mep_host_id.as_deref().unwrap_or_default();
    let mep_host_id = parse_uuid(host, "mepHostId")?;
    let options = options(&req, &json_bytes(&*body))?;
    // The caller must own the application (403 first), and the host must exist.
    let st = state.clone();
    let (app_id, host_id, caller_actor) = (id.clone(), mep_host_id.clone(), actor.clone());
    state
        .offload(async move {
            crate::routes::operations::owned_application(&st, &caller_actor, &app_id).await?;
            let host: domain::mephost::MepHost = st.load(&host_id).await?;
            match host.fields {
                Some(_) => Ok(()),
                None => Err(ApiError::new(ErrorCode::InvalidField, "no sandbox host has this mepHostId; list them with GET /mec/developer/v2/mephosts",
                )
                .with_ret_code(20007)
                .with_params(vec!["mepHostId".into()])),
            }
        })
        .await?;
    let action = ApplicationAction::SelectSandboxHost { mep_host_id };
    execute(state, actor, id, action, options, StatusCode::OK).await
}

pub(crate) fn validate(body: &ApplicationRequest) -> Result<ApplicationFields, ApiError> {
    ApplicationFields::try_from(body).map_err(|e| {
        let code = if matches!(e, domain::application::FieldError::IconFileId) {
            20016
        } else {
            20002
        };
        ApiError::new(ErrorCode::InvalidField, e.to_string())
            .with_ret_code(code)
            .with_params(vec![field_name(e).to_owned()])
    })
}

/// Runs one application command on the database runtime, waits for the read model, and renders
/// the answer: the application for create and update, `true` for delete and host selection (as the
/// original).
async fn execute(
    state: web::Data<AppState>,
    actor: Actor,
    id: String,
    action: ApplicationAction,
    options: commands::CommandOptions,
    success: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let metadata = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let st = state.clone();
    let reply = state.offload(async move {
        run_command(&st, actor, &id, action, options, metadata, success).await
    });
    Ok(reply.await?.into_response())
}

async fn run_command(
    state: &AppState,
    actor: Actor,
    id: &str,
    action: ApplicationAction,
    options: commands::CommandOptions,
    metadata: commands::CommandMetadata,
    success: StatusCode,
) -> Result<Reply, ApiError> {
    let returns_app = matches!(
        action,
        ApplicationAction::Create { .. } | ApplicationAction::Update(_)
    );
    let render = |app: &Application| -> serde_json::Value {
        match (&app.state, returns_app) {
            (Some(live), true) => {
                serde_json::to_value(ApplicationResponse::from_state(id, live)).unwrap_or_default()
            }
            _ => serde_json::Value::Bool(true),
        }
    };
    let location =
        (success == StatusCode::CREATED).then(|| format!("/mec/developer/v2/applications/{id}"));
    let request = CommandRequest::new(id, ApplicationCommand { actor, action }, metadata)
        .with_options(options)
        .answered_with(success, location);
    commanding::run_command(state, request, render).await
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::ApplicationNotFound, "no application has this id")
}

fn forbidden() -> ApiError {
    ApiError::forbidden("only the application's owner or an admin may access it")
}

impl CommandEndpoint for Application {
    fn command_name(command: &ApplicationCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: ApplicationError) -> ApiError {
        match rejection {
            ApplicationError::InvalidField(field) => {
                ApiError::new(ErrorCode::InvalidField, field.to_string())
                    .with_params(vec![field_name(field).to_owned()])
            }
            ApplicationError::NotFound => not_found(),
            ApplicationError::Forbidden => forbidden(),
            ApplicationError::AlreadyExists => {
                ApiError::new(ErrorCode::ApplicationExists, rejection.to_string())
            }
            ApplicationError::InvalidTransition { .. } | ApplicationError::Released => {
                ApiError::new(ErrorCode::InvalidStatus, rejection.to_string())
            }
            ApplicationError::NetworkNotFound => {
                ApiError::new(ErrorCode::NetworkNotFound, rejection.to_string())
            }
            ApplicationError::VmNotFound => {
                ApiError::new(ErrorCode::VmNotFound, rejection.to_string())
            }
            ApplicationError::NetworkNameTaken(_) => {
                ApiError::new(ErrorCode::DuplicateNetwork, rejection.to_string())
                    .with_params(vec!["name".into()])
            }
            ApplicationError::VmNameTaken(_) => {
                ApiError::new(ErrorCode::DuplicateVm, rejection.to_string())
                    .with_params(vec!["name".into()])
            }
            ApplicationError::VmExists => ApiError::new(ErrorCode::VmExists, rejection.to_string()),
            ApplicationError::NetworkInUse(_) => {
                ApiError::new(ErrorCode::NetworkInUse, rejection.to_string())
            }
            ApplicationError::UnknownNetwork { .. } => {
                ApiError::new(ErrorCode::UnknownNetwork, rejection.to_string())
                    .with_params(vec!["portList".into()])
            }
            ApplicationError::NotAVmApplication => {
                ApiError::new(ErrorCode::NotAVmApplication, rejection.to_string())
            }
            ApplicationError::NotAContainerApplication => {
                ApiError::new(ErrorCode::NotAContainerApplication, rejection.to_string())
            }
            ApplicationError::HelmChartNotFound => {
                ApiError::new(ErrorCode::HelmChartNotFound, rejection.to_string())
            }
            ApplicationError::HelmChartNameTaken(_) => {
                ApiError::new(ErrorCode::DuplicateHelmChart, rejection.to_string())
                    .with_params(vec!["file".into()])
            }
            ApplicationError::HelmChartChanged => {
                ApiError::new(ErrorCode::HelmChartChanged, rejection.to_string())
            }
            ApplicationError::NothingToPackage => {
                ApiError::new(ErrorCode::NothingToPackage, rejection.to_string())
            }
            ApplicationError::PackageNotFound => crate::routes::app_packages::not_found(),
            ApplicationError::PackageChanged => {
                ApiError::new(ErrorCode::PackageChanged, rejection.to_string())
            }
            ApplicationError::NoPackage => {
                ApiError::new(ErrorCode::NoPackage, rejection.to_string())
            }
            ApplicationError::PackageEdited => {
                ApiError::new(ErrorCode::PackageEdited, rejection.to_string())
            }
            ApplicationError::TestNotPassed(_) => {
                ApiError::new(ErrorCode::TestNotPassed, rejection.to_string())
            }
            ApplicationError::PackageNotTested => {
                ApiError::new(ErrorCode::PackageNotTested, rejection.to_string())
            }
            ApplicationError::TooManyHelmCharts(_) => {
                ApiError::new(ErrorCode::TooManyHelmCharts, rejection.to_string())
            }
            ApplicationError::NoSandboxHost => {
                ApiError::new(ErrorCode::NoSandboxHost, rejection.to_string())
            }
            ApplicationError::OperationRunning(_) => {
                ApiError::new(ErrorCode::OperationRunning, rejection.to_string())
            }
            ApplicationError::Operation(e) => crate::routes::operations::operation_error(e),
            ApplicationError::InvalidRule(e) => {
                ApiError::new(ErrorCode::InvalidField, e.to_string()).with_params(vec![e.field])
            }
            ApplicationError::RuleNotFound { .. } => {
                ApiError::new(ErrorCode::RuleNotFound, rejection.to_string())
            }
            ApplicationError::RuleExists { .. } => {
                ApiError::new(ErrorCode::DuplicateRule, rejection.to_string())
            }
            ApplicationError::RuleInUse { .. } => {
                ApiError::new(ErrorCode::RuleInUse, rejection.to_string())
            }
            ApplicationError::ScriptNotFound => {
                ApiError::new(ErrorCode::ScriptNotFound, rejection.to_string())
            }
            ApplicationError::NoCertificate => {
                ApiError::new(ErrorCode::CertificateNotFound, rejection.to_string())
            }
            ApplicationError::ServiceNotFound(_) => {
                ApiError::new(ErrorCode::ServiceNotFound, rejection.to_string())
            }
            ApplicationError::ServiceExists { .. } => {
                ApiError::new(ErrorCode::DuplicateService, rejection.to_string())
            }
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        ApiError::new(
            ErrorCode::DuplicateApplication,
            "an application with the same name, version and provider already exists",
        )
        .with_params(vec!["name".into(), "version".into(), "provider".into()])
    }
}
