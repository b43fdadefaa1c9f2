//! `/mec/developer/v2/applications/{applicationId}/helmcharts` (reference 1.4): the helm charts
//! of a container application. An upload (a `.tgz` chart, or a `.yaml/.yml` of Kubernetes
//! manifests made into one) is checked for real, stored as an uploaded file of type chart that
//! the chart holds (ADR 0012), and added by the Application aggregate, which makes the
//! application CONFIGURED. Inner files are read from the stored archive; a modification
//! re-packs it into a new file (see [`files`]).

mod dto;
pub mod files;

pub use dto::{ChartFileNode, HelmChartBody, HelmChartRow, InnerFileQuery, ModifyInnerFile};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::helm_charts::{HelmChart, MAX_TEMPLATE_TEXT};
use domain::application::{AppClass, Application, ApplicationAction, ApplicationCommand};
use domain::uploaded_file::{check_file_name, FileType, UploadedFileFields};
use domain::Actor;

use super::commanding::{
    metadata, options, run_command, AppState, CommandHeaders, CommandRequest, Reply,
};
use super::parse_uuid;
use super::upload_files::holding::{self, FileUse};
use super::upload_files::{record, UploadForm};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::{commit, read_one_file, upload_permit};
use crate::files::Staged;
use workflows::helm_chart::{self, Chart, ChartError, ARCHIVE_LIMIT};

const READ_MODELS: &[&str] = &["helm_charts"];
/// The most parts an upload form may have (it needs one).
const MAX_PARTS: usize = 4;
/// The largest modify-inner-file body (1 MB of content, escaped).
const MODIFY_BODY_LIMIT: usize = 3 * 1024 * 1024;

pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{applicationId}/helmcharts")
            .get(list)
            .post(upload),
    )
    .service(
        web::resource("/{applicationId}/helmcharts/{helmchartId}")
            .get(get)
            .delete(delete),
    )
    .service(
        web::resource("/{applicationId}/helmcharts/{helmchartId}/action/download")
            .post(files::download),
    )
    .service(
        web::resource("/{applicationId}/helmcharts/{helmchartId}/action/get-inner-file")
            .get(files::inner_file),
    )
    .service(
        web::resource("/{applicationId}/helmcharts/{helmchartId}/action/modify-inner-file")
            .app_data(web::PayloadConfig::default().limit(MODIFY_BODY_LIMIT))
            .put(files::modify_inner_file),
    );
}

/// The holder name of a chart (for its archive file).
pub fn holder(chart_id: &str) -> String {
    format!("helmchart/{chart_id}")
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::HelmChartNotFound,
        "the application has no helm chart with this id",
    )
}

fn not_container() -> ApiError {
    ApiError::new(
        ErrorCode::NotAContainerApplication,
        "only container applications have helm charts and containers",
    )
}

/// Why an archive is not a chart, as an answer about `field`.
fn bad_chart(error: ChartError, field: &str) -> ApiError {
    match error {
        ChartError::TooLargeUnpacked(limit) => ApiError::new(
            ErrorCode::FileTooLarge,
            format!("the chart unpacks to more than {} MB", limit / 1024 / 1024),
        ),
        other => ApiError::new(
            ErrorCode::InvalidFile,
            format!("not a valid helm chart: {other}"),
        ),
    }
    .with_params(vec![field.to_owned()])
}

/// The caller's container application (owner or admin).
pub(crate) async fn container_application(
    state: &AppState,
    actor: &Actor,
    app_id: &str,
) -> Result<domain::application::LiveApplication, ApiError> {
    let live = crate::routes::operations::owned_application(state, actor, app_id).await?;
    if live.fields.app_class != AppClass::Container {
        return Err(not_container());
    }
    Ok(live)
}

/// The application's helm charts, oldest first (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/helmcharts", tag = "container-apps",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<HelmChartBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let position = super::commanding::requested_position(&req)?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            container_application(&st, &actor, &app_id).await?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            projections::read_models::helm_charts::query::list::<HelmChartRow>(&st.pool, &app_id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    let charts: Vec<HelmChartBody> = rows.into_iter().map(HelmChartRow::into_body).collect();
    Ok(HttpResponse::Ok().json(charts))
}

