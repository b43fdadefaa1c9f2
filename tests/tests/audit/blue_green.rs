//! A blue-green rebuild under a running query load and concurrent appends: no query sees a
//! partial read model (the count of applications never drops), the rows after the swap equal
//! the incremental ones (the verifier agrees, and a second rebuild in place gives the same
//! rows), the progress is reported, and the API runs one too (409 while one runs).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use projections::runtime::blue_green::Progress;
use projections::{all_projections, ProjectionRuntime, RuntimeConfig};

use crate::helpers::{app_body, call, spawn_app, wait_caught_up};

const APPS: &str = "/mec/developer/v2/applications";

#[actix_web::test]
async fn a_blue_green_rebuild_never_shows_a_partial_read_model() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    for i in 0..30 {
        let reply = app
            .create_app(&token, &app_body(&format!("blue-{i}")))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    wait_caught_up(&app.pool).await;
    let before = app.rows("tbl_application", "id").await;
    assert_eq!(before.len(), 30);

    // Readers: the list's total, over HTTP, again and again; it may only grow.
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::<i64>::new()));
    let reader = {
        let (stop, seen, base, token) =
            (stop.clone(), seen.clone(), app.base.clone(), token.clone());
        actix_web::rt::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let reply = call(
                    &base,
                    "GET",
                    &format!("{APPS}?limit=1&offset=0"),
                    Some(&token),
                    None,
                    &[],
                )
                .await;
                assert_eq!(reply.status, 200, "{}", reply.body);
                seen.lock()
                    .expect("seen")
                    .push(reply.body["total"].as_i64().expect("total"));
            }
        })
    };
    // A writer: more applications while the rebuild runs.
    let writer = {
        let (base, token) = (app.base.clone(), token.clone());
        actix_web::rt::spawn(async move {
            for i in 0..10 {
                let reply = call(
                    &base,
                    "POST",
                    APPS,
                    Some(&token),
                    Some(&app_body(&format!("green-{i}"))),
                    &[],
                )
                .await;
                assert_eq!(reply.status, 201, "{}", reply.body);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(30)).await;
    let config = RuntimeConfig {
        batch_size: 7,
        ..RuntimeConfig::default()
    };
    let runtime = ProjectionRuntime::new(app.pool.clone(), all_projections(), config);
    let mut progress: Vec<Progress> = Vec::new();
    let events = runtime
        .rebuild_blue_green("applications", |p| progress.push(p))
        .await
        .expect("blue-green rebuild");
    writer.await.expect("writer");
    tokio::time::sleep(Duration::from_millis(30)).await;
    stop.store(true, Ordering::SeqCst);
    reader.await.expect("reader");

    let seen = seen.lock().expect("seen").clone();
    assert!(
        seen.len() > 3,
        "the readers ran during the rebuild: {seen:?}"
    );
    assert!(
        seen.iter().all(|t| *t >= 30),
        "a partial read model was seen: {seen:?}"
    );
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "the count dropped: {seen:?}"
    );
    assert!(progress.len() > 2, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0].done <= w[1].done));
    assert_eq!(progress.last().map(|p| p.done), Some(events));

    // After the swap: the incremental rows, and what a rebuild in place makes of the same log.
    wait_caught_up(&app.pool).await;
    let after = app.rows("tbl_application", "id").await;
    assert_eq!(after.len(), 40);
    runtime
        .rebuild("applications")
        .await
        .expect("rebuild in place");
    assert_eq!(app.rows("tbl_application", "id").await, after);
    let schemas: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'edgedev_green_%'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(schemas, 0, "the green schema is dropped");

    // Over the API: 202, then the checkpoint moves and the progress clears.
    let admin = app.admin();
    let path = "/api/v1/projections/applications/rebuild?blueGreen=true";
    let started = call(&app.base, "POST", path, Some(&admin), None, &[]).await;
    assert_eq!(started.status, 202, "{}", started.body);
    assert_eq!(started.body["mode"], "blue-green");
    let mut done = false;
    for _ in 0..200 {
        let list = call(
            &app.base,
            "GET",
            "/api/v1/projections",
            Some(&admin),
            None,
            &[],
        )
        .await;
        let applications = list
            .body
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["name"] == "applications")
            .expect("applications")
            .clone();
        let green: i64 = app
            .pool
            .query_one(
                "SELECT count(*) FROM pg_namespace WHERE nspname = 'edgedev_green_applications'",
                &[],
            )
            .await
            .and_then(db::scalar)
            .expect("count");
        if applications["rebuild"].is_null()
            && green == 0
            && applications["eventsApplied"].as_i64() > Some(0)
        {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(done, "the API's rebuild finished");
    wait_caught_up(&app.pool).await;
    assert_eq!(app.rows("tbl_application", "id").await, after);

    // One at a time: while another holds the rebuild's lock, the API answers 409.
    let holder = app.pool.get().await.expect("a connection");
    holder
        .execute(
            "SELECT pg_advisory_lock(727276, hashtext('applications'))",
            &[],
        )
        .await
        .expect("lock");
    let in_place = "/api/v1/projections/applications/rebuild";
    for path in [path, in_place] {
        let refused = call(&app.base, "POST", path, Some(&admin), None, &[]).await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (409, Some("REBUILD_RUNNING")),
            "{path}: {}",
            refused.body
        );
    }
    holder
        .execute(
            "SELECT pg_advisory_unlock(727276, hashtext('applications'))",
            &[],
        )
        .await
        .expect("unlock");
}
