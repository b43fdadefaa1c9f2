//! `edgedev sim kubernetes --bind ADDR`: the simulated orchestrator served over HTTP on the
//! Kubernetes API's paths (Deployments by server-side apply, pods by label selector, the metrics
//! API), so [`super::kubernetes::KubernetesClient`] is exercised over a real socket.
//! `PUT /simulator/plan` sets its [`OrchestratorPlan`]; `GET /simulator/changes/{ns}/{name}`
//! counts the applies that changed a Deployment.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use domain::ports::OrchestratorError;
use serde_json::{json, Value};

use super::manifest::{deployment_state, pod_object, CONTAINER_LABEL, RESTARTED_AT};
use super::simulator::{OrchestratorPlan, SimulatedOrchestrator};

struct Sim {
    orchestrator: SimulatedOrchestrator,
    /// Pod creation order, for `creationTimestamp`.
    created: AtomicU64,
}

type Data = web::Data<Arc<Sim>>;

fn status(code: u16, message: &str) -> HttpResponse {
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(code)
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
    )
    .json(
        json!({ "kind": "Status", "apiVersion": "v1", "status": "Failure",
        "message": message, "code": code }),
    )
}

fn failure(error: OrchestratorError) -> HttpResponse {
    match error {
        OrchestratorError::Rejected { status: code, body } => status(code, &body),
        other => status(500, &other.to_string()),
    }
}

/// Serves the simulator on `bind` until the process stops.
pub async fn serve(bind: &str) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    let data = web::Data::new(Arc::new(Sim {
        orchestrator: SimulatedOrchestrator::default(),
        created: AtomicU64::new(0),
    }));
    println!("simulated Kubernetes listening on http://{addr}");
    HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/simulator/plan", web::put().to(set_plan))
            .route("/simulator/changes/{ns}/{name}", web::get().to(changes))
            .service(
                web::resource("/apis/apps/v1/namespaces/{ns}/deployments/{name}")
                    .route(web::patch().to(apply))
                    .route(web::get().to(get_deployment))
                    .route(web::delete().to(delete_deployment)),
            )
            .route("/api/v1/namespaces/{ns}/pods", web::get().to(pods))
            .route(
                "/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods",
                web::get().to(metrics),
            )
    })
    .workers(1)
    .listen(listener)?
    .run()
    .await
}

async fn set_plan(sim: Data, plan: web::Json<OrchestratorPlan>) -> HttpResponse {
    sim.orchestrator.set_plan(plan.into_inner());
    HttpResponse::NoContent().finish()
}

async fn changes(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "changes": sim.orchestrator.changes(&path.0, &path.1) }))
}

fn deployment_object(ns: &str, name: &str, state: (u32, bool, Option<String>)) -> Value {
    let (replicas, paused, stamp) = state;
    let mut annotations = json!({});
    if let Some(stamp) = stamp {
        annotations[RESTARTED_AT] = json!(stamp);
    }
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": { "name": name, "namespace": ns },
        "spec": { "replicas": replicas, "paused": paused,
                  "template": { "metadata": { "annotations": annotations } } },
    })
}

async fn apply(sim: Data, path: web::Path<(String, String)>, body: web::Bytes) -> HttpResponse {
    if let Err(e) = sim.orchestrator.enter("apply").await {
        return failure(e);
    }
    let Ok(object) = serde_json::from_slice::<Value>(&body) else {
        return status(400, "the body is not a JSON (YAML) object");
    };
    let (ns, name) = (&path.0, &path.1);
    let (replicas, paused, stamp, image) = deployment_state(&object);
    if image.is_empty() || object["metadata"]["name"].as_str() != Some(name.as_str()) {
        return status(422, "a Deployment needs its name and a container image");
    }
    sim.orchestrator
        .apply_raw(ns, name, &image, replicas, paused, stamp.clone());
    HttpResponse::Ok().json(deployment_object(ns, name, (replicas, paused, stamp)))
}

async fn get_deployment(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    if let Err(e) = sim.orchestrator.enter("observe").await {
        return failure(e);
    }
    match sim.orchestrator.deployment_raw(&path.0, &path.1) {
        Some(state) => HttpResponse::Ok().json(deployment_object(&path.0, &path.1, state)),
        None => status(404, "deployments.apps not found"),
    }
}

async fn delete_deployment(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    if let Err(e) = sim.orchestrator.enter("remove").await {
        return failure(e);
    }
    if sim.orchestrator.remove_raw(&path.0, &path.1) {
        HttpResponse::Ok().json(json!({ "kind": "Status", "status": "Success" }))
    } else {
        status(404, "deployments.apps not found")
    }
}

/// The container a `labelSelector=edgedev.io/container=NAME` query selects.
fn selected(query: &HashMap<String, String>) -> Option<String> {
    query
        .get("labelSelector")?
        .strip_prefix(&format!("{CONTAINER_LABEL}="))
        .map(str::to_owned)
}

async fn pods(
    sim: Data,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let Some(name) = selected(&query) else {
        return status(400, "labelSelector must select edgedev.io/container");
    };
    let report = sim.orchestrator.observe_raw(&path, &name);
    let items: Vec<Value> = report
        .pod
        .iter()
        .map(|pod| {
            let created = sim.created.fetch_add(1, Ordering::Relaxed);
            pod_object(&path, pod, created)
        })
        .collect();
    HttpResponse::Ok().json(json!({ "kind": "PodList", "items": items }))
}

async fn metrics(
    sim: Data,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    if let Err(e) = sim.orchestrator.enter("usage").await {
        return failure(e);
    }
    let Some(name) = selected(&query) else {
        return status(400, "labelSelector must select edgedev.io/container");
    };
    let items: Vec<Value> = sim
        .orchestrator
        .usage_raw(&path, &name)
        .into_iter()
        .map(|usage| {
            json!({ "containers": [{ "name": name, "usage": {
                "cpu": format!("{}m", (usage.cpu_cores * 1000.0).round() as i64),
                "memory": usage.memory_bytes.to_string(),
            } }] })
        })
        .collect();
    HttpResponse::Ok().json(json!({ "kind": "PodMetricsList", "items": items }))
}
