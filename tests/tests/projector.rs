//! The projector runtime against the classic bugs of log-tailing read models: late commits of
//! lower positions, crashes between writes and checkpoint, rebuild drift, poison events.

use db::{Pool, Sql, Transaction};
use domain::application::*;
use projections::{all_projections, ProjectionRuntime, RuntimeConfig};
use serde_json::{json, Value};

use crate::helpers::{app_body, fresh_database, spawn_app, wait_caught_up, TestDatabase};

fn fields(name: &str) -> ApplicationFields {
    ApplicationFields::try_from(
        &serde_json::from_value::<api::routes::applications::dto::ApplicationRequest>(app_body(
            name,
        ))
        .expect("dto"),
    )
    .expect("valid fields")
}

/// Appends an ApplicationCreated for a new aggregate inside `tx`, as the write side would.
async fn append_created(tx: &Transaction<'_>, name: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let event = ApplicationEvent::ApplicationCreated {
        fields: fields(name),
        owner_id: "tenant-1".into(),
        owner_name: "tenant1".into(),
        created_at: chrono::Utc::now(),
    };
    let (event_type, payload) = domain::wire::to_wire(&event).expect("wire");
    insert_raw(tx, &id, &event_type, payload).await;
    id
}

async fn insert_raw(tx: &Transaction<'_>, id: &str, event_type: &str, payload: Value) {
    tx.execute("INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
         VALUES ('application', $1, 1, $2, '1', $3, '{}')", &[&id, &event_type, &payload])
    .await
    .expect("insert event");
}

/// A runtime over a fresh database; the database lives as long as the returned guard.
async fn runtime_on_fresh_db() -> (ProjectionRuntime, Pool, TestDatabase) {
    let url = fresh_database().await;
    let pool = db::Pool::connect(&url, 8).await.expect("connect");
    let runtime = ProjectionRuntime::new(pool.clone(), all_projections(), RuntimeConfig::default());
    runtime.register_all().await.expect("register");
    (runtime, pool, url)
}

async fn applied(pool: &Pool, name: &str) -> i64 {
    pool.query_one(
        "SELECT events_applied FROM projection_checkpoints WHERE name = $1",
        &[&name],
    )
    .await
    .and_then(db::scalar)
    .expect("checkpoint")
}

async fn count(pool: &Pool, table: &str) -> i64 {
    pool.query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .and_then(db::scalar)
        .expect("count")
}

#[actix_web::test]
async fn an_event_with_a_lower_position_committed_later_is_applied_exactly_once() {
    let (runtime, pool, _database) = runtime_on_fresh_db().await;
    // tx1 takes position 1 first but commits last; tx2 takes position 2 and commits first.
    let mut tx1_client = pool.get().await.expect("connection");
    let tx1 = tx1_client.transaction().await.expect("tx1");
    let late = append_created(&tx1, "late-app").await;
    let mut tx2_client = pool.get().await.expect("connection");
    let tx2 = tx2_client.transaction().await.expect("tx2");
    let early = append_created(&tx2, "early-app").await;
    tx2.commit().await.expect("commit tx2");
    let position = |id: &str| {
        let pool = pool.clone();
        let id = id.to_owned();
        async move {
            pool.query_opt(
                "SELECT global_position FROM events WHERE aggregate_id = $1",
                &[&id],
            )
            .await
            .and_then(db::opt_scalar::<i64>)
            .expect("position")
        }
    };
    assert_eq!(position(&late).await, None, "tx1 is not committed yet");
    assert!(position(&early).await.is_some());

    // While tx1 is open, the horizon holds tx2's event back: nothing may be applied past tx1.
    let (events, pending) = runtime.apply_visible("applications").await.expect("step");
    assert_eq!(
        (events, pending),
        (0, true),
        "tx2's event waits behind the open tx1"
    );

    tx1.commit().await.expect("commit tx1");
    runtime.catch_up("applications").await.expect("catch up");
    let ids: Vec<String> = pool
        .query("SELECT id FROM tbl_application ORDER BY name", &[])
        .await
        .and_then(db::scalars)
        .expect("rows");
    assert_eq!(ids, vec![early, late], "both applied, neither skipped");
    assert_eq!(
        applied(&pool, "applications").await,
        2,
        "each applied exactly once"
    );
    assert_eq!(runtime.catch_up("applications").await.expect("again"), 0);
}

#[actix_web::test]
async fn a_crash_between_the_writes_and_the_checkpoint_has_no_double_effect() {
    let (runtime, pool, _database) = runtime_on_fresh_db().await;
    let mut tx_client = pool.get().await.expect("connection");
    let tx = tx_client.transaction().await.expect("tx");
    for n in 0..3 {
        append_created(&tx, &format!("app-{n}-crash")).await;
    }
    tx.commit().await.expect("commit");
    // The first batch writes its rows and then "crashes" before its checkpoint commits.
    runtime.fail_point().arm(1);
    runtime
        .catch_up("applications")
        .await
        .expect("catch up after the crash");
    assert_eq!(count(&pool, "tbl_application").await, 3);
    assert_eq!(applied(&pool, "applications").await, 3);
    let status = runtime.status().await.expect("status");
    assert!(
        status
            .iter()
            .filter(|s| s.name != "amqp_relay")
            .all(|s| s.status == "running" && s.last_error.is_none()),
        "{status:?}"
    );
}

#[actix_web::test]
async fn a_rebuild_produces_exactly_the_rows_of_incremental_projection() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let mut ids = Vec::new();
    for n in 0..12 {
        let reply = app
            .create_app(&token, &app_body(&format!("app-{n:02}-rebuild")))
            .await;
        ids.push(reply.body["id"].as_str().expect("id").to_owned());
    }
    let base = "/mec/developer/v2/applications";
    for id in &ids[0..4] {
        let mut body = app_body(&format!("renamed-{}", &id[..8]));
        body["description"] = json!("changed");
        assert_eq!(
            app.request(
                "PUT",
                &format!("{base}/{id}"),
                Some(&token),
                Some(&body),
                &[]
            )
            .await
            .status,
            200
        );
    }
    for id in &ids[4..6] {
        assert_eq!(
            app.request("DELETE", &format!("{base}/{id}"), Some(&token), None, &[])
                .await
                .status,
            200
        );
    }
    let host = json!({ "mepHostId": app.register_host("sandbox-rebuild", "10.250.0.3").await });
    let selected = app
        .request(
            "PUT",
            &format!("{base}/{}/action/sel-mephost", ids[7]),
            Some(&token),
            Some(&host),
            &[],
        )
        .await;
    assert_eq!(selected.status, 200, "{}", selected.body);
    wait_caught_up(&app.pool).await;
    let before = (
        app.rows("tbl_application", "id").await,
        app.rows("tbl_app_project", "id").await,
    );
    assert_eq!(before.0.len(), 10);
    // Damage both read models: rows equal to the incremental ones afterwards prove the rebuild.
    app.pool
        .execute(
            "UPDATE tbl_application SET name = 'tampered-' || left(id, 8)",
            &[],
        )
        .await
        .expect("tamper");
    app.pool
        .execute("DELETE FROM tbl_app_project", &[])
        .await
        .expect("tamper");

    let runtime = &app.server.state.runtime;
    let rebuilt = runtime.rebuild_all(2).await.expect("rebuild");
    assert_eq!(
        rebuilt.len(),
        runtime.names().len(),
        "every projection rebuilt"
    );
    let after = (
        app.rows("tbl_application", "id").await,
        app.rows("tbl_app_project", "id").await,
    );
    assert_eq!(after, before);
    let events = app.event_count().await + crate::helpers::catalogue_event_count(&app.pool).await;
    assert_eq!(applied(&app.pool, "applications").await, events);
}