/// One helm chart (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/helmcharts/{helmchartId}", tag = "container-apps",
    params(("applicationId" = String, Path), ("helmchartId" = String, Path)),
    responses((status = 200, body = HelmChartBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let chart_id = parse_uuid(&path.1, "helmchartId")?;
    let position = super::commanding::requested_position(&req)?;
    let st = state.clone();
    let row = state
        .offload(async move {
            container_application(&st, &actor, &app_id).await?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            projections::read_models::helm_charts::query::find::<HelmChartRow>(
                &st.pool, &app_id, &chart_id,
            )
            .await
            .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(row.into_body()))
}

/// What an upload is, by its name.
enum UploadKind {
    Archive,
    Manifests,
}

fn upload_kind(file_name: &str) -> Result<UploadKind, ApiError> {
    let lower = file_name.to_ascii_lowercase();
    let invalid = |e: domain::uploaded_file::UploadedFileError| {
        ApiError::new(ErrorCode::InvalidFile, e.to_string()).with_params(vec!["file".into()])
    };
    if lower.ends_with(".tgz") || lower.ends_with(".tar.gz") {
        check_file_name(file_name, FileType::Chart)
            .or_else(|_| check_file_name(&format!("{file_name}.tgz"), FileType::Chart))
            .map_err(invalid)?;
        Ok(UploadKind::Archive)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        check_file_name(file_name, FileType::Api).map_err(invalid)?;
        Ok(UploadKind::Manifests)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidFile,
            "a helm chart is a .tgz archive, or a .yaml/.yml file of Kubernetes manifests",
        )
        .with_params(vec!["file".into()]))
    }
}

/// Runs blocking chart work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))
}

/// Stages a packed chart archive under `file_name`.
pub(crate) async fn stage_packed(
    state: &AppState,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Staged, ApiError> {
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(web::Bytes::from(bytes))]);
    state
        .files
        .stage(file_name, chunks, u64::MAX)
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))
}

/// The checked chart of an upload and the staged archive to keep (the upload itself, or the
/// chart made of its manifests), with the archive's file name.
async fn read_upload(
    state: &AppState,
    staged: Staged,
    kind: UploadKind,
) -> Result<(Chart, Staged, String), ApiError> {
    let path = staged.path.clone();
    match kind {
        UploadKind::Archive => {
            let chart = blocking(move || helm_chart::check_archive(&path))
                .await?
                .map_err(|e| bad_chart(e, "file"))?;
            let name = staged.file_name.clone();
            Ok((chart, staged, name))
        }
        UploadKind::Manifests => {
            let upload_name = staged.file_name.clone();
            let packed = blocking(move || {
                let yaml = std::fs::read(&path).map_err(|e| ChartError::Corrupt(e.to_string()))?;
                let chart = helm_chart::from_manifests(&upload_name, &yaml)?;
                let bytes = chart
                    .pack()
                    .map_err(|e| ChartError::Corrupt(e.to_string()))?;
                Ok::<_, ChartError>((chart, bytes))
            })
            .await?;
            let (chart, bytes) = packed.map_err(|e| bad_chart(e, "file"))?;
            let name = format!("{}.tgz", chart.name);
            let archive = stage_packed(state, &name, bytes).await?;
            Ok((chart, archive, name))
        }
    }
}

/// Records a staged chart archive as a new uploaded file of `actor`'s; answers its id.
pub(crate) async fn record_archive(
    state: &AppState,
    actor: &Actor,
    staged: Staged,
    file_name: String,
    file_type: FileType,
) -> Result<String, ApiError> {
    let content = commit(state, staged).await?;
    let file_id = uuid::Uuid::new_v4().to_string();
    let fields = UploadedFileFields {
        file_name,
        file_type,
        file_path: projections::read_models::store_path(&content),
        content: Some(content),
        uploaded_at: db::now_micros(),
        shared: false,
    };
    record(state, actor, &file_id, fields).await?;
    Ok(file_id)
}

