//! An application's test tasks (reference 1.1 `atp-tests`): `POST .../action/atp-tests` sends
//! the re-packed package to the test platform and records the task it created (the application
//! becomes TESTED, an "Application Test" operation polls the task to its end); `GET` lists them
//! newest first, `GET .../atpTests/{atpTestId}` one. Reads come from `tbl_atp_test_task`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::application::testing::TestTask;
use domain::application::{Application, ApplicationAction, ApplicationCommand};
use domain::ports::TestPlatformError;
use projections::read_models::app_tests::query;
use serde::Serialize;
use utoipa::ToSchema;

use super::app_packages::stored_bytes;
use super::commanding::{
    metadata, options, requested_position, run_command, AppState, CommandEndpoint, CommandHeaders,
    CommandRequest,
};
use super::operations::owned_application;
use super::parse_uuid;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

/// Under `/mec/developer/v2/applications`.
pub fn configure_nested(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{applicationId}/action/atp-tests")
            .post(create)
            .get(list),
    )
    .service(web::resource("/{applicationId}/atpTests/{atpTestId}").get(get));
}

/// A test task of an application.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestTaskBody {
    /// The test platform's task id.
    pub id: String,
    pub app_name: String,
    /// The platform's status as last reported: `created`, `waiting`, `running`, then `success`,
    /// `failed` or another final status.
    pub status: String,
    /// The platform's creation time, as it wrote it.
    pub create_time: String,
    /// The package tested.
    pub package_id: String,
    /// The operation polling the task (`GET /mec/developer/v2/operations/{id}`).
    pub operation_id: String,
    /// When edgedev recorded the task.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

db::from_row!(TestTaskBody {
    id,
    app_name,
    status,
    create_time,
    package_id,
    operation_id,
    created_at
});

impl TestTaskBody {
    fn of(task: &TestTask) -> Self {
        TestTaskBody {
            id: task.id.clone(),
            app_name: task.app_name.clone(),
            status: task.status.clone(),
            create_time: task.create_time.clone(),
            package_id: task.package_id.clone(),
            operation_id: task.operation_id.clone(),
            created_at: task.created_at,
        }
    }
}

/// What a failed call to the test platform answers: its `retCode` and message passed through
/// (28888 when it gave none), never a 500.
pub fn test_platform_error(error: TestPlatformError) -> ApiError {
    match error {
        TestPlatformError::Unreachable(reason) => ApiError::new(
            ErrorCode::ServiceUnavailable,
            format!("the test platform is unreachable: {reason}"),
        )
        .with_ret_code(28888)
        .with_retry_after(5),
        TestPlatformError::Rejected {
            ret_code, message, ..
        } => ApiError::new(
            ErrorCode::TestPlatformRejected,
            format!("the test platform refused the package: {message}"),
        )
        .with_ret_code(
            ret_code
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(28888),
        ),
        TestPlatformError::Malformed(detail) => ApiError::new(
            ErrorCode::TestPlatformRejected,
            format!("the test platform answered something unexpected: {detail}"),
        )
        .with_ret_code(28888),
    }
}

/// Test the application's package (owner or admin): the package, re-packed since its last edit,
/// goes to the test platform; the task it creates is recorded, the application becomes TESTED,
/// and an operation polls the task until its status is final. 409 `NO_PACKAGE`,
/// `PACKAGE_EDITED`, `INVALID_STATUS` (not PACKAGED or TESTED), `OPERATION_RUNNING`; the test
/// platform's refusal answers 502 `TEST_PLATFORM_REJECTED` with its `retCode`.
#[utoipa::path(post, path = "/mec/developer/v2/applications/{applicationId}/action/atp-tests", tag = "app-packages",
    params(CommandHeaders, ("applicationId" = String, Path)),
    responses((status = 200, body = TestTaskBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let options = options(&req, format!("atp-tests:{app_id}").as_bytes())?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let live = owned_application(&st, &actor, &app_id).await?;
            live.testable()
                .map_err(<Application as CommandEndpoint>::rejection)?;
            let package = live
                .package
                .clone()
                .ok_or_else(super::app_packages::not_found)?;
            let (_, bytes) = stored_bytes(&st, &package.archive.file_id)
                .await?
                .ok_or_else(|| ApiError::internal("a package's archive file is missing"))?;
            let created = st
                .test_platform
                .port
                .create_task(&package.package_file_name, bytes)
                .await
                .map_err(test_platform_error)?;
            let task = TestTask {
                id: created.id,
                app_name: created.app_name,
                status: created.status.to_ascii_lowercase(),
                create_time: created.create_time,
                package_id: package.id.clone(),
                package_file_id: package.archive.file_id.clone(),
                app_class: live.fields.app_class,
                operation_id: uuid::Uuid::new_v4().to_string(),
                created_at: db::now_micros(),
            };
            let body = serde_json::to_value(TestTaskBody::of(&task)).unwrap_or_default();
            let meta = metadata(&actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
            let command = ApplicationCommand {
                actor,
                action: ApplicationAction::StartTest {
                    task,
                    at: db::now_micros(),
                },
            };
            let request = CommandRequest::<Application>::new(app_id, command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            run_command(&st, request, move |_: &Application| body.clone()).await
        })
        .await?;
    Ok(reply.into_response())
}

/// The application's test tasks, newest first, each with its status as last reported (owner or
/// admin).
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/action/atp-tests", tag = "app-packages",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<TestTaskBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            owned_application(&st, &actor, &app_id).await?;
            if let Some(position) = position {
                st.wait_visible(&["app_tests"], position).await;
            }
            query::list::<TestTaskBody>(&st.pool, &app_id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One test task of the application (owner or admin); 404 `TEST_TASK_NOT_FOUND`.
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/atpTests/{atpTestId}", tag = "app-packages",
    params(("applicationId" = String, Path), ("atpTestId" = String, Path)),
    responses((status = 200, body = TestTaskBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path.0, "applicationId")?;
    let task_id = path.1.clone();
    if task_id.is_empty() || task_id.len() > 255 {
        return Err(not_found());
    }
    let position = requested_position(&req)?;
    let st = state.clone();
    let row = state
        .offload(async move {
            owned_application(&st, &actor, &app_id).await?;
            if let Some(position) = position {
                st.wait_visible(&["app_tests"], position).await;
            }
            query::get::<TestTaskBody>(&st.pool, &app_id, &task_id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(row.ok_or_else(not_found)?))
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::TestTaskNotFound,
        "the application has no test task with this id",
    )
    .with_ret_code(20007)
}
