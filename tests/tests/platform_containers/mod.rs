//! The container platform's containers (issue "Container platform II"): the published
//! lifecycle on the simulated orchestrator with one history row per change, the refusals of the
//! state machine with the status and its allowed actions, bad input refused with a code and no
//! event, a crash loop recorded as Kubernetes' doing by the watcher, and a rebuild equal to the
//! incremental rows.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, wait_caught_up, TestApp};

mod lifecycle;
mod matrix;
mod processes;
mod refusals;
mod security;
mod summary;
mod usage;

pub(super) async fn spawn() -> TestApp {
    spawn_app_with(|config| {
        config.operations.poll = Duration::from_millis(20);
        config.operations.container_watch = Duration::from_millis(100);
        config.summary_refresh = Duration::from_millis(100);
    })
    .await
}

pub(super) async fn post(app: &TestApp, path: &str, body: Value) -> Value {
    let reply = app
        .request("POST", path, Some(&app.admin()), Some(&body), &[])
        .await;
    if reply.status != 201 {
        let projections = app
            .request("GET", "/api/v1/projections", Some(&app.admin()), None, &[])
            .await;
        let failed: Vec<&Value> = projections.body.as_array().map_or(Vec::new(), |all| {
            all.iter().filter(|p| p["status"] == "failed").collect()
        });
        panic!(
            "{path}: {} {} (failed projections: {failed:?})",
            reply.status, reply.body
        );
    }
    reply.body
}

/// A namespace with a config map, a secret, a volume and an image: (namespace, volume, image).
pub(super) async fn world(app: &TestApp, name: &str) -> (i64, i64, i64) {
    let ns = post(app, "/api/v1/namespaces", json!({ "name": name })).await["id"]
        .as_i64()
        .expect("namespace");
    post(
        app,
        &format!("/api/v1/namespaces/{ns}/configmaps"),
        json!({ "name": "settings", "data": { "mode": "fast" } }),
    )
    .await;
    post(
        app,
        &format!("/api/v1/namespaces/{ns}/secrets"),
        json!({ "name": "api", "data": { "token": "s3cr3t-value" } }),
    )
    .await;
    let volume = post(
        app,
        &format!("/api/v1/namespaces/{ns}/volumes"),
        json!({ "name": "data", "type": "empty_dir" }),
    )
    .await["id"]
        .as_i64()
        .expect("volume");
    let image = match app
        .request(
            "POST",
            "/api/v1/images",
            Some(&app.admin()),
            Some(&json!({ "name": "nginx", "tag": "1.25" })),
            &[],
        )
        .await
    {
        reply if reply.status == 201 => reply.body["id"].as_i64().expect("image"),
        reply => panic!("{}", reply.body),
    };
    (ns, volume, image)
}

pub(super) fn spec(image: i64, volume: i64) -> Value {
    json!({
        "name": "web",
        "imageId": image,
        "cpuRequest": "250m", "cpuLimit": "1",
        "memoryRequest": "64Mi", "memoryLimit": "128Mi",
        "ports": [{ "name": "http", "containerPort": 8080, "nodePort": 30080 },
                  { "containerPort": 8080, "protocol": "UDP" }],
        "env": [{ "name": "MODE", "valueFrom": { "configMap": "settings", "key": "mode" } },
                { "name": "TOKEN", "valueFrom": { "secret": "api", "key": "token" } },
                { "name": "GREETING", "value": "hello" }],
        "volumeMounts": [{ "volumeId": volume, "mountPath": "/data", "subPath": "web" }]
    })
}

pub(super) fn containers(ns: i64) -> String {
    format!("/api/v1/namespaces/{ns}/containers")
}

/// Asks for `verb`; the operation's id on 202, else the error body with its status.
pub(super) async fn act(
    app: &TestApp,
    ns: i64,
    id: i64,
    verb: &str,
) -> Result<String, (u16, Value)> {
    let reply = app
        .request(
            "POST",
            &format!("{}/{id}/actions/{verb}", containers(ns)),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    match reply.status {
        202 => Ok(reply.body["operationId"]
            .as_str()
            .expect("operation id")
            .to_owned()),
        status => Err((status, reply.body)),
    }
}

pub(super) async fn finished(app: &TestApp, operation: &str) -> Value {
    for _ in 0..500 {
        let op = app
            .request(
                "GET",
                &format!("/mec/developer/v2/operations/{operation}"),
                Some(&app.tenant(1)),
                None,
                &[],
            )
            .await;
        if op.status == 200 && op.body["status"] != "ONGOING" {
            return op.body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("operation {operation} did not finish");
}

/// Carries out `verb` and expects it to succeed.
pub(super) async fn done(app: &TestApp, ns: i64, id: i64, verb: &str) {
    let op = act(app, ns, id, verb).await.expect("accepted");
    let finished = finished(app, &op).await;
    assert_eq!(finished["status"], "SUCCESS", "{verb}: {finished}");
}

pub(super) async fn container(app: &TestApp, ns: i64, id: i64) -> Value {
    wait_caught_up(&app.pool).await;
    let reply = app
        .request(
            "GET",
            &format!("{}/{id}", containers(ns)),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

pub(super) async fn history(app: &TestApp, ns: i64, id: i64) -> Vec<Value> {
    wait_caught_up(&app.pool).await;
    let reply = app
        .request(
            "GET",
            &format!("{}/{id}/status-history", containers(ns)),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["results"].as_array().expect("results").clone()
}

#[actix_web::test]
async fn a_rebuild_of_the_containers_equals_the_incremental_rows() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "rebuilt").await;
    let id = post(&app, &containers(ns), spec(image, volume)).await["id"]
        .as_i64()
        .expect("id");
    let mut second = spec(image, volume);
    second["name"] = json!("worker");
    second["env"] = json!([{ "name": "A", "value": "1" }]);
    let other = post(&app, &containers(ns), second.clone()).await["id"]
        .as_i64()
        .expect("id");
    done(&app, ns, id, "start").await;
    second["ports"] = json!([{ "containerPort": 9000 }]);
    let updated = app
        .request(
            "PUT",
            &format!("{}/{other}", containers(ns)),
            Some(&app.admin()),
            Some(&second),
            &[],
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    wait_caught_up(&app.pool).await;
    let tables = [
        "containers",
        "port_mappings",
        "environment_variables",
        "container_volumes",
        "container_status_history",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.rows(table, "id").await);
    }
    assert_eq!(before[1].len(), 3, "two ports of one, one of the other");
    app.pool
        .execute("UPDATE containers SET status = 'failed'", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("platform_containers")
        .await
        .expect("rebuild");
    for (table, rows) in tables.iter().zip(before) {
        assert_eq!(app.rows(table, "id").await, rows, "{table}");
    }
}