/// Upload a helm chart (owner or admin): multipart part `file`, a `.tgz` chart (`Chart.yaml`
/// with name and version, `values.yaml`, manifests under `templates/`; at most 10 MB, 1000
/// entries, 32 MB unpacked, no links, no absolute or `..` paths) or a `.yaml/.yml` of
/// Kubernetes manifests (each with `apiVersion`, `kind` and `metadata.name`), which becomes a
/// chart. The application becomes CONFIGURED.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/helmcharts", tag = "container-apps",
    params(CommandHeaders, ("applicationId" = String, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = HelmChartBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let _permit = upload_permit(&state)?;
    let staged = read_one_file(&state, multipart, "file", ARCHIVE_LIMIT, MAX_PARTS).await?;
    let kind = upload_kind(&staged.file_name)?;
    let fingerprint = format!("chart:{}:{}", staged.file_name, staged.sha256);
    let options = options(&req, fingerprint.as_bytes())?;
    let (st, check_actor, check_app) = (state.clone(), actor.clone(), app_id.clone());
    state
        .offload(async move {
            container_application(&st, &check_actor, &check_app)
                .await
                .map(|_| ())
        })
        .await?;
    let (chart, archive, archive_name) = read_upload(&state, staged, kind).await?;
    let missing = match &state.registry {
        Some(registry) => Some(registry.missing(&chart.images).await),
        None => None,
    };
    let st = state.clone();
    let reply = state
        .offload(async move {
            add_chart(&st, &actor, &app_id, chart, archive, archive_name, options).await
        })
        .await?;
    let mut reply = reply;
    if let (Some(missing), false) = (missing, reply.replayed()) {
        if let Some(body) = reply.body.as_object_mut() {
            body.insert("missingImages".into(), serde_json::json!(missing));
        }
    }
    Ok(reply.into_response())
}

/// Records a checked chart's staged archive as a new file of `actor`'s and adds the chart to
/// the application (holding the file); 201 and the chart.
pub(crate) async fn add_chart(
    st: &AppState,
    actor: &Actor,
    app_id: &str,
    chart: Chart,
    archive: Staged,
    archive_name: String,
    options: commands::CommandOptions,
) -> Result<Reply, ApiError> {
    let file_id = record_archive(st, actor, archive, archive_name.clone(), FileType::Chart).await?;
    let chart_id = uuid::Uuid::new_v4().to_string();
    let holder_name = holder(&chart_id);
    let content = chart.templates_text(MAX_TEMPLATE_TEXT);
    let value = HelmChart {
        id: chart_id.clone(),
        name: archive_name,
        helm_chart_file_id: file_id.clone(),
        files: chart.files(),
        images: chart.images,
        chart_name: chart.name,
        chart_version: chart.version,
        created_at: db::now_micros(),
    };
    let uses = [FileUse {
        field: "file",
        file_id,
        file_type: FileType::Chart,
    }];
    let meta = metadata(actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let command = ApplicationCommand {
        actor: actor.clone(),
        action: ApplicationAction::AddHelmChart {
            chart: value,
            content,
        },
    };
    let location = format!("/mec/developer/v2/applications/{app_id}/helmcharts/{chart_id}");
    let request = CommandRequest::<Application>::new(app_id, command, meta)
        .with_options(options)
        .answered_with(StatusCode::CREATED, Some(location));
    let app_id = app_id.to_owned();
    let add = run_command(st, request, move |app: &Application| {
        app.state
            .as_ref()
            .and_then(|live| live.helm_chart(&chart_id))
            .map(|c| serde_json::to_value(HelmChartBody::of(&app_id, c)).unwrap_or_default())
            .unwrap_or_default()
    });
    holding::run_holding(st, actor, &uses, &holder_name, add).await
}

/// Adds a chart made of a YAML of Kubernetes manifests (a profile's deploy file) to the
/// application; 201 and the chart.
pub(crate) async fn add_manifests_chart(
    st: &AppState,
    actor: &Actor,
    app_id: &str,
    file_name: &str,
    yaml: Vec<u8>,
) -> Result<Reply, ApiError> {
    let name = file_name.to_owned();
    let packed = blocking(move || {
        let chart = helm_chart::from_manifests(&name, &yaml)?;
        let bytes = chart
            .pack()
            .map_err(|e| ChartError::Corrupt(e.to_string()))?;
        Ok::<_, ChartError>((chart, bytes))
    })
    .await?;
    let (chart, bytes) = packed.map_err(|e| bad_chart(e, "file"))?;
    let archive_name = format!("{}.tgz", chart.name);
    let archive = stage_packed(st, &archive_name, bytes).await?;
    let options = commands::CommandOptions::default();
    add_chart(st, actor, app_id, chart, archive, archive_name, options).await
}

/// Remove a helm chart (owner or admin); its archive file is let go.
#[utoipa::path(delete, path = "/mec/developer/v2/applications/{applicationId}/helmcharts/{helmchartId}", tag = "container-apps",
    params(CommandHeaders, ("applicationId" = String, Path), ("helmchartId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let chart_id = parse_uuid(&path.1, "helmchartId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let app: Application = st.load(&app_id).await?;
            let files: Vec<String> = app
                .state
                .iter()
                .filter_map(|live| live.helm_chart(&chart_id))
                .map(|c| c.helm_chart_file_id.clone())
                .collect();
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand {
                actor: actor.clone(),
                action: ApplicationAction::DeleteHelmChart {
                    helm_chart_id: chart_id.clone(),
                },
            };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            let reply = run_command(&st, request, |_| serde_json::Value::Bool(true)).await?;
            holding::release(&st, &actor, &files, &holder(&chart_id)).await;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}

/// Lets go of the archives of every chart of a deleted application.
pub async fn release_all(
    state: &AppState,
    actor: &Actor,
    live: &domain::application::LiveApplication,
) {
    for chart in &live.helm_charts {
        let file = [chart.helm_chart_file_id.clone()];
        holding::release(state, actor, &file, &holder(&chart.id)).await;
    }
}
