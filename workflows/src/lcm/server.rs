//! `edgedev sim lcm --bind ADDR`: the simulated controller served over HTTP on the real API's paths
//! (LCM, resource controller, image file server), so the HTTP client is exercised over a real
//! socket. `PUT /simulator/plan` sets its [`SimPlan`].

use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use domain::ports::{HostRegistration, InstantiateRequest, Lcm, LcmEndpoint, LcmError};
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::simulator::{SimPlan, SimulatedLcm};

struct Sim {
    lcm: Arc<SimulatedLcm>,
    /// The endpoint every call is made "at": one controller, one plan.
    at: LcmEndpoint,
}

type Data = web::Data<Sim>;

fn answer<T>(result: Result<T, LcmError>, ok: impl FnOnce(T) -> Value) -> HttpResponse {
    match result {
        Ok(value) => HttpResponse::Ok().json(ok(value)),
        Err(LcmError::Rejected { status, body }) => HttpResponse::build(
            actix_web::http::StatusCode::from_u16(status)
                .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
        )
        .json(json!({ "message": body })),
        Err(other) => {
            HttpResponse::InternalServerError().json(json!({ "message": other.to_string() }))
        }
    }
}

/// Serves the simulator on `bind` until the process stops.
pub async fn serve(bind: &str) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    let lcm = Arc::new(SimulatedLcm::new(&format!("http://{addr}")));
    let data = web::Data::new(Sim {
        lcm,
        at: LcmEndpoint {
            protocol: "http".into(),
            ip: "*".into(),
            port: addr.port(),
        },
    });
    println!("simulated LCM listening on http://{addr}");
    HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::default().limit(64 * 1024 * 1024))
            .route("/simulator/plan", web::put().to(set_plan))
            .route("/lcmcontroller/v1/health", web::get().to(health))
            .route(
                "/lcmcontroller/v1/tenants/{t}/hosts",
                web::post().to(register),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/configuration",
                web::post().to(upload_config),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/packages",
                web::post().to(upload),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/packages/{p}",
                web::post().to(distribute),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/packages/{p}",
                web::get().to(distribution),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/packages/{p}",
                web::delete().to(delete_package),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/packages/{p}/hosts/{ip}",
                web::delete().to(delete_package_on_host),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/app_instances/{id}/instantiate",
                web::post().to(instantiate),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/app_instances/{id}",
                web::get().to(workload),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/app_instances/{id}/workload/events",
                web::get().to(workload_events),
            )
            .route(
                "/lcmcontroller/v2/tenants/{t}/app_instances/{id}/terminate",
                web::post().to(terminate),
            )
            .route(
                "/rescontroller/v1/tenants/{t}/hosts/{ip}/servers/{vm}",
                web::post().to(server_action),
            )
            .route(
                "/rescontroller/v1/tenants/{t}/hosts/{ip}/images/{id}",
                web::get().to(image),
            )
            .route(
                "/rescontroller/v1/tenants/{t}/hosts/{ip}/images/{id}",
                web::delete().to(delete_image),
            )
            .route(
                "/image-management/v1/images/{id}",
                web::get().to(image_file),
            )
    })
    .workers(1)
    .listen(listener)?
    .run()
    .await
}

async fn set_plan(sim: Data, plan: web::Json<SimPlan>) -> HttpResponse {
    sim.lcm.set_plan("*", plan.into_inner());
    HttpResponse::NoContent().finish()
}

async fn health(sim: Data) -> HttpResponse {
    answer(sim.lcm.health(&sim.at).await, |_| json!({"status": "ok"}))
}

async fn register(
    sim: Data,
    path: web::Path<String>,
    body: web::Json<HostRegistration>,
) -> HttpResponse {
    answer(sim.lcm.register_host(&sim.at, &path, &body).await, |_| {
        json!({})
    })
}

async fn upload_config(
    sim: Data,
    path: web::Path<String>,
    mut form: actix_multipart::Multipart,
) -> HttpResponse {
    let (mut config, mut host_ip) = (None, None);
    while let Some(Ok(mut field)) = form.next().await {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_owned))
            .unwrap_or_else(|| "config".into());
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "configFile" => config = Some((file_name, bytes)),
            "hostIp" => host_ip = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    let (Some((file_name, bytes)), Some(host_ip)) = (config, host_ip) else {
        return HttpResponse::BadRequest()
            .json(json!({"message": "multipart fields 'configFile' and 'hostIp' are required"}));
    };
    answer(
        sim.lcm
            .upload_config(&sim.at, &path, &host_ip, &file_name, bytes)
            .await,
        |_| json!({}),
    )
}

