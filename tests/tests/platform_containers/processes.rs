//! Containers across real processes: the server talks to `edgedev sim kubernetes` over the
//! Kubernetes client, and a start killed with SIGKILL while it waits for the pod resumes after
//! a restart with one orchestrator change and one history row.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{call, fresh_database, token_for, ServerProcess, SimProcess};

async fn expect(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
    want: u16,
) -> Value {
    let body = (!body.is_null()).then_some(body);
    let reply = call(base, method, path, Some(token), body.as_ref(), &[]).await;
    assert_eq!(reply.status, want, "{method} {path}: {}", reply.body);
    reply.body
}

#[actix_web::test]
async fn a_start_resumes_after_kill_9_with_one_change_and_one_history_row() {
    let sim = SimProcess::start("kubernetes", json!({ "pendingPolls": 40 })).await;
    let database = fresh_database().await;
    let env = [
        ("DATABASE_URL", Some(database.to_string())),
        ("EDGEDEV_ORCHESTRATOR", Some("kubernetes".to_owned())),
        ("EDGEDEV_KUBERNETES_URL", Some(sim.1.clone())),
        ("EDGEDEV_OPERATION_POLL_MS", Some("50".to_owned())),
        ("EDGEDEV_CONTAINER_WATCH_MS", Some("60000".to_owned())),
    ];
    let mut server = ServerProcess::start(&env);
    let admin = token_for("admin-1", "admin", domain::Role::Admin);
    let base = server.base.clone();
    let ns = expect(
        &base,
        "POST",
        "/api/v1/namespaces",
        &admin,
        json!({ "name": "team-a" }),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("namespace");
    let image = expect(
        &base,
        "POST",
        "/api/v1/images",
        &admin,
        json!({ "name": "nginx", "tag": "1.25" }),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("image");
    let containers = format!("/api/v1/namespaces/{ns}/containers");
    let body = json!({ "name": "web", "imageId": image, "cpuLimit": "500m",
        "ports": [{ "containerPort": 80 }], "env": [{ "name": "A", "value": "1" }] });
    let id = expect(&base, "POST", &containers, &admin, body, 201).await["id"]
        .as_i64()
        .expect("container");
    let started = expect(
        &base,
        "POST",
        &format!("{containers}/{id}/actions/start"),
        &admin,
        Value::Null,
        202,
    )
    .await;
    let op = started["operationId"]
        .as_str()
        .expect("operation")
        .to_owned();
    let operation = format!("/mec/developer/v2/operations/{op}");
    let mut progress = 0;
    for _ in 0..400 {
        progress = expect(&base, "GET", &operation, &admin, Value::Null, 200).await["progress"]
            .as_i64()
            .unwrap_or(0);
        if progress >= 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        (50..100).contains(&progress),
        "killed while observing, at {progress}"
    );
    server.kill();

    let restarted = ServerProcess::start(&env);
    let base = restarted.base.clone();
    let mut finished = Value::Null;
    for _ in 0..600 {
        finished = expect(&base, "GET", &operation, &admin, Value::Null, 200).await;
        if finished["status"] != "ONGOING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(finished["status"], "SUCCESS", "{finished}");
    let shown = expect(
        &base,
        "GET",
        &format!("{containers}/{id}"),
        &admin,
        Value::Null,
        200,
    )
    .await;
    assert_eq!(shown["status"], "running", "{shown}");
    assert!(
        shown["podIp"]
            .as_str()
            .is_some_and(|ip| ip.starts_with("10.244.")),
        "{shown}"
    );
    let changes = call(
        &sim.1,
        "GET",
        "/simulator/changes/team-a/web",
        None,
        None,
        &[],
    )
    .await;
    assert_eq!(
        changes.body["changes"], 1,
        "one orchestrator change for one start"
    );
    let history = expect(
        &base,
        "GET",
        &format!("{containers}/{id}/status-history"),
        &admin,
        Value::Null,
        200,
    )
    .await;
    let running: Vec<&Value> = history["results"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["currentStatus"] == "running")
        .collect();
    assert_eq!(running.len(), 1, "{history}");
    assert_eq!(running[0]["operationId"], json!(op));

    // Stop and delete go through the client too; the Deployment is gone afterwards.
    let stop = expect(
        &base,
        "POST",
        &format!("{containers}/{id}/actions/stop"),
        &admin,
        Value::Null,
        202,
    )
    .await;
    let stop_op = format!(
        "/mec/developer/v2/operations/{}",
        stop["operationId"].as_str().expect("op")
    );
    for _ in 0..400 {
        if expect(&base, "GET", &stop_op, &admin, Value::Null, 200).await["status"] != "ONGOING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    expect(
        &base,
        "DELETE",
        &format!("{containers}/{id}"),
        &admin,
        Value::Null,
        200,
    )
    .await;
    let mut gone = false;
    for _ in 0..400 {
        let deployment = call(
            &sim.1,
            "GET",
            "/apis/apps/v1/namespaces/team-a/deployments/web",
            None,
            None,
            &[],
        )
        .await;
        if deployment.status == 404 {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(gone, "the deleted container's Deployment is removed");
}
