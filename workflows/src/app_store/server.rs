//! `edgedev sim app-store --bind ADDR`: the simulated app store served over HTTP on the real
//! API's paths (`/mec/appstore/...`), so the HTTP client is exercised over a real socket.
//! `PUT /simulator/plan` sets its [`AppStorePlan`]; `GET /simulator/packages/{appId}/{packageId}`
//! tells whether a package was published and at which terms. Errors answer the original's error
//! body (`{code, message, retCode}`).

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use domain::ports::{AppStore, AppStoreError, StoreUpload, StoredApp};
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::simulator::{AppStorePlan, SimulatedAppStore};
use crate::rest::error_answer;

type Data = web::Data<Arc<SimulatedAppStore>>;

/// The largest upload the simulator takes.
const MAX_UPLOAD: usize = 256 * 1024 * 1024;

fn answer<T>(result: Result<T, AppStoreError>, ok: impl FnOnce(T) -> HttpResponse) -> HttpResponse {
    match result {
        Ok(value) => ok(value),
        Err(AppStoreError::Rejected {
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
        "simulated app store listening on http://{}",
        listener.local_addr()?
    );
    server(listener)?.await
}

/// The simulator's HTTP server on `listener` (run it by awaiting it, or spawn it).
pub fn server(listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
    let data: Data = web::Data::new(Arc::new(SimulatedAppStore::default()));
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/simulator/plan", web::put().to(set_plan))
            .route(
                "/simulator/packages/{appId}/{packageId}",
                web::get().to(published),
            )
            .route("/mec/appstore/v1/apps", web::post().to(upload))
            .route(
                "/mec/appstore/v1/apps/{appId}/packages/{packageId}/action/publish",
                web::post().to(publish),
            )
            .route(
                "/mec/appstore/v2/apps/{appId}/packages/{packageId}",
                web::get().to(package),
            )
            .route(
                "/mec/appstore/v1/apps/{appId}/packages/{packageId}/action/download",
                web::get().to(download),
            )
    })
    .workers(2)
    .listen(listener)?
    .run())
}

fn stored(path: &(String, String)) -> StoredApp {
    StoredApp {
        app_id: path.0.clone(),
        package_id: path.1.clone(),
    }
}

async fn set_plan(sim: Data, plan: web::Json<AppStorePlan>) -> HttpResponse {
    sim.set_plan(plan.into_inner());
    HttpResponse::NoContent().finish()
}

async fn published(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    match sim.stored(&stored(&path)) {
        Some(p) => HttpResponse::Ok().json(json!({
            "published": p.published.is_some(),
            "isFree": p.published.map(|(free, _)| free),
            "priceCents": p.published.map(|(_, cents)| cents),
        })),
        None => HttpResponse::NotFound().json(json!({"code": 404, "message": "no such package"})),
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Uploader {
    user_id: String,
    user_name: String,
}

async fn upload(
    sim: Data,
    query: web::Query<Uploader>,
    mut form: actix_multipart::Multipart,
) -> HttpResponse {
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut files: HashMap<String, (String, Vec<u8>)> = HashMap::new();
    let mut total = 0usize;
    while let Some(Ok(mut field)) = form.next().await {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_owned));
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            total += chunk.len();
            if total > MAX_UPLOAD {
                return HttpResponse::PayloadTooLarge()
                    .json(json!({"code": 413, "message": "upload too large"}));
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) => {
                files.insert(name, (file_name, bytes));
            }
            None => {
                texts.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    let Some((file_name, package)) = files.remove("file") else {
        return HttpResponse::BadRequest()
            .json(json!({"code": 400, "message": "the part file is required", "retCode": 20003}));
    };
    let text = |k: &str| texts.get(k).cloned().unwrap_or_default();
    let upload = StoreUpload {
        file_name,
        package,
        icon: files.remove("icon").unwrap_or_default(),
        app_type: text("type"),
        short_desc: text("shortDesc"),
        affinity: text("affinity"),
        industry: text("industry"),
        test_task_id: text("testTaskId"),
        user_id: query.user_id.clone(),
        user_name: query.user_name.clone(),
    };
    answer(sim.upload(upload).await, |app| {
        HttpResponse::Ok().json(json!({"appId": app.app_id, "packageId": app.package_id}))
    })
}

async fn publish(
    sim: Data,
    path: web::Path<(String, String)>,
    body: web::Json<Value>,
) -> HttpResponse {
    let is_free = body.get("isFree").and_then(Value::as_bool).unwrap_or(true);
    let price = body.get("price").and_then(Value::as_f64).unwrap_or(0.0);
    let cents = (price * 100.0).round() as i64;
    answer(sim.publish(&stored(&path), is_free, cents).await, |()| {
        HttpResponse::Ok().json(json!({"message": "published"}))
    })
}

async fn package(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    answer(sim.package(&stored(&path)).await, |p| {
        HttpResponse::Ok().json(json!({"data": {
            "appId": p.app_id, "packageId": p.package_id, "name": p.name, "version": p.version,
            "provider": p.provider, "industry": p.industry, "type": p.app_type,
            "shortDesc": p.short_desc, "affinity": p.affinity, "testTaskId": p.test_task_id,
        }}))
    })
}

async fn download(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    answer(sim.download(&stored(&path)).await, |bytes| {
        HttpResponse::Ok()
            .content_type("application/zip")
            .body(bytes)
    })
}
