//! The tamper-evident chain: appends from 16 concurrent clients keep a valid chain, and
//! `edgedev verify chain` names exactly the event whose payload was edited with SQL, the event
//! deleted, and the event slipped into the log behind the chainer.

use futures_util::future::join_all;
use serde_json::Value;

use crate::helpers::{app_body, spawn_app_with, wait_caught_up, TestApp};

/// Runs `edgedev verify chain --json`: (succeeded, report).
fn verify(url: &str) -> (bool, Value) {
    super::verify_cli(url, &["chain"])
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    app.pool
        .query_one(sql, &[])
        .await
        .and_then(db::scalar)
        .expect(sql)
}

#[actix_web::test]
async fn the_chain_holds_under_concurrent_appends_and_names_each_tampered_event() {
    let mut url = None;
    let app = spawn_app_with(|config| url = config.database_url.clone()).await;
    let url = url.expect("database url");
    let token = app.tenant(1);
    let creates = (0..16).map(|i| {
        let (app, token) = (&app, &token);
        async move {
            app.create_app(token, &app_body(&format!("chained-{i}")))
                .await
        }
    });
    for reply in join_all(creates).await {
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    wait_caught_up(&app.pool).await;
    let events = scalar(&app, "SELECT count(*) FROM events").await;
    let (ok, report) = verify(&url);
    assert!(ok, "{report}");
    assert_eq!(report["links"], events, "{report}");
    assert_eq!(report["problem"], Value::Null);
    let in_order = scalar(
        &app,
        "SELECT count(*) FROM event_chain c JOIN events e USING (global_position) \
         WHERE c.link = (SELECT count(*) FROM events o \
               WHERE (o.transaction_id, o.global_position) <= (e.transaction_id, e.global_position))",
    )
    .await;
    assert_eq!(in_order, events, "links follow the projectors' order");

    // A payload edited with SQL: that event, exactly; put back, the chain holds again.
    let row = app
        .pool
        .query_one(
            "SELECT global_position, event_id, payload FROM events \
             WHERE event_type = 'ApplicationCreated' ORDER BY global_position OFFSET 7 LIMIT 1",
            &[],
        )
        .await
        .expect("an application's creation");
    let (position, event_id, payload): (i64, uuid::Uuid, Value) =
        (row.get(0), row.get(1), row.get(2));
    let set_payload = |value: Value| {
        let pool = app.pool.clone();
        async move {
            pool.execute(
                "UPDATE events SET payload = $2 WHERE global_position = $1",
                &[&position, &value],
            )
            .await
            .expect("payload set")
        }
    };
    let mut forged = payload.clone();
    forged["name"] = "forged".into();
    set_payload(forged).await;
    let (ok, report) = verify(&url);
    assert!(!ok, "{report}");
    assert_eq!(report["problem"]["kind"], "altered", "{report}");
    assert_eq!(report["problem"]["event"]["globalPosition"], position);
    assert_eq!(report["problem"]["event"]["eventId"], event_id.to_string());
    assert_eq!(
        report["problem"]["event"]["eventType"],
        "ApplicationCreated"
    );
    set_payload(payload).await;
    let (ok, report) = verify(&url);
    assert!(ok, "the original content chains again: {report}");

    // Slipped in behind the chainer (an old transaction id): reported as unchained.
    let slipped: i64 = app
        .pool
        .query_one(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
             payload, metadata, transaction_id) VALUES ('application', 'slipped', 1, \
             'ApplicationDeleted', '1', '{}', '{}', '1') RETURNING global_position",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("inserted");
    let (ok, report) = verify(&url);
    assert!(!ok, "{report}");
    assert_eq!(report["problem"]["kind"], "unchained", "{report}");
    assert_eq!(report["problem"]["event"]["globalPosition"], slipped);
    app.pool
        .execute("DELETE FROM events WHERE global_position = $1", &[&slipped])
        .await
        .expect("deleted");

    // An event deleted: its link names it.
    app.pool
        .execute(
            "DELETE FROM events WHERE global_position = $1",
            &[&position],
        )
        .await
        .expect("deleted");
    let (ok, report) = verify(&url);
    assert!(!ok, "{report}");
    assert_eq!(report["problem"]["kind"], "missing", "{report}");
    assert_eq!(report["problem"]["event"]["globalPosition"], position);
    assert_eq!(report["problem"]["event"]["eventId"], event_id.to_string());
}
