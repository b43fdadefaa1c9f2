//! `edgedev sim test-platform --bind ADDR`: the simulated test platform served over HTTP on the
//! real API's paths (`/edgegallery/atp/v1/tasks`), so the HTTP client is exercised over a real
//! socket. `PUT /simulator/plan` sets its [`TestPlatformPlan`]. Errors answer the original's
//! error body (`{code, message, retCode}`).

use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use domain::ports::{TestPlatform, TestPlatformError};
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::simulator::{SimulatedTestPlatform, TestPlatformPlan};
use crate::rest::error_answer;

type Data = web::Data<Arc<SimulatedTestPlatform>>;

/// The largest package the simulator takes.
const MAX_PACKAGE: usize = 256 * 1024 * 1024;

fn answer<T>(result: Result<T, TestPlatformError>, ok: impl FnOnce(T) -> Value) -> HttpResponse {
    match result {
        Ok(value) => HttpResponse::Ok().json(ok(value)),
        Err(TestPlatformError::Rejected {
            status,
            ret_code,
            message,
        }) => error_answer(status, ret_code, &message),
        Err(other) => error_answer(500, None, &other.to_string()),
    }
}

/// Serves the simulator on `bind` until the process stops.
pub async fn serve(bind: &str) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    println!(
        "simulated test platform listening on http://{}",
        listener.local_addr()?
    );
    server(listener)?.await
}

/// The simulator's HTTP server on `listener` (run it by awaiting it, or spawn it).
pub fn server(listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
    let data: Data = web::Data::new(Arc::new(SimulatedTestPlatform::default()));
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(MAX_PACKAGE))
            .route("/simulator/plan", web::put().to(set_plan))
            .route("/edgegallery/atp/v1/tasks", web::post().to(create))
            .route("/edgegallery/atp/v1/tasks/{id}", web::get().to(status))
    })
    .workers(2)
    .listen(listener)?
    .run())
}

async fn set_plan(sim: Data, plan: web::Json<TestPlatformPlan>) -> HttpResponse {
    sim.set_plan(plan.into_inner());
    HttpResponse::NoContent().finish()
}

async fn create(sim: Data, mut form: actix_multipart::Multipart) -> HttpResponse {
    let mut file = None;
    while let Some(Ok(mut field)) = form.next().await {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_owned))
            .unwrap_or_default();
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            if bytes.len() + chunk.len() > MAX_PACKAGE {
                return HttpResponse::PayloadTooLarge()
                    .json(json!({"code": 413, "message": "package too large"}));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            file = Some((file_name, bytes));
        }
    }
    let Some((file_name, bytes)) = file else {
        return HttpResponse::BadRequest()
            .json(json!({"code": 400, "message": "the part file is required", "retCode": 20003}));
    };
    answer(
        sim.create_task(&file_name, bytes).await,
        |task| json!({"id": task.id, "appName": task.app_name, "status": task.status, "createTime": task.create_time}),
    )
}

async fn status(sim: Data, id: web::Path<String>) -> HttpResponse {
    answer(
        sim.task_status(&id).await,
        |status| json!({"id": id.as_str(), "status": status}),
    )
}
