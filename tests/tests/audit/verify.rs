//! `edgedev verify projections`: a clean log verifies (every projection rebuilt in a shadow
//! schema equals its live tables); a changed, a missing and an extra read-model row are each
//! reported exactly (table, key, columns) with exit 1; nothing of the shadow is left behind. The
//! benchmark's generated log verifies too, chain and projections.

use serde_json::{json, Value};

use crate::helpers::{app_body, call, fresh_database, spawn_app_with, wait_caught_up};

/// Runs `edgedev verify projections --json [names]`: (succeeded, report).
fn verify(url: &str, names: &[&str]) -> (bool, Value) {
    let args: Vec<&str> = std::iter::once("projections")
        .chain(names.iter().copied())
        .collect();
    super::verify_cli(url, &args)
}

#[actix_web::test]
async fn the_verifier_passes_a_clean_log_and_names_each_drifted_row() {
    let mut url = None;
    let app = spawn_app_with(|config| url = config.database_url.clone()).await;
    let url = url.expect("database url");
    let token = app.tenant(1);
    let mut ids = Vec::new();
    for i in 0..3 {
        let reply = app
            .create_app(&token, &app_body(&format!("verified-{i}")))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        ids.push(reply.body["id"].as_str().expect("id").to_owned());
    }
    wait_caught_up(&app.pool).await;

    let (ok, report) = verify(&url, &[]);
    assert!(ok, "{report}");
    let projections = report["projections"].as_array().expect("projections");
    assert_eq!(projections.len(), projections::all_projections().len());
    let applications = projections
        .iter()
        .find(|p| p["name"] == "applications")
        .expect("applications");
    assert_eq!(applications["tables"][0]["liveRows"], 3);
    assert_eq!(applications["tables"][0]["rebuiltRows"], 3);
    assert!(report["checkpoints"]
        .as_array()
        .expect("checkpoints")
        .iter()
        .all(|c| c["ok"] == true));

    // One row changed, one deleted, one added by hand.
    let sql = [
        "UPDATE tbl_application SET description = 'tampered' WHERE id = $1",
        "DELETE FROM tbl_application WHERE id = $1",
        "INSERT INTO tbl_application SELECT (jsonb_populate_record(NULL::tbl_application, \
         to_jsonb(t) || '{\"id\": \"not-from-the-log\", \"name\": \"slipped\"}')).* \
         FROM tbl_application t WHERE id = $1",
    ];
    for (statement, id) in sql.iter().zip(&ids) {
        app.pool.execute(statement, &[id]).await.expect(statement);
    }
    let (ok, report) = verify(&url, &["applications"]);
    assert!(!ok, "{report}");
    let table = &report["projections"][0]["tables"][0];
    assert_eq!(table["table"], "tbl_application");
    assert_eq!(table["key"], json!(["id"]));
    assert_eq!(table["differing"], 3);
    assert_eq!(
        table["changed"],
        json!([{ "key": { "id": ids[0] }, "columns": ["description"] }])
    );
    assert_eq!(table["missing"], json!([{ "id": ids[1] }]));
    assert_eq!(table["extra"], json!([{ "id": "not-from-the-log" }]));
    assert_eq!(report["projections"].as_array().map(Vec::len), Some(1));

    // A rebuild mends it; the shadow schema never outlives a run.
    projections::ProjectionRuntime::new(
        app.pool.clone(),
        projections::all_projections(),
        projections::RuntimeConfig::default(),
    )
    .rebuild("applications")
    .await
    .expect("rebuild");
    let (ok, report) = verify(&url, &["applications"]);
    assert!(ok, "{report}");
    let shadow: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'edgedev_verify'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(shadow, 0);
    // Retention drops the operation log's old months (here: every month up to this one); the
    // log still holds their requests, and the comparison starts at the oldest month kept.
    let logged = call(
        &app.base,
        "GET",
        "/api/v1/audit/events?limit=1",
        Some(&app.admin()),
        None,
        &[],
    )
    .await;
    assert_eq!(logged.status, 200);
    wait_caught_up(&app.pool).await;
    let kept: i64 = app
        .pool
        .query_one("SELECT count(*) FROM operation_logs", &[])
        .await
        .and_then(db::scalar)
        .expect("count");
    assert!(kept > 0, "the request was logged");
    app.pool
        .batch(
            "DO $$ DECLARE p text; BEGIN FOR p IN SELECT c.relname FROM pg_inherits i \
             JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'operation_logs'::regclass \
             AND c.relname ~ '^operation_logs_y' \
             AND c.relname <= 'operation_logs_y' || to_char(now(), 'YYYY\"m\"MM') \
             LOOP EXECUTE format('DROP TABLE %I', p); END LOOP; END $$",
        )
        .await
        .expect("retention");
    let (ok, report) = verify(&url, &["operation_logs"]);
    assert!(ok, "{report}");
    let table = &report["projections"][0]["tables"][0];
    assert!(
        table["comparedSince"]
            .as_str()
            .is_some_and(|s| s.starts_with("started_at >= ")),
        "{table}"
    );

    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"))
        .args(["verify", "projections", "no_such_projection"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("verify runs");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("no projection is named no_such_projection"));
}

/// Runs `edgedev verify chain --catch-up --json`: (succeeded, report).
fn verify_chain(url: &str) -> (bool, Value) {
    super::verify_cli(url, &["chain", "--catch-up"])
}

#[actix_web::test]
async fn the_generated_log_verifies_chain_and_projections() {
    let url = fresh_database().await;
    let pool = db::Pool::connect(&url, 4).await.expect("connect");
    edgedev_bench::generator::generate_applications(&pool, 1, 100)
        .await
        .expect("generate");
    let runtime = projections::ProjectionRuntime::new(
        pool.clone(),
        projections::all_projections(),
        projections::RuntimeConfig::default(),
    );
    runtime.register_all().await.expect("register");
    runtime
        .catch_up_group(&runtime.names())
        .await
        .expect("no poison event");
    let (ok, report) = verify_chain(&url);
    assert!(ok, "{report}");
    let events: i64 = pool
        .query_one("SELECT count(*) FROM events", &[])
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(report["links"], events);
    let (ok, report) = verify(&url, &[]);
    assert!(ok, "{report}");
    let rebuilt: u64 = report["projections"]
        .as_array()
        .expect("projections")
        .iter()
        .map(|p| p["events"].as_u64().expect("events"))
        .max()
        .expect("some");
    assert_eq!(rebuilt as i64, events, "rebuilt up to the head");
    pool.close();
}