async fn upload(
    sim: Data,
    path: web::Path<String>,
    mut form: actix_multipart::Multipart,
) -> HttpResponse {
    let mut package = None;
    while let Some(Ok(mut field)) = form.next().await {
        let is_package = field.name() == Some("package");
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_owned))
            .unwrap_or_else(|| "package.csar".into());
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            bytes.extend_from_slice(&chunk);
        }
        if is_package {
            package = Some((file_name, bytes));
        }
    }
    let Some((file_name, bytes)) = package else {
        return HttpResponse::BadRequest()
            .json(json!({"message": "multipart field 'package' is required"}));
    };
    answer(
        sim.lcm
            .upload_package(&sim.at, &path, &file_name, bytes)
            .await,
        |p| json!({"appId": p.app_id, "packageId": p.package_id}),
    )
}

async fn distribute(
    sim: Data,
    path: web::Path<(String, String)>,
    body: web::Json<Value>,
) -> HttpResponse {
    let (tenant, package) = path.into_inner();
    let hosts: Vec<String> = body
        .get("hostIp")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|h| h.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for host in &hosts {
        if let Err(e) = sim.lcm.distribute(&sim.at, &tenant, &package, host).await {
            return answer::<()>(Err(e), |_| Value::Null);
        }
    }
    HttpResponse::Ok().json(json!({}))
}

async fn distribution(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    let (tenant, package) = path.into_inner();
    let mut hosts = Vec::new();
    let mut app_name = String::new();
    for host in sim.lcm.distributed_hosts(&package) {
        match sim
            .lcm
            .distribution(&sim.at, &tenant, &package, &host)
            .await
        {
            Ok(d) => {
                app_name = d.app_name;
                hosts.push(json!({"hostIp": host, "status": d.status, "error": d.error.unwrap_or_default()}));
            }
            Err(e) => return answer::<()>(Err(e), |_| Value::Null),
        }
    }
    HttpResponse::Ok()
        .json(json!([{ "appPkgName": app_name, "packageId": package, "mecHostInfo": hosts }]))
}

async fn delete_package(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    let (tenant, package) = path.into_inner();
    answer(
        sim.lcm.delete_package(&sim.at, &tenant, &package, "").await,
        |_| json!({}),
    )
}

async fn delete_package_on_host(_sim: Data) -> HttpResponse {
    HttpResponse::Ok().json(json!({}))
}

async fn instantiate(
    sim: Data,
    path: web::Path<(String, String)>,
    body: web::Json<InstantiateRequest>,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    answer(
        sim.lcm.instantiate(&sim.at, &tenant, &id, &body).await,
        |_| json!({}),
    )
}

async fn workload(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    answer(sim.lcm.workload(&sim.at, &tenant, &id).await, |w| {
        json!({"code": 200, "msg": w.msg, "status": w.status, "data": w.vms,
                   "pods": w.pods, "services": w.services})
    })
}

async fn workload_events(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    answer(
        sim.lcm.workload_events(&sim.at, &tenant, &id).await,
        |pods| json!({"pods": pods}),
    )
}

async fn terminate(sim: Data, path: web::Path<(String, String)>) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    answer(
        sim.lcm.terminate(&sim.at, &tenant, &id).await,
        |_| json!({}),
    )
}

async fn server_action(
    sim: Data,
    path: web::Path<(String, String, String)>,
    body: web::Json<Value>,
) -> HttpResponse {
    let (tenant, host, vm) = path.into_inner();
    let name = body
        .pointer("/createImage/name")
        .and_then(Value::as_str)
        .unwrap_or("image")
        .to_owned();
    match body.get("action").and_then(Value::as_str) {
        Some("createImage") => {}
        Some("createConsole") => {
            return answer(
                sim.lcm.create_console(&sim.at, &tenant, &host, &vm).await,
                |url| json!({ "data": { "console": { "type": "novnc", "url": url } } }),
            )
        }
        _ => {
            return HttpResponse::BadRequest()
                .json(json!({"message": "only createImage and createConsole are simulated"}))
        }
    }
    answer(
        sim.lcm
            .create_image(&sim.at, &tenant, &host, &vm, &name)
            .await,
        |id| json!({ "data": id }),
    )
}

async fn image(sim: Data, path: web::Path<(String, String, String)>) -> HttpResponse {
    let (tenant, host, id) = path.into_inner();
    answer(sim.lcm.image(&sim.at, &tenant, &host, &id).await, |i| {
        serde_json::to_value(i).unwrap_or_default()
    })
}

async fn delete_image(sim: Data, path: web::Path<(String, String, String)>) -> HttpResponse {
    let (tenant, host, id) = path.into_inner();
    answer(
        sim.lcm.delete_image(&sim.at, &tenant, &host, &id).await,
        |_| json!({}),
    )
}

async fn image_file(sim: Data, req: actix_web::HttpRequest) -> HttpResponse {
    let url = format!("http://sim{}", req.path());
    answer(sim.lcm.check_image_file(&url).await, |c| {
        json!({
            "imageId": req.match_info().get("id"),
            "checkStatusResponse": {
                "status": c.status, "msg": c.msg,
                "checkInfo": {"checksum": c.checksum.unwrap_or_default(),
                    "imageInfo": {"format": c.format, "virtual_size": c.size, "filename": c.file_name}}
            }
        })
    })
}
