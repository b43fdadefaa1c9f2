//! `edgedev sim reverse-proxy --bind ADDR`: the simulated reverse proxy over HTTP on the real
//! API's paths, so the HTTP client is exercised over a socket.

use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use domain::ports::{ProxyError, ProxyRoute, ReverseProxy};
use serde_json::json;

use super::SimulatedProxy;

type Data = web::Data<Arc<SimulatedProxy>>;

fn failure(error: ProxyError) -> HttpResponse {
    match error {
        ProxyError::Rejected { status, body } => HttpResponse::build(
            actix_web::http::StatusCode::from_u16(status)
                .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
        )
        .json(json!({ "message": body })),
        other => HttpResponse::InternalServerError().json(json!({ "message": other.to_string() })),
    }
}

/// Serves the simulator on `bind` until the process stops.
pub async fn serve(bind: &str) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    println!(
        "simulated reverse proxy listening on http://{}",
        listener.local_addr()?
    );
    server(listener)?.await
}

/// The simulator's HTTP server on `listener` (await it, or spawn it).
pub fn server(listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
    let public = format!("http://{}", listener.local_addr()?.ip());
    let data: Data = web::Data::new(Arc::new(SimulatedProxy::new(&public)));
    const DEST: &str =
        "/commonservice/cbb/v1/reverseproxies/dest-host-ip/{ip}/dest-host-port/{port}";
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route(
                "/commonservice/cbb/v1/reverseproxies",
                web::post().to(register),
            )
            .service(web::resource(DEST).get(local_port).delete(remove))
    })
    .workers(1)
    .listen(listener)?
    .run())
}

async fn register(sim: Data, route: web::Json<ProxyRoute>) -> HttpResponse {
    match sim.register(&route).await {
        Ok(()) => HttpResponse::Ok().json(json!({})),
        Err(e) => failure(e),
    }
}

async fn local_port(sim: Data, path: web::Path<(String, u16)>) -> HttpResponse {
    match sim.local_port(&path.0, path.1).await {
        Ok(port) => HttpResponse::Ok()
            .json(json!({"destHostIp": path.0, "destHostPort": path.1, "localPort": port})),
        Err(e) => failure(e),
    }
}

async fn remove(sim: Data, path: web::Path<(String, u16)>) -> HttpResponse {
    match sim.remove(&path.0, path.1).await {
        Ok(()) => HttpResponse::Ok().json(json!({})),
        Err(e) => failure(e),
    }
}
