//! A test task across real processes: the server talks to `edgedev sim test-platform` over the
//! HTTP client, and an operation killed with SIGKILL while it polls resumes after a restart,
//! recording each status once.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    app_body, call, fresh_database, token_for, vm_image_for, ServerProcess, SimProcess, FLAVOR,
};

async fn expect(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
    want: u16,
) -> Value {
    let reply = call(base, method, path, Some(token), body.as_ref(), &[]).await;
    assert_eq!(reply.status, want, "{method} {path}: {}", reply.body);
    reply.body
}

#[actix_web::test]
async fn a_polled_test_resumes_after_kill_9_and_records_each_status_once() {
    let sim = SimProcess::start("test-platform", json!({ "pendingPolls": 60 })).await;
    let database = fresh_database().await;
    let env = [
        ("DATABASE_URL", Some(database.to_string())),
        ("EDGEDEV_TEST_PLATFORM_URL", Some(sim.1.clone())),
        ("EDGEDEV_OPERATION_POLL_MS", Some("50".to_owned())),
    ];
    let mut server = ServerProcess::start(&env);
    let tenant = token_for("tenant-1", "tenant", domain::Role::Tenant);
    let base = server.base.clone();
    let mut body = app_body("resumed-test");
    body["appClass"] = json!("VM");
    let app_id = expect(
        &base,
        "POST",
        "/mec/developer/v2/applications",
        &tenant,
        Some(body),
        201,
    )
    .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let image = vm_image_for(&base, &tenant).await;
    let vm = json!({"name": "vm-1", "flavorId": FLAVOR, "imageId": image,
        "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}]});
    let application = format!("/mec/developer/v2/applications/{app_id}");
    expect(
        &base,
        "POST",
        &format!("{application}/vms"),
        &tenant,
        Some(vm),
        200,
    )
    .await;
    let package = expect(
        &base,
        "POST",
        &format!("{application}/action/generate-package"),
        &tenant,
        None,
        200,
    )
    .await["id"]
        .as_str()
        .expect("package")
        .to_owned();
    expect(
        &base,
        "POST",
        &format!("/mec/developer/v2/apppackages/{package}/action/zip-package"),
        &tenant,
        None,
        200,
    )
    .await;
    let task = expect(
        &base,
        "POST",
        &format!("{application}/action/atp-tests"),
        &tenant,
        None,
        200,
    )
    .await;
    let operation = format!(
        "/mec/developer/v2/operations/{}",
        task["operationId"].as_str().expect("op")
    );
    let mut log = String::new();
    for _ in 0..400 {
        let op = expect(&base, "GET", &operation, &tenant, None, 200).await;
        log = op["actionStatusList"][0]["statusLog"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if log.contains("test task running") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        log.contains("test task running"),
        "killed while polling: {log}"
    );
    server.kill();

    let restarted = ServerProcess::start(&env);
    let base = restarted.base.clone();
    let mut finished = Value::Null;
    for _ in 0..600 {
        finished = expect(&base, "GET", &operation, &tenant, None, 200).await;
        if finished["status"] != "ONGOING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(finished["status"], "SUCCESS", "{finished}");
    let pool = db::Pool::connect(&database.to_string(), 2)
        .await
        .expect("connect");
    let rows = pool
        .query(
            "SELECT event_type, payload::text FROM events WHERE aggregate_id = $1 \
             AND event_type IN ('TestTaskCreated', 'TestTaskStatusChanged') ORDER BY global_position",
            &[&app_id],
        )
        .await
        .expect("events");
    let recorded: Vec<String> = rows
        .iter()
        .map(|r| {
            let payload: Value = serde_json::from_str(&r.get::<_, String>(1)).expect("json");
            format!(
                "{} {}",
                r.get::<_, String>(0),
                payload["status"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        recorded,
        vec![
            "TestTaskCreated ",
            "TestTaskStatusChanged waiting",
            "TestTaskStatusChanged running",
            "TestTaskStatusChanged success"
        ],
        "one task, each status once"
    );
    let listed = expect(
        &base,
        "GET",
        &format!("{application}/action/atp-tests"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(listed[0]["status"], json!("success"));
}
