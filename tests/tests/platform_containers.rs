//! The container platform's containers (issue "Container platform II"): the published
//! lifecycle on the simulated orchestrator with one history row per change, the refusals of the
//! state machine with the status and its allowed actions, bad input refused with a code and no
//! event, a crash loop recorded as Kubernetes' doing by the watcher, and a rebuild equal to the
//! incremental rows.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, wait_caught_up, TestApp};

async fn spawn() -> TestApp {
    spawn_app_with(|config| {
        config.operations.poll = Duration::from_millis(20);
        config.operations.container_watch = Duration::from_millis(100);
    })
    .await
}

async fn post(app: &TestApp, path: &str, body: Value) -> Value {
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
async fn world(app: &TestApp, name: &str) -> (i64, i64, i64) {
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

fn spec(image: i64, volume: i64) -> Value {
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

fn containers(ns: i64) -> String {
    format!("/api/v1/namespaces/{ns}/containers")
}

/// Asks for `verb`; the operation's id on 202, else the error body with its status.
async fn act(app: &TestApp, ns: i64, id: i64, verb: &str) -> Result<String, (u16, Value)> {
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

async fn finished(app: &TestApp, operation: &str) -> Value {
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
async fn done(app: &TestApp, ns: i64, id: i64, verb: &str) {
    let op = act(app, ns, id, verb).await.expect("accepted");
    let finished = finished(app, &op).await;
    assert_eq!(finished["status"], "SUCCESS", "{verb}: {finished}");
}

async fn container(app: &TestApp, ns: i64, id: i64) -> Value {
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

async fn history(app: &TestApp, ns: i64, id: i64) -> Vec<Value> {
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
async fn a_container_walks_its_lifecycle_and_each_change_is_a_history_row() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "shop").await;
    let created = app
        .request(
            "POST",
            &containers(ns),
            Some(&app.tenant(1)),
            Some(&spec(image, volume)),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["status"], "pending");
    let id = created.body["id"].as_i64().expect("id");

    let shown = container(&app, ns, id).await;
    assert_eq!(shown["imageName"], "nginx");
    assert_eq!(shown["namespaceName"], "shop");
    assert_eq!(shown["ports"].as_array().map(Vec::len), Some(2));
    assert_eq!(shown["volumeMounts"][0]["volumeName"], "data");
    let token = &shown["env"][1];
    assert_eq!(token["valueFrom"], "secret");
    assert_eq!(token["sourceKey"], "token");
    assert_eq!(token["value"], Value::Null);
    let stored = app.rows("environment_variables", "id").await;
    assert!(
        !serde_json::to_string(&stored)
            .expect("json")
            .contains("s3cr3t-value"),
        "a secret's value is never resolved into a table"
    );

    done(&app, ns, id, "start").await;
    let running = container(&app, ns, id).await;
    assert_eq!(running["status"], "running", "{running}");
    assert!(running["podIp"]
        .as_str()
        .is_some_and(|ip| ip.starts_with("10.244.")));
    assert!(running["uptimeSeconds"].as_f64().is_some());

    // The already-there answer is the same for every verb whose target is the status.
    for verb in ["start", "resume"] {
        let (status, body) = act(&app, ns, id, verb).await.expect_err("refused");
        assert_eq!(status, 409);
        assert_eq!(body["code"], "CONTAINER_ALREADY_IN_STATE");
        assert_eq!(
            body["params"],
            json!(["running", "stop", "pause", "restart"])
        );
    }
    done(&app, ns, id, "pause").await;
    let (status, body) = act(&app, ns, id, "start").await.expect_err("refused");
    assert_eq!(status, 409);
    assert_eq!(body["code"], "CONTAINER_ACTION_NOT_ALLOWED");
    assert_eq!(body["params"], json!(["paused", "resume", "stop"]));
    let (_, body) = act(&app, ns, id, "pause").await.expect_err("refused");
    assert_eq!(body["code"], "CONTAINER_ALREADY_IN_STATE");
    done(&app, ns, id, "resume").await;
    done(&app, ns, id, "restart").await;
    done(&app, ns, id, "stop").await;
    let (_, body) = act(&app, ns, id, "stop").await.expect_err("refused");
    assert_eq!(body["code"], "CONTAINER_ALREADY_IN_STATE");
    assert_eq!(body["params"], json!(["stopped", "start"]));
    done(&app, ns, id, "start").await;

    let rows = history(&app, ns, id).await;
    let statuses: Vec<&str> = rows
        .iter()
        .map(|r| r["currentStatus"].as_str().expect("status"))
        .collect();
    assert_eq!(
        statuses,
        ["pending", "running", "paused", "running", "running", "stopped", "running"]
    );
    assert!(rows[1..]
        .iter()
        .all(|r| r["triggeredBy"] == "user" && r["operationId"].is_string()));
    assert_eq!(rows[4]["reason"], "Restarted by user");
    assert_eq!(rows[2]["previousStatus"], "running");

    let path = format!("{}/{id}", containers(ns));
    let refused = app
        .request("DELETE", &path, Some(&app.tenant(1)), None, &[])
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.body["code"], "CONTAINER_RUNNING");
    let deleted = app
        .request(
            "DELETE",
            &format!("{path}?force=true"),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let gone = app
        .request("GET", &path, Some(&app.tenant(1)), None, &[])
        .await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["code"], "CONTAINER_NOT_FOUND");
    wait_caught_up(&app.pool).await;
    assert!(app.rows("container_status_history", "id").await.is_empty());
    assert!(app.rows("port_mappings", "id").await.is_empty());
}

#[actix_web::test]
async fn bad_input_is_refused_with_a_code_and_writes_nothing() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "strict").await;
    let (other, other_volume, _) = {
        let ns = post(&app, "/api/v1/namespaces", json!({ "name": "other" })).await["id"]
            .as_i64()
            .expect("ns");
        let v = post(
            &app,
            &format!("/api/v1/namespaces/{ns}/volumes"),
            json!({ "name": "theirs", "type": "empty_dir" }),
        )
        .await["id"]
            .as_i64()
            .expect("volume");
        (ns, v, ())
    };
    assert_ne!(other, ns);
    let before = app.event_count().await;
    let change = |edit: &dyn Fn(&mut Value)| {
        let mut body = spec(image, volume);
        edit(&mut body);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (change(&|b| b["cpuLimit"] = json!("lots")), "cpuLimit"),
        (change(&|b| b["cpuRequest"] = json!("2")), "cpuRequest"),
        (
            change(&|b| b["memoryRequest"] = json!("1Gi")),
            "memoryRequest",
        ),
        (
            change(&|b| b["ports"][1]["protocol"] = json!("TCP")),
            "containerPort",
        ),
        (
            change(&|b| b["ports"][0]["nodePort"] = json!(8080)),
            "nodePort",
        ),
        (
            change(&|b| b["env"][1]["valueFrom"]["key"] = json!("missing")),
            "valueFrom",
        ),
        (
            change(&|b| b["env"][1]["valueFrom"]["secret"] = json!("nope")),
            "valueFrom",
        ),
        (
            change(&|b| b["volumeMounts"][0]["subPath"] = json!("a/../../etc")),
            "subPath",
        ),
        (
            change(&|b| b["volumeMounts"][0]["volumeId"] = json!(other_volume)),
            "volumeId",
        ),
        (change(&|b| b["imageId"] = json!(999_999)), "imageId"),
        (change(&|b| b["name"] = json!("Web_1")), "name"),
    ];
    for (body, param) in cases {
        let reply = app
            .request(
                "POST",
                &containers(ns),
                Some(&app.tenant(1)),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(reply.status, 400, "{param}: {}", reply.body);
        assert_eq!(
            reply.body["code"], "INVALID_FIELD",
            "{param}: {}",
            reply.body
        );
        assert_eq!(reply.body["params"], json!([param]), "{}", reply.body);
    }
    let guest = app.token("guest-1", "guest1", domain::Role::Guest);
    let forbidden = app
        .request(
            "POST",
            &containers(ns),
            Some(&guest),
            Some(&spec(image, volume)),
            &[],
        )
        .await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    let missing = app
        .request(
            "POST",
            &containers(987_654),
            Some(&app.admin()),
            Some(&spec(image, volume)),
            &[],
        )
        .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(app.event_count().await, before, "no refusal wrote an event");

    let created = post(&app, &containers(ns), spec(image, volume)).await;
    let id = created["id"].as_i64().expect("id");
    let taken = app
        .request(
            "POST",
            &containers(ns),
            Some(&app.admin()),
            Some(&spec(image, volume)),
            &[],
        )
        .await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.body["code"], "DUPLICATE_CONTAINER");
    let (status, body) = act(&app, ns, id, "jump").await.expect_err("refused");
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_FIELD"))
    );
    let (status, body) = act(&app, other, id, "start").await.expect_err("refused");
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("CONTAINER_NOT_FOUND"))
    );
    let renamed = app
        .request(
            "PUT",
            &format!("{}/{id}", containers(ns)),
            Some(&app.admin()),
            Some(&change(&|b| b["name"] = json!("api"))),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 400);
    assert_eq!(renamed.body["params"], json!(["name"]));
    let resized = app
        .request(
            "PUT",
            &format!("{}/{id}", containers(ns)),
            Some(&app.admin()),
            Some(&change(&|b| b["cpuLimit"] = json!("2"))),
            &[],
        )
        .await;
    assert_eq!(resized.status, 200, "{}", resized.body);
    assert_eq!(container(&app, ns, id).await["cpuLimit"], "2");
    let in_use = app
        .request(
            "DELETE",
            &format!("/api/v1/images/{image}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(in_use.status, 409, "{}", in_use.body);
    assert_eq!(in_use.body["code"], "PLATFORM_IMAGE_IN_USE");
}

#[actix_web::test]
async fn a_crash_loop_is_recorded_as_the_orchestrators_doing() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "crashy").await;
    let plan = app
        .request(
            "PUT",
            "/api/v1/simulators/orchestrator",
            Some(&app.admin()),
            Some(&json!({ "crashAfterPolls": 1, "pendingPolls": 2 })),
            &[],
        )
        .await;
    assert_eq!(plan.status, 204, "{}", plan.body);
    let id = post(&app, &containers(ns), spec(image, volume)).await["id"]
        .as_i64()
        .expect("id");
    done(&app, ns, id, "start").await;
    let mut status = Value::Null;
    for _ in 0..200 {
        status = container(&app, ns, id).await["status"].clone();
        if status == "crash_loop_back_off" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status, "crash_loop_back_off");
    let rows = history(&app, ns, id).await;
    let last = rows.last().expect("a change");
    assert_eq!(last["triggeredBy"], "kubernetes");
    assert_eq!(last["previousStatus"], "running");
    assert_eq!(last["reason"], "CrashLoopBackOff");
    assert_eq!(last["operationId"], Value::Null);
    let shown = container(&app, ns, id).await;
    assert!(
        shown["restartCount"].as_i64().is_some_and(|n| n >= 1),
        "{shown}"
    );
    // The crash loop allows restart and stop only.
    let (_, body) = act(&app, ns, id, "pause").await.expect_err("refused");
    assert_eq!(
        body["params"],
        json!(["crash_loop_back_off", "restart", "stop"])
    );
    // A restart into a pod that crash-loops at once fails its operation and says why.
    let plan = app
        .request(
            "PUT",
            "/api/v1/simulators/orchestrator",
            Some(&app.admin()),
            Some(&json!({ "crashAfterPolls": 0 })),
            &[],
        )
        .await;
    assert_eq!(plan.status, 204, "{}", plan.body);
    let op = act(&app, ns, id, "restart").await.expect("accepted");
    let failed = finished(&app, &op).await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert!(
        failed["errorMsg"]
            .as_str()
            .is_some_and(|m| m.contains("crash_loop_back_off")),
        "{failed}"
    );
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
