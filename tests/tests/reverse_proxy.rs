//! The reverse proxy of VNC consoles (`tbl_reverse_proxy`): a non-K8S host registers a route to
//! its console port when it is created (K8S hosts none), keeps it while its address stays,
//! replaces it when the address changes and removes it when deleted; the HTTP client against the
//! simulator served over a socket; a rebuild equals the incremental rows.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, wait_caught_up, TestApp};

const PLANES: &str = "VDU1_APP_Plane01_IP=192.168.220.0/24;VDU1_APP_Plane02_IP=192.168.221.0/24;VDU1_APP_Plane03_IP=192.168.222.0/24";

fn host(name: &str, mec_ip: &str, vim: &str) -> Value {
    json!({
        "name": name, "lcmIp": "10.250.0.7", "lcmPort": 30204, "architecture": "X86",
        "mecHostIp": mec_ip, "vimType": vim, "networkParameter": PLANES
    })
}

async fn create_host(app: &TestApp, body: &Value) -> String {
    let reply = app
        .request(
            "POST",
            "/mec/developer/v2/mephosts",
            Some(&app.admin()),
            Some(body),
            &[],
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().expect("id").to_owned()
}

async fn routes(app: &TestApp) -> Vec<Value> {
    wait_caught_up(&app.pool).await;
    app.rows("tbl_reverse_proxy", "id").await
}

#[actix_web::test]
async fn a_host_keeps_a_route_to_its_consoles_while_its_address_stays() {
    let app = spawn_app().await;
    let admin = app.admin();
    let vm_host = create_host(&app, &host("sandbox-vnc", "10.253.0.1", "OpenStack")).await;
    create_host(&app, &host("sandbox-k8s", "10.253.0.2", "K8S")).await;
    let rows = routes(&app).await;
    assert_eq!(
        rows.len(),
        1,
        "only the OpenStack host has a route: {rows:?}"
    );
    assert_eq!(
        (
            rows[0]["id"].as_str(),
            rows[0]["dest_host_port"].as_i64(),
            rows[0]["proxy_port"].as_i64(),
            rows[0]["type"].as_i64()
        ),
        (Some(vm_host.as_str()), Some(6080), Some(30200), Some(1))
    );
    // An update that keeps the address keeps the route; a new address gets a new one.
    let mut renamed = host("sandbox-vnc-2", "10.253.0.1", "OpenStack");
    let kept = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/mephosts/{vm_host}"),
            Some(&admin),
            Some(&renamed),
            &[],
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    assert_eq!(routes(&app).await[0]["proxy_port"], 30200);
    renamed["mecHostIp"] = json!("10.253.0.9");
    let moved = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/mephosts/{vm_host}"),
            Some(&admin),
            Some(&renamed),
            &[],
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(routes(&app).await[0]["proxy_port"], 30201);
    let deleted = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/mephosts/{vm_host}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    assert!(routes(&app).await.is_empty());
}

#[actix_web::test]
async fn the_http_client_registers_and_removes_routes_over_a_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    actix_web::rt::spawn(workflows::reverse_proxy::server::server(listener).expect("server"));
    let app = spawn_app_with(|c| c.operations.reverse_proxy_url = Some(url.clone())).await;
    let id = create_host(&app, &host("sandbox-http", "10.254.0.1", "OpenStack")).await;
    let rows = routes(&app).await;
    let port = rows[0]["proxy_port"].as_i64().expect("port");
    let route = format!(
        "{url}/commonservice/cbb/v1/reverseproxies/dest-host-ip/10.254.0.1/dest-host-port/6080"
    );
    let mut answer = awc::Client::default()
        .get(&route)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status().as_u16(), 200);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(body["localPort"].as_i64(), Some(port));
    let deleted = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/mephosts/{id}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    let gone = awc::Client::default()
        .get(&route)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        gone.status().as_u16(),
        404,
        "the route is removed with its host"
    );
}

#[actix_web::test]
async fn a_rebuild_of_the_reverse_proxy_rows_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let first = create_host(&app, &host("sandbox-one", "10.253.1.1", "OpenStack")).await;
    create_host(&app, &host("sandbox-two", "10.253.1.2", "FusionSphere")).await;
    let deleted = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/mephosts/{first}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    let before = routes(&app).await;
    assert_eq!(before.len(), 1);
    app.pool
        .execute("UPDATE tbl_reverse_proxy SET proxy_port = 1", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("hosts")
        .await
        .expect("rebuild");
    assert_eq!(routes(&app).await, before);
}
