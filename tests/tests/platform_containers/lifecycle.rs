//! The lifecycle on the simulated orchestrator, its refusals, and a crash loop.

use std::time::Duration;

use serde_json::{json, Value};

use super::{act, container, containers, done, finished, history, post, spawn, spec, world};
use crate::helpers::wait_caught_up;

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
    // A rebuild of the log deletes the history with the container too (the shadow copy keeps
    // the live tables' cascade).
    let (ok, report) =
        crate::audit::verify_cli(app.database_url(), &["projections", "platform_containers"]);
    assert!(ok, "{report}");
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
