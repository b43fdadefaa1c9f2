//! Probes and metrics: `/health` (the original's), `/livez`, `/readyz` (database reachable and
//! migrations current) and Prometheus `/metrics`.

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/health").get(health))
        .service(web::resource("/livez").get(livez))
        .service(web::resource("/readyz").get(readyz))
        .service(web::resource("/metrics").get(metrics));
}

/// Liveness as the original platform answered it (no auth).
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, description = "UP")))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "UP" }))
}

/// The process is alive.
#[utoipa::path(get, path = "/livez", tag = "operations", responses((status = 200, description = "alive")))]
pub async fn livez() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "alive" }))
}

/// Ready to serve: the database answers, every migration is applied and no projection is stopped
/// on a poison event (a stopped projection means commands answer 202 and never show up).
#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, description = "ready"), (status = 503, description = "not ready, with details")))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let (database, migrations) = match db::migrate::status(&state.pool).await {
        Ok(list) => {
            let pending: Vec<&str> = list
                .iter()
                .filter(|m| !m.applied)
                .map(|m| m.version.as_str())
                .collect();
            let migrations = if pending.is_empty() {
                json!({ "status": "current", "applied": list.len() })
            } else {
                json!({ "status": "pending", "pending": pending })
            };
            (json!({ "status": "up" }), migrations)
        }
        Err(error) => (
            json!({ "status": "down", "error": error.to_string() }),
            json!({ "status": "unknown" }),
        ),
    };
    let (projections, failed) = match state.runtime.status().await {
        Ok(list) => (
            json!(list
                .iter()
                .map(|p| json!({ "name": p.name, "status": p.status, "lagEvents": p.lag_events }))
                .collect::<Vec<_>>()),
            list.iter().any(|p| p.status == "failed"),
        ),
        Err(_) => (json!([]), false),
    };
    let ready = database["status"] == "up" && migrations["status"] == "current" && !failed;
    let body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "database": database,
        "migrations": migrations,
        "projections": projections,
    });
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Prometheus metrics; projection lag is read at scrape time.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    match state.runtime.status().await {
        Ok(statuses) => state.metrics.observe_projections(&statuses),
        Err(error) => tracing::warn!(%error, "cannot read projection status for metrics"),
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
