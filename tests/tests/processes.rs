//! Real `edgedev` server processes: two at once on one database (each event applied once), and a
//! process killed while serving.

use std::process::Command;

use serde_json::Value;

use crate::helpers::{
    app_body, call, fresh_database, rows, temp_dir, token_for, wait_caught_up, ServerProcess,
};
use futures_util::future::join_all;

#[actix_web::test]
async fn two_server_processes_apply_each_event_exactly_once() {
    let database_url = fresh_database().await;
    let first = ServerProcess::start(&[("DATABASE_URL", Some(database_url.to_string()))]);
    let second = ServerProcess::start(&[("DATABASE_URL", Some(database_url.to_string()))]);
    let token = token_for("tenant-1", "tenant1", domain::Role::Tenant);
    let bases = [first.base.clone(), second.base.clone()];
    let bodies: Vec<Value> = (0..40)
        .map(|n| app_body(&format!("app-{n:02}-two")))
        .collect();
    let replies = join_all(bodies.iter().enumerate().map(|(n, body)| {
        call(
            &bases[n % 2],
            "POST",
            "/mec/developer/v2/applications",
            Some(&token),
            Some(body),
            &[],
        )
    }))
    .await;
    assert!(
        replies.iter().all(|r| r.status == 201),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );

    // Each process reads what either wrote.
    let id = replies[0].body["id"].as_str().expect("id");
    let via_second = call(
        &bases[1],
        "GET",
        &format!("/mec/developer/v2/applications/{id}"),
        Some(&token),
        None,
        &[],
    )
    .await;
    assert_eq!(via_second.status, 200);

    let pool = db::Pool::connect(&database_url, 2).await.expect("connect");
    wait_caught_up(&pool).await;
    assert_eq!(rows(&pool, "tbl_application", "id").await.len(), 40);
    assert_eq!(rows(&pool, "tbl_app_project", "id").await.len(), 40);
    let checkpoints: Vec<(String, i64, String)> = pool.query("SELECT name, events_applied, status FROM projection_checkpoints WHERE name <> 'amqp_relay' ORDER BY name", &[]).await.and_then(db::rows_as)
    .expect("checkpoints");
    // Every event of the log applied once: the 40 creates and the catalogue seeded at start.
    let log = 40 + crate::helpers::catalogue_event_count(&pool).await;
    for (name, events, status) in checkpoints {
        assert_eq!((events, status.as_str()), (log, "running"), "{name}");
    }
}

#[actix_web::test]
async fn a_killed_process_loses_nothing_it_acknowledged_and_another_takes_over() {
    let database_url = fresh_database().await;
    let mut first = ServerProcess::start(&[("DATABASE_URL", Some(database_url.to_string()))]);
    let token = token_for("tenant-1", "tenant1", domain::Role::Tenant);
    let mut acknowledged = Vec::new();
    for n in 0..10 {
        let reply = call(
            &first.base,
            "POST",
            "/mec/developer/v2/applications",
            Some(&token),
            Some(&app_body(&format!("app-{n}-kill"))),
            &[],
        )
        .await;
        assert_eq!(reply.status, 201);
        acknowledged.push(reply.body["id"].as_str().expect("id").to_owned());
    }
    first.kill(); // SIGKILL: no graceful shutdown
    let second = ServerProcess::start(&[("DATABASE_URL", Some(database_url.to_string()))]);
    for id in &acknowledged {
        let reply = call(
            &second.base,
            "GET",
            &format!("/mec/developer/v2/applications/{id}"),
            Some(&token),
            None,
            &[],
        )
        .await;
        assert_eq!(reply.status, 200, "acknowledged application {id} survives");
    }
    let after = call(
        &second.base,
        "POST",
        "/mec/developer/v2/applications",
        Some(&token),
        Some(&app_body("after-kill")),
        &[],
    )
    .await;
    assert_eq!(
        after.status, 201,
        "the survivor runs the projections the dead process held"
    );
}

#[actix_web::test]
async fn with_no_database_configured_the_server_runs_its_own_cluster_and_stops_it() {
    let data_dir = temp_dir();
    let mut server = ServerProcess::start(&[
        ("DATABASE_URL", None),
        ("EDGEDEV_JWT_SECRET", None),
        ("EDGEDEV_DATA_DIR", Some(data_dir.display().to_string())),
    ]);
    let base = server.base.clone();
    let ready = call(&base, "GET", "/readyz", None, None, &[]).await;
    assert_eq!(ready.status, 200, "{:?}", ready.body);
    // A token minted by the CLI for the generated key is accepted.
    let minted = Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"))
        .args([
            "token",
            "--user-id",
            "u1",
            "--user-name",
            "alice",
            "--role",
            "TENANT",
        ])
        .env("EDGEDEV_DATA_DIR", &data_dir)
        .env_remove("EDGEDEV_JWT_SECRET")
        .output()
        .expect("token command");
    let token = String::from_utf8(minted.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let created = call(
        &base,
        "POST",
        "/mec/developer/v2/applications",
        Some(&token),
        Some(&app_body("embedded-app")),
        &[],
    )
    .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert!(data_dir.join("pg").join("postmaster.pid").exists());

    let stopped = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let status = server.child.wait().expect("exit");
    assert!(status.success(), "graceful exit: {status:?}");
    assert!(
        !data_dir.join("pg").join("postmaster.pid").exists(),
        "the private cluster was stopped"
    );
}
