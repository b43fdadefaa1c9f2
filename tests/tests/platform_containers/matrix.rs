//! The whole lifecycle matrix over HTTP: every action from every status, with its answer and
//! the history row it leaves, against the published table (ADR 0018).

use serde_json::{json, Value};

use super::{act, containers, done, finished, history, post, spawn, spec, world};
use crate::helpers::TestApp;

const VERBS: [&str; 5] = ["start", "stop", "pause", "resume", "restart"];

/// (status, the actions it allows) as published.
const TABLE: [(&str, &[&str]); 6] = [
    ("pending", &["start", "stop"]),
    ("running", &["stop", "pause", "restart"]),
    ("paused", &["resume", "stop"]),
    ("stopped", &["start"]),
    ("failed", &["restart", "stop"]),
    ("crash_loop_back_off", &["restart", "stop"]),
];

fn failing(status: &str) -> bool {
    matches!(status, "failed" | "crash_loop_back_off")
}

fn target(verb: &str) -> &'static str {
    match verb {
        "stop" => "stopped",
        "pause" => "paused",
        _ => "running",
    }
}

async fn plan(app: &TestApp, plan: Value) {
    let set = app
        .request(
            "PUT",
            "/api/v1/simulators/orchestrator",
            Some(&app.admin()),
            Some(&plan),
            &[],
        )
        .await;
    assert_eq!(set.status, 204, "{}", set.body);
}

/// A new container (named `name`) brought to `status`.
async fn container_in(
    app: &TestApp,
    ns: i64,
    image: i64,
    volume: i64,
    name: &str,
    status: &str,
) -> i64 {
    let mut body = spec(image, volume);
    body["name"] = json!(name);
    let id = post(app, &containers(ns), body).await["id"]
        .as_i64()
        .expect("id");
    match status {
        "pending" => {}
        "running" => done(app, ns, id, "start").await,
        "paused" => {
            done(app, ns, id, "start").await;
            done(app, ns, id, "pause").await;
        }
        "stopped" => done(app, ns, id, "stop").await,
        failing => {
            let failing_plan = if failing == "failed" {
                json!({ "failPod": true })
            } else {
                json!({ "crashAfterPolls": 0 })
            };
            plan(app, failing_plan).await;
            let op = act(app, ns, id, "start").await.expect("accepted");
            assert_eq!(finished(app, &op).await["status"], "FAILED");
            // The plan stays: the pod keeps failing until the caller resets it.
        }
    }
    let rows = history(app, ns, id).await;
    assert_eq!(
        rows.last().expect("a row")["currentStatus"],
        status,
        "{name}"
    );
    id
}

#[actix_web::test]
async fn every_action_from_every_status_answers_as_the_table_says() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "matrix").await;
    let mut n = 0;
    for (status, allowed) in TABLE {
        for verb in VERBS {
            n += 1;
            let id = container_in(&app, ns, image, volume, &format!("c{n}"), status).await;
            let rows_before = history(&app, ns, id).await.len();
            match act(&app, ns, id, verb).await {
                Ok(op) if verb == "restart" && failing(status) => {
                    // The pod still fails: the restart fails and the status stays.
                    let ended = finished(&app, &op).await;
                    assert_eq!(ended["status"], "FAILED", "{verb} from {status}: {ended}");
                    assert!(
                        ended["errorMsg"]
                            .as_str()
                            .is_some_and(|m| m.contains(status)),
                        "{ended}"
                    );
                    assert_eq!(history(&app, ns, id).await.len(), rows_before);
                }
                Ok(op) => {
                    assert!(allowed.contains(&verb), "{verb} from {status} was accepted");
                    let ended = finished(&app, &op).await;
                    assert_eq!(ended["status"], "SUCCESS", "{verb} from {status}: {ended}");
                    let rows = history(&app, ns, id).await;
                    assert_eq!(rows.len(), rows_before + 1, "{verb} from {status}: one row");
                    let row = rows.last().expect("row");
                    assert_eq!(row["previousStatus"], status);
                    assert_eq!(row["currentStatus"], target(verb));
                    assert_eq!(row["triggeredBy"], "user");
                    assert_eq!(row["operationId"], json!(op));
                }
                Err((code, body)) => {
                    assert!(!allowed.contains(&verb), "{verb} from {status}: {body}");
                    assert_eq!(code, 409, "{body}");
                    let expected = if target(verb) == status && verb != "restart" {
                        "CONTAINER_ALREADY_IN_STATE"
                    } else {
                        "CONTAINER_ACTION_NOT_ALLOWED"
                    };
                    assert_eq!(body["code"], expected, "{verb} from {status}");
                    let mut params = vec![status];
                    params.extend(allowed.iter());
                    assert_eq!(body["params"], json!(params));
                    assert_eq!(history(&app, ns, id).await.len(), rows_before, "no row");
                }
            }
            if failing(status) {
                plan(&app, json!({})).await;
            }
        }
    }
}