#[actix_web::test]
async fn a_rebuild_requested_over_http_refills_the_tables() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    for n in 0..3 {
        app.create_app(&token, &app_body(&format!("app-{n}-http")))
            .await;
    }
    wait_caught_up(&app.pool).await;
    let before = app.rows("tbl_application", "id").await;
    // Damage the read model behind the projection's back: only a real rebuild repairs it.
    app.pool
        .execute(
            "UPDATE tbl_application SET name = 'tampered-' || left(id, 8)",
            &[],
        )
        .await
        .expect("tamper");
    let tenant_try = app
        .request(
            "POST",
            "/api/v1/projections/applications/rebuild",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(tenant_try.status, 403);
    let reply = app
        .request(
            "POST",
            "/api/v1/projections/applications/rebuild",
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 202);
    assert_eq!(
        app.request(
            "POST",
            "/api/v1/projections/nothing/rebuild",
            Some(&app.admin()),
            None,
            &[]
        )
        .await
        .status,
        404
    );
    wait_caught_up(&app.pool).await;
    for _ in 0..100 {
        if app.rows("tbl_application", "id").await == before {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the rebuilt table differs from the incremental one");
}

#[actix_web::test]
async fn a_poison_event_stops_its_projection_visibly_and_is_never_skipped() {
    // The command after the poison waits out the read-your-writes bound on purpose: keep it short.
    let app = crate::helpers::spawn_app_with(|c| {
        c.read_your_writes_timeout = std::time::Duration::from_secs(2)
    })
    .await;
    let token = app.tenant(1);
    assert_eq!(
        app.create_app(&token, &app_body("good-before"))
            .await
            .status,
        201
    );
    let mut tx_client = app.pool.get().await.expect("connection");
    let tx = tx_client.transaction().await.expect("tx");
    insert_raw(
        &tx,
        &uuid::Uuid::new_v4().to_string(),
        "ApplicationCreated",
        json!({ "name": 42 }),
    )
    .await;
    tx.commit().await.expect("commit");
    let poison_position: i64 = app
        .pool
        .query_one("SELECT max(global_position) FROM events", &[])
        .await
        .and_then(db::scalar)
        .expect("position");

    let status = wait_for_failed(&app, "applications").await;
    assert_eq!(status["failedPosition"], poison_position);
    assert!(
        status["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("ApplicationCreated")),
        "{status}"
    );
    assert_eq!(status["lagEvents"], 1);

    // Later events are not applied past it, even by another command.
    let later = app.create_app(&token, &app_body("good-after")).await;
    assert_eq!(
        later.status, 202,
        "read model cannot catch up past the poison event"
    );
    let names: Vec<String> = app
        .pool
        .query("SELECT name FROM tbl_application", &[])
        .await
        .and_then(db::scalars)
        .expect("rows");
    assert_eq!(names, vec!["good-before".to_owned()]);
    let metrics = app.request("GET", "/metrics", None, None, &[]).await;
    assert!(metrics
        .body
        .as_str()
        .is_some_and(|m| m.contains("edgedev_projection_failed{projection=\"applications\"} 1")));
    // Readiness says so: a stopped projection means commands are never seen.
    let ready = app.request("GET", "/readyz", None, None, &[]).await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.body["status"], "not ready");
    // The other projection fails on the same event too; neither skipped it.
    wait_for_failed(&app, "app_projects").await;
    // Projections that do not read applications pass the event and keep running in the group.
    for name in ["plugins", "hosts"] {
        let status = wait_until_past(&app, name, poison_position).await;
        assert_eq!(status["status"], "running", "{status}");
    }
}

/// A group step that waits out the horizon: transactions still open anywhere in the cluster (other
/// tests') hold committed events back, and a step then reads nothing but says so.
pub(crate) async fn group_step(
    pool: &Pool,
    members: &[&dyn projections::Projection],
    limit: i64,
    fail_point: &projections::FailPoint,
) -> Result<projections::GroupStep, projections::GroupError> {
    loop {
        let step = projections::group_step(pool, members, limit, fail_point).await?;
        if step.events > 0 || !step.pending {
            return Ok(step);
        }
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
}

#[actix_web::test]
async fn a_group_step_reads_once_and_moves_each_member_from_its_own_checkpoint() {
    let (runtime, pool, _database) = runtime_on_fresh_db().await;
    let projections = all_projections();
    let members: Vec<&dyn projections::Projection> =
        projections.iter().map(|p| p.as_ref()).collect();
    let fail_point = projections::FailPoint::default();
    let append = |names: Vec<String>| {
        let pool = pool.clone();
        async move {
            let mut tx_client = pool.get().await.expect("connection");
            let tx = tx_client.transaction().await.expect("tx");
            for name in names {
                append_created(&tx, &name).await;
            }
            tx.commit().await.expect("commit");
            // Wait until every transaction older than ours has ended anywhere in the cluster, so
            // a step reads all of it at once.
            while !pool.query_one("SELECT pg_snapshot_xmin(pg_current_snapshot()) > (SELECT max(transaction_id) FROM events)", &[]).await.and_then(db::scalar::<bool>)
            .expect("horizon")
            {
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
        }
    };
    append((0..3).map(|n| format!("group-a{n}")).collect()).await;
    // One member runs ahead alone; the group then gives each member only what it lacks.
    runtime.catch_up("applications").await.expect("solo");
    append((0..2).map(|n| format!("group-b{n}")).collect()).await;
    let step = group_step(&pool, &members, 1000, &fail_point)
        .await
        .expect("group step");
    assert_eq!(step.events, 5, "read from the slowest member");
    assert!(step.stragglers.is_empty());
    let given = |name: &str| step.members.iter().find(|(n, _)| *n == name).map(|m| m.1);
    assert_eq!(given("applications"), Some(2));
    assert_eq!(given("app_projects"), Some(5));
    assert_eq!(
        given("plugins"),
        Some(5),
        "members that read none still advance"
    );
    assert_eq!(step.members.len(), members.len());
    assert_eq!(count(&pool, "tbl_application").await, 5);
    assert_eq!(count(&pool, "tbl_app_project").await, 5);
    for name in ["applications", "app_projects", "plugins"] {
        assert_eq!(
            applied(&pool, name).await,
            5,
            "{name} applied each event once"
        );
    }

    // A simulated crash before the checkpoints commits nothing, for any member.
    append(vec!["group-crash".into()]).await;
    fail_point.arm(1);
    let crashed = group_step(&pool, &members, 1000, &fail_point).await;
    assert!(matches!(
        crashed,
        Err(projections::GroupError::SimulatedCrash)
    ));
    assert_eq!(count(&pool, "tbl_application").await, 5);
    assert_eq!(applied(&pool, "app_projects").await, 5);
    let step = group_step(&pool, &members, 1000, &fail_point)
        .await
        .expect("after the crash");
    assert_eq!(step.events, 1);
    assert_eq!(count(&pool, "tbl_application").await, 6);

    // A member whose lease another connection holds sits the step out, checkpoint unmoved.
    let holder = pool.get().await.expect("conn");
    holder
        .execute("SELECT pg_advisory_lock(727275, hashtext('plugins'))", &[])
        .await
        .expect("hold the lease");
    append(vec!["group-leased".into()]).await;
    let step = group_step(&pool, &members, 1000, &fail_point)
        .await
        .expect("without plugins");
    assert!(step.members.iter().all(|(n, _)| *n != "plugins"));
    assert!(!step.stragglers.contains(&"plugins"));
    assert_eq!(applied(&pool, "plugins").await, 6);
    assert_eq!(applied(&pool, "app_projects").await, 7);
    holder
        .execute(
            "SELECT pg_advisory_unlock(727275, hashtext('plugins'))",
            &[],
        )
        .await
        .expect("release");

    // Members far behind the front are left to step alone, so they hold nobody back.
    append((0..3).map(|n| format!("group-c{n}")).collect()).await;
    runtime.catch_up("applications").await.expect("solo again");
    let step = group_step(&pool, &members, 2, &fail_point)
        .await
        .expect("with stragglers");
    assert_eq!(step.members, vec![("applications", 0)]);
    assert!(step.stragglers.contains(&"app_projects"));
    assert!(step.stragglers.contains(&"plugins"), "plugins is 4 behind");
    // The group runner of a process catches everyone up; counts prove nothing ran twice.
    let done = runtime
        .catch_up_group(&runtime.names())
        .await
        .expect("catch up as a group");
    assert!(done.iter().any(|(n, e)| *n == "app_projects" && *e == 3));
    assert_eq!(count(&pool, "tbl_app_project").await, 10);
    for name in runtime.names() {
        assert_eq!(applied(&pool, name).await, 10, "{name}");
    }

    // A rebuild of all as one group, in batches of 2 each read while the one before is applied,
    // gives the same rows, every event applied once.
    let ids = || async {
        pool.query("SELECT id FROM tbl_app_project ORDER BY id", &[])
            .await
            .and_then(db::scalars::<String>)
            .expect("ids")
    };
    let before = ids().await;
    let small = ProjectionRuntime::new(
        pool.clone(),
        all_projections(),
        RuntimeConfig {
            batch_size: 2,
            ..RuntimeConfig::default()
        },
    );
    let done = small.rebuild_all(1).await.expect("rebuild as one group");
    assert_eq!(done.len(), runtime.names().len());
    assert!(done.iter().all(|(_, n)| *n == 10), "{done:?}");
    assert_eq!(ids().await, before);
    for name in runtime.names() {
        assert_eq!(applied(&pool, name).await, 10, "{name}");
    }
}

async fn wait_for_failed(app: &crate::helpers::TestApp, name: &str) -> Value {
    wait_for_status(app, name, "stop on the poison event", |p| {
        p["status"] == "failed"
    })
    .await
}

async fn wait_until_past(app: &crate::helpers::TestApp, name: &str, position: i64) -> Value {
    wait_for_status(app, name, &format!("pass position {position}"), |p| {
        p["checkpointPosition"].as_i64() >= Some(position)
    })
    .await
}

/// Polls `GET /api/v1/projections` until projection `name` satisfies `done`.
async fn wait_for_status(
    app: &crate::helpers::TestApp,
    name: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..250 {
        let list = app
            .request("GET", "/api/v1/projections", Some(&app.admin()), None, &[])
            .await;
        let found = list
            .body
            .as_array()
            .and_then(|all| all.iter().find(|p| p["name"] == name).cloned());
        if let Some(status) = found.filter(|p| done(p)) {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("projection {name} did not {what}");
}
