//! `edgedev sim file-server --bind ADDR --dir DIR`: the simulated image file server served over
//! HTTP on the real API's paths (`/image-management/v1/images/...`), so the HTTP client is
//! exercised over a real socket. `PUT /simulator/plan` sets its [`FileServerPlan`].

use std::path::Path;
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use domain::ports::{FileServer, FileServerError, StoredImage};
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::simulator::{FileServerPlan, SimulatedFileServer};

type Data = web::Data<Arc<SimulatedFileServer>>;

/// The largest chunk the simulator takes.
const MAX_CHUNK: usize = 256 * 1024 * 1024;

fn answer<T>(result: Result<T, FileServerError>, ok: impl FnOnce(T) -> Value) -> HttpResponse {
    match result {
        Ok(value) => HttpResponse::Ok().json(ok(value)),
        Err(FileServerError::Rejected { status, body }) => HttpResponse::build(
            actix_web::http::StatusCode::from_u16(status)
                .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
        )
        .json(json!({ "message": body })),
        Err(other) => {
            HttpResponse::InternalServerError().json(json!({ "message": other.to_string() }))
        }
    }
}

/// The real file server's answer shape for one image.
pub fn image_json(image: &StoredImage) -> Value {
    json!({
        "imageId": image.image_id,
        "fileName": image.file_name,
        "slimStatus": image.slim_status,
        "compressInfo": {"compressStatus": image.slim_status, "compressMsg": image.slim_msg, "compressRate": 0},
        "checkStatusResponse": {
            "status": image.check_status,
            "msg": image.check_msg,
            "checkInfo": {
                "checksum": image.checksum,
                "checkResult": image.check_status,
                "imageInfo": {
                    "format": image.format,
                    "virtual_size": image.virtual_size,
                    "disk_size": image.disk_size,
                    "filename": image.file_name,
                },
            },
        },
    })
}

/// Serves the simulator on `bind`, keeping files under `dir`, until the process stops.
pub async fn serve(bind: &str, dir: &Path) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    println!(
        "simulated file server listening on http://{}",
        listener.local_addr()?
    );
    server(listener, dir)?.await
}

/// The simulator's HTTP server on `listener` (run it by awaiting it, or spawn it).
pub fn server(
    listener: std::net::TcpListener,
    dir: &Path,
) -> std::io::Result<actix_web::dev::Server> {
    let data: Data = web::Data::new(Arc::new(SimulatedFileServer::new(dir)));
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/simulator/plan", web::put().to(set_plan))
            .service(
                web::resource("/image-management/v1/images/upload")
                    .post(upload)
                    .delete(cancel),
            )
            .route("/image-management/v1/images/merge", web::post().to(merge))
            .service(
                web::resource("/image-management/v1/images/{id}")
                    .get(image)
                    .delete(delete),
            )
            .route(
                "/image-management/v1/images/{id}/action/slim",
                web::post().to(slim),
            )
            .route(
                "/image-management/v1/images/{id}/action/download",
                web::get().to(download),
            )
    })
    .workers(2)
    .listen(listener)?
    .run())
}

async fn set_plan(sim: Data, plan: web::Json<FileServerPlan>) -> HttpResponse {
    sim.set_plan(plan.into_inner());
    HttpResponse::NoContent().finish()
}

async fn upload(sim: Data, mut form: actix_multipart::Multipart) -> HttpResponse {
    let (mut identifier, mut number, mut part) = (None, None, None);
    while let Some(Ok(mut field)) = form.next().await {
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            if bytes.len() + chunk.len() > MAX_CHUNK {
                return HttpResponse::PayloadTooLarge().json(json!({"message": "chunk too large"}));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "identifier" => identifier = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "chunkNumber" => number = String::from_utf8_lossy(&bytes).trim().parse::<u32>().ok(),
            "part" => part = Some(bytes),
            _ => {}
        }
    }
    let (Some(identifier), Some(number), Some(part)) = (identifier, number, part) else {
        return HttpResponse::BadRequest()
            .json(json!({"message": "identifier, chunkNumber and part are required"}));
    };
    answer(
        sim.upload_chunk(&identifier, number, part).await,
        |()| json!({"message": "ok"}),
    )
}

#[derive(serde::Deserialize)]
struct Identifier {
    identifier: String,
}

async fn cancel(sim: Data, query: web::Query<Identifier>) -> HttpResponse {
    answer(
        sim.cancel_upload(&query.identifier).await,
        |()| json!({"message": "ok"}),
    )
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct MergeForm {
    user_id: String,
    identifier: String,
    filename: String,
}

async fn merge(sim: Data, form: web::Form<MergeForm>) -> HttpResponse {
    answer(
        sim.merge(&form.user_id, &form.identifier, &form.filename)
            .await,
        |id| json!({ "imageId": id }),
    )
}

async fn image(sim: Data, id: web::Path<String>) -> HttpResponse {
    answer(sim.image(&id).await, |image| image_json(&image))
}

async fn delete(sim: Data, id: web::Path<String>) -> HttpResponse {
    answer(sim.delete(&id).await, |()| json!({"message": "ok"}))
}

async fn slim(sim: Data, id: web::Path<String>) -> HttpResponse {
    answer(sim.slim(&id).await, |()| json!({"message": "ok"}))
}

async fn download(sim: Data, id: web::Path<String>) -> HttpResponse {
    let mut source = match sim.download(&id).await {
        Ok(source) => source,
        Err(error) => return answer::<()>(Err(error), |()| Value::Null),
    };
    let mut bytes = Vec::new();
    loop {
        match source.next_chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => return answer::<()>(Err(error), |()| Value::Null),
        }
    }
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .body(bytes)
}
