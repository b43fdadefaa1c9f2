//! A helm chart's archive: download it, read one inner file, and modify one (the chart is
//! re-packed into a new archive file and checked again; the old file is let go).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::helm_charts::{ChartArchive, HelmChart, MAX_TEMPLATE_TEXT};
use domain::application::{Application, ApplicationAction, ApplicationCommand};
use domain::plugin::StoredFile;
use domain::uploaded_file::{FileType, UploadedFile};
use domain::Actor;

use super::dto::{HelmChartBody, InnerFileQuery, ModifyInnerFile};
use super::{blocking, container_application, holder, not_found, record_archive, stage_packed};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::files::http::stream_file;
use crate::request_rules::JsonBody;
use crate::routes::commanding::{
    json_bytes, metadata, options, run_command, AppState, CommandHeaders, CommandRequest,
};
use crate::routes::parse_uuid;
use crate::routes::upload_files::holding::{self, FileUse};
use workflows::helm_chart::{self, Chart, ChartError};

/// The chart and its archive's stored content.
async fn chart_archive(
    state: &AppState,
    actor: &Actor,
    app_id: &str,
    chart_id: &str,
) -> Result<(HelmChart, StoredFile), ApiError> {
    let live = container_application(state, actor, app_id).await?;
    let chart = live.helm_chart(chart_id).cloned().ok_or_else(not_found)?;
    let file: UploadedFile = state.load(&chart.helm_chart_file_id).await?;
    let content = file
        .fields
        .and_then(|f| f.content)
        .ok_or_else(|| ApiError::internal("a helm chart's archive file is missing"))?;
    Ok((chart, content))
}

fn ids(path: &(String, String)) -> Result<(String, String), ApiError> {
    Ok((
        parse_uuid(&path.0, "applicationId")?,
        parse_uuid(&path.1, "helmchartId")?,
    ))
}

/// Reads a stored chart archive.
async fn read_stored(state: &AppState, content: &StoredFile) -> Result<Chart, ApiError> {
    let path = state.files.path_of(&content.sha256);
    blocking(move || helm_chart::check_archive(&path))
        .await?
        .map_err(|e| ApiError::internal(&format!("a stored helm chart is unreadable: {e}")))
}

fn file_not_found(error: ChartError) -> ApiError {
    ApiError::new(ErrorCode::HelmChartFileNotFound, error.to_string())
        .with_params(vec!["filePath".into()])
}

/// The chart's archive (`.tgz`), as an attachment (owner or admin).
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/helmcharts/{helmchartId}/action/download", tag = "container-apps",
    params(("applicationId" = String, Path), ("helmchartId" = String, Path)),
    responses((status = 200, description = "the chart archive", content_type = "application/gzip", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (app_id, chart_id) = ids(&path)?;
    let st = state.clone();
    let (chart, mut content) = state
        .offload(async move { chart_archive(&st, &actor, &app_id, &chart_id).await })
        .await?;
    content.file_name = chart.name;
    stream_file(&state, &content, "application/gzip", true).await
}

/// One file inside the chart, as text (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/helmcharts/{helmchartId}/action/get-inner-file", tag = "container-apps",
    params(("applicationId" = String, Path), ("helmchartId" = String, Path), InnerFileQuery),
    responses((status = 200, description = "the file's text", content_type = "text/plain", body = String), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn inner_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<InnerFileQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (app_id, chart_id) = ids(&path)?;
    let file_path = inner_path(query.file_path.as_deref(), "filePath")?;
    let st = state.clone();
    let (_, content) = state
        .offload(async move { chart_archive(&st, &actor, &app_id, &chart_id).await })
        .await?;
    let chart = read_stored(&state, &content).await?;
    let text = chart.inner_text(&file_path).map_err(file_not_found)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text.to_owned()))
}

/// A path inside a chart as a query or body field gives it (1-1024 characters).
fn inner_path(value: Option<&str>, field: &str) -> Result<String, ApiError> {
    match value {
        Some(path) if !path.is_empty() && path.chars().count() <= 1024 => Ok(path.to_owned()),
        _ => Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("{field} must be 1-1024 characters"),
        )
        .with_params(vec![field.to_owned()])),
    }
}

/// Replace one file of the chart (owner or admin): the chart is re-packed into a new archive
/// and must still be a valid chart; the application becomes CONFIGURED again. 409
/// `HELM_CHART_CHANGED` when another change replaced the archive meanwhile.
#[utoipa::path(put, path = "/mec/developer/v2/applications/{applicationId}/helmcharts/{helmchartId}/action/modify-inner-file", tag = "container-apps",
    params(CommandHeaders, ("applicationId" = String, Path), ("helmchartId" = String, Path)),
    request_body = ModifyInnerFile,
    responses((status = 200, body = HelmChartBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn modify_inner_file(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: JsonBody<ModifyInnerFile>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (app_id, chart_id) = ids(&path)?;
    let file_path = inner_path(body.inner_file_path.as_deref(), "innerFilePath")?;
    let Some(text) = body.content.clone() else {
        return Err(
            ApiError::new(ErrorCode::InvalidField, "content is required")
                .with_params(vec!["content".into()]),
        );
    };
    let options = options(&req, &json_bytes(&*body))?;
    let (st, who, app, id) = (
        state.clone(),
        actor.clone(),
        app_id.clone(),
        chart_id.clone(),
    );
    let (chart, content) = state
        .offload(async move { chart_archive(&st, &who, &app, &id).await })
        .await?;
    let old = read_stored(&state, &content).await?;
    let changed = blocking(move || {
        let changed = old.with_file(&file_path, &text)?;
        let bytes = changed
            .pack()
            .map_err(|e| ChartError::Corrupt(e.to_string()))?;
        Ok::<_, ChartError>((changed, bytes))
    })
    .await?;
    let (changed, bytes) = changed.map_err(|e| match e {
        ChartError::NoSuchFile(_) | ChartError::NotText(_) => file_not_found(e),
        other => ApiError::new(
            ErrorCode::InvalidField,
            format!("with this content the chart is not valid: {other}"),
        )
        .with_params(vec!["content".into()]),
    })?;
    let staged = stage_packed(&state, &chart.name, bytes).await?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let file_id =
                record_archive(&st, &actor, staged, chart.name.clone(), FileType::Chart).await?;
            let uses = [FileUse {
                field: "content",
                file_id: file_id.clone(),
                file_type: FileType::Chart,
            }];
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand {
                actor: actor.clone(),
                action: ApplicationAction::ReplaceHelmChart {
                    helm_chart_id: chart_id.clone(),
                    from_file_id: chart.helm_chart_file_id.clone(),
                    archive: ChartArchive {
                        helm_chart_file_id: file_id,
                        files: changed.files(),
                        images: changed.images.clone(),
                    },
                    content: changed.templates_text(MAX_TEMPLATE_TEXT),
                },
            };
            let request = CommandRequest::<Application>::new(app_id.clone(), command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            let id = chart_id.clone();
            let replace = run_command(&st, request, move |app: &Application| {
                app.state
                    .as_ref()
                    .and_then(|live| live.helm_chart(&id))
                    .map(|c| {
                        serde_json::to_value(HelmChartBody::of(&app_id, c)).unwrap_or_default()
                    })
                    .unwrap_or_default()
            });
            let holder = holder(&chart_id);
            let reply = holding::run_holding(&st, &actor, &uses, &holder, replace).await?;
            if !reply.replayed() {
                holding::release(&st, &actor, &[chart.helm_chart_file_id], &holder).await;
            }
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}
