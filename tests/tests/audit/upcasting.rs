//! Upcasting: plugin downloads and ratings stored at version 1 (`at`, as the benchmark's
//! generator still writes them) read as version 2 (`downloadedAt`, `ratedAt`) everywhere: the
//! write side decides on them, the read model counts them, the audit folds them, and the
//! history shows what was recorded, with its version.

use serde_json::json;

use crate::helpers::{spawn_app, wait_caught_up};
use crate::operations::expect;

#[actix_web::test]
async fn events_stored_at_an_older_version_are_read_as_the_current_one() {
    let app = spawn_app().await;
    let base = app.base.as_str();
    edgedev_bench::generator::generate_applications(&app.pool, 1, 20)
        .await
        .expect("generate");
    let id: String = app
        .pool
        .query_one(
            "SELECT aggregate_id FROM events WHERE aggregate_type = 'plugin' LIMIT 1",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("a generated plugin");
    let stored_v1: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM events WHERE aggregate_id = $1 AND event_version = '1' \
             AND payload ? 'at'",
            &[&id],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(
        stored_v1, 10,
        "8 downloads and 2 ratings stored at version 1"
    );
    wait_caught_up(&app.pool).await;

    // The audit folds them: 8 downloads, 2 ratings, and the history shows them as recorded.
    let admin = app.admin();
    let state = expect(
        base,
        "GET",
        &format!("/api/v1/audit/plugin/{id}"),
        &admin,
        None,
        200,
    )
    .await;
    assert_eq!(state["state"]["state"]["downloads"], 8, "{state}");
    assert_eq!(
        state["state"]["state"]["ratings"]
            .as_object()
            .map(|r| r.len()),
        Some(2)
    );
    let history = expect(
        base,
        "GET",
        &format!("/api/v1/audit/plugin/{id}/history?diff=true"),
        &admin,
        None,
        200,
    )
    .await;
    let download = history["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["eventType"] == "PluginDownloaded")
        .expect("a download");
    assert_eq!(download["eventVersion"], "1");
    assert!(download["payload"]["at"].is_string(), "{download}");
    assert_eq!(
        download["diff"],
        json!([{"op": "replace", "path": "/state/downloads", "value": 1}])
    );

    // The read model counted them, and the write side decides on them: a new rating by a user
    // who rated at version 1 replaces that rating (still two raters).
    let plugins = expect(
        base,
        "GET",
        "/mec/developer/v1/plugins?limit=50&offset=0",
        &admin,
        None,
        200,
    )
    .await;
    let row = plugins["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|p| p["pluginId"] == id.as_str())
        .unwrap_or_else(|| panic!("{plugins}"))
        .clone();
    assert_eq!(
        (row["downloadCount"].clone(), row["scoreCount"].clone()),
        (json!(8), json!(2))
    );
    let rater = state["state"]["state"]["ratings"]
        .as_object()
        .and_then(|r| r.keys().next().cloned())
        .expect("a rater");
    let token = app.token(&rater, &rater, domain::Role::Tenant);
    expect(
        base,
        "PUT",
        &format!("/mec/developer/v1/plugins/{id}/action/score?score=1"),
        &token,
        None,
        200,
    )
    .await;
    let state = expect(
        base,
        "GET",
        &format!("/api/v1/audit/plugin/{id}"),
        &admin,
        None,
        200,
    )
    .await;
    let ratings = state["state"]["state"]["ratings"]
        .as_object()
        .expect("ratings")
        .clone();
    assert_eq!(ratings.len(), 2, "{ratings:?}");
    assert_eq!(ratings[&rater], 1);
}
