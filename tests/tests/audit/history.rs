//! An application's history through create, configure, update, launch and clean: every event
//! with its envelope, the diffs that rebuild the state, states as of a version and a time, the
//! correlation of a launch across aggregates, and who may read what.

use std::time::Duration;

use domain::Role;
use serde_json::{json, Value};

use crate::helpers::call;
use crate::operations::{
    configured_vm, expect, fast_app, finished, host_body, launch, post_host, refused, PASSWORD,
};

const APPS: &str = "/mec/developer/v2/applications";

fn audit(kind: &str, id: &str, rest: &str) -> String {
    format!("/api/v1/audit/{kind}/{id}{rest}")
}

/// Applies every event's patch to `null`: the state after the last event.
fn replay(events: &[Value]) -> Value {
    let mut state = Value::Null;
    for event in events {
        let patch: json_patch::Patch =
            serde_json::from_value(event["diff"].clone()).expect("an RFC 6902 patch");
        json_patch::patch(&mut state, &patch).expect("the patch applies");
    }
    state
}

#[actix_web::test]
async fn an_applications_history_rebuilds_its_states_and_answers_as_of_any_moment() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    let base = app.base.as_str();
    let host = post_host(
        base,
        &admin,
        host_body("audit-host", "10.9.0.1", 30204, "10.9.0.2"),
    )
    .await;
    let host_id = host["id"].as_str().expect("host id").to_owned();
    let (app_id, vm_id) = configured_vm(base, &tenant, "audit-app", &host_id).await;
    let path = format!("{APPS}/{app_id}");
    let before = expect(base, "GET", &path, &tenant, None, 200).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let between = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut changed = before.clone();
    changed["description"] = json!("described again");
    let after = expect(base, "PUT", &path, &tenant, Some(&changed), 200).await;
    assert_eq!(after["description"], "described again");

    let started = launch(base, &tenant, &app_id, &vm_id).await;
    let launch_op = started["operationId"].as_str().expect("op").to_owned();
    assert_eq!(
        finished(base, &tenant, &launch_op).await["status"],
        "SUCCESS"
    );
    let cleaning = expect(
        base,
        "POST",
        &format!("{path}/action/clean-env"),
        &tenant,
        None,
        200,
    )
    .await;
    let clean_op = cleaning["operationId"].as_str().expect("op");
    assert_eq!(finished(base, &tenant, clean_op).await["status"], "SUCCESS");

    // The history: every event in order, with its envelope and the patch it caused.
    let history = expect(
        base,
        "GET",
        &audit("application", &app_id, "/history?diff=true"),
        &tenant,
        None,
        200,
    )
    .await;
    let events = history["events"].as_array().expect("events").clone();
    let sequences: Vec<i64> = events
        .iter()
        .map(|e| e["sequence"].as_i64().expect("seq"))
        .collect();
    assert_eq!(sequences, (1..=events.len() as i64).collect::<Vec<_>>());
    assert_eq!(history["version"], json!(events.len()));
    assert_eq!(history["createdBy"], "tenant-1");
    assert_eq!(events[0]["eventType"], "ApplicationCreated");
    for event in &events {
        assert_eq!(event["userId"], "tenant-1", "{event}");
        for key in [
            "requestId",
            "correlationId",
            "causationId",
            "eventId",
            "recordedAt",
        ] {
            assert!(event[key].is_string(), "{key} of {event}");
        }
    }
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(|e| e["eventType"].as_str())
        .collect();
    for kind in ["NetworkCreated", "VmCreated", "ApplicationUpdated"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    // Clean-env is an operation on the application: its steps carry the operation's id.
    assert!(
        events.iter().any(|e| e["operationId"] == clean_op),
        "clean-env's events in {kinds:?}"
    );
    let update = events
        .iter()
        .find(|e| e["eventType"] == "ApplicationUpdated")
        .expect("the update");
    let update_ops = update["diff"].as_array().expect("diff");
    assert!(
        update_ops.iter().any(|op| op["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("/description"))
            && op["value"] == "described again"),
        "{update_ops:?}"
    );

    // The patches rebuild the state the aggregate has now.
    let now = expect(
        base,
        "GET",
        &audit("application", &app_id, ""),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(now["version"], history["version"]);
    assert_eq!(replay(&events), now["state"]);
    // The VM's password is sealed in the log and hidden from the history.
    let text = history.to_string();
    assert!(
        !text.contains(PASSWORD) && !text.contains("enc:v1:"),
        "a secret shows"
    );
    assert!(
        text.contains("[sealed]"),
        "the password field is shown as sealed"
    );

    // As of a version and a time: the state the API answered with at that moment.
    let update_version = update["sequence"].as_i64().expect("seq");
    let described = |state: &Value| state["state"]["state"]["fields"]["description"].clone();
    let at_version = |v: i64| audit("application", &app_id, &format!("?asOf={v}"));
    let old = expect(
        base,
        "GET",
        &at_version(update_version - 1),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(described(&old), before["description"]);
    assert_eq!(old["version"], json!(update_version - 1));
    let new = expect(base, "GET", &at_version(update_version), &tenant, None, 200).await;
    assert_eq!(described(&new), after["description"]);
    let at_time = audit(
        "application",
        &app_id,
        &format!(
            "?asOf={}",
            between.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        ),
    );
    let then = expect(base, "GET", &at_time, &tenant, None, 200).await;
    assert_eq!(then["version"], json!(update_version - 1));
    assert_eq!(then["state"], old["state"]);
    assert_eq!(
        then["state"]["state"]["status"], "CONFIGURED",
        "{}",
        then["state"]
    );

    // The launch's correlation: the request's events and its operation's steps, across
    // aggregates.
    let vm_history = expect(
        base,
        "GET",
        &audit("vm", &vm_id, "/history"),
        &tenant,
        None,
        200,
    )
    .await;
    let requested = vm_history["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| {
            e["operationId"] == launch_op.as_str() && e["correlationId"] != launch_op.as_str()
        })
        .expect("the launch request's event");
    let correlation = requested["correlationId"].as_str().expect("correlation");
    let correlated = expect(
        base,
        "GET",
        &format!("/api/v1/audit/events?correlationId={correlation}&limit=500"),
        &admin,
        None,
        200,
    )
    .await;
    let correlated = correlated["events"].as_array().expect("events");
    assert!(correlated.iter().any(|e| e["correlationId"] == correlation));
    assert!(correlated
        .iter()
        .any(|e| e["correlationId"] == launch_op.as_str()));
    assert!(correlated
        .iter()
        .all(|e| e["correlationId"] == correlation || e["operationId"] == launch_op.as_str()));
    let positions: Vec<i64> = correlated
        .iter()
        .map(|e| e["globalPosition"].as_i64().expect("pos"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in log order");

    // Who may read: the creator and admins; not another tenant, not a guest.
    let history_path = audit("application", &app_id, "/history");
    expect(base, "GET", &history_path, &admin, None, 200).await;
    refused(
        base,
        "GET",
        &history_path,
        &app.tenant(2),
        None,
        403,
        "FORBIDDEN",
    )
    .await;
    let guest = app.token("guest-1", "guest", Role::Guest);
    refused(base, "GET", &history_path, &guest, None, 403, "FORBIDDEN").await;
    let mine = expect(
        base,
        "GET",
        "/api/v1/audit/events?userId=tenant-1",
        &app.tenant(2),
        None,
        200,
    )
    .await;
    assert_eq!(
        mine["events"],
        json!([]),
        "a tenant sees only what they created"
    );
    let own = expect(
        base,
        "GET",
        "/api/v1/audit/events?aggregateType=application",
        &tenant,
        None,
        200,
    )
    .await;
    assert!(own["events"]
        .as_array()
        .expect("events")
        .iter()
        .all(|e| e["aggregateId"] == app_id.as_str()));
    assert_eq!(own["events"].as_array().map(Vec::len), Some(events.len()));

    // Bad questions.
    refused(
        base,
        "GET",
        &audit("application", "no-such-app", "/history"),
        &admin,
        None,
        404,
        "AGGREGATE_NOT_FOUND",
    )
    .await;
    refused(
        base,
        "GET",
        &audit("no_such_type", &app_id, ""),
        &admin,
        None,
        404,
        "AGGREGATE_NOT_FOUND",
    )
    .await;
    refused(
        base,
        "GET",
        &at_version(0),
        &tenant,
        None,
        404,
        "NO_STATE_YET",
    )
    .await;
    refused(
        base,
        "GET",
        &audit("application", &app_id, "?asOf=yesterday"),
        &tenant,
        None,
        400,
        "INVALID_QUERY",
    )
    .await;
    refused(
        base,
        "GET",
        &format!("{history_path}?limit=0"),
        &tenant,
        None,
        400,
        "INVALID_QUERY",
    )
    .await;
    let reply = call(
        base,
        "GET",
        "/api/v1/audit/events?from=noon",
        Some(&admin),
        None,
        &[],
    )
    .await;
    assert_eq!(
        (reply.status, reply.body["params"].clone()),
        (400, json!(["from"]))
    );

    // Paging: two at a time, the same events.
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = expect(
            base,
            "GET",
            &format!("{history_path}?limit=2&after={after}"),
            &tenant,
            None,
            200,
        )
        .await;
        paged.extend(
            page["events"]
                .as_array()
                .expect("events")
                .iter()
                .map(|e| e["eventId"].clone()),
        );
        match page["next"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    let all: Vec<Value> = events.iter().map(|e| e["eventId"].clone()).collect();
    assert_eq!(paged, all);
}
