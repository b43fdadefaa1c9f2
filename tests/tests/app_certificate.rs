//! The application certificate: its secret key sealed everywhere it is kept, masked in answers
//! and revealed to the owner only; and the whole configuration in one read.

use serde_json::json;

use crate::app_services::{config, new_app};
use crate::helpers::{spawn_app, wait_caught_up};

#[actix_web::test]
async fn the_certificate_secret_is_sealed_and_revealed_only_to_the_owner() {
    let app = spawn_app().await;
    let (alice, admin) = (app.tenant(1), app.admin());
    let app_id = new_app(&app, &alice, "with-certificate").await;
    let path = config(&app_id, "appcertificate");
    let none = app.request("GET", &path, Some(&alice), None, &[]).await;
    assert_eq!(
        (none.status, none.body["code"].as_str()),
        (404, Some("CERTIFICATE_NOT_FOUND"))
    );
    let secret = "s3cret-Key-4-edge";
    let set = app
        .request(
            "PUT",
            &path,
            Some(&alice),
            Some(&json!({"ak": "AKEDGE01", "sk": secret})),
            &[],
        )
        .await;
    assert_eq!(
        (set.status, &set.body),
        (200, &json!({"ak": "AKEDGE01", "sk": "******"})),
        "{}",
        set.body
    );
    let read = app.request("GET", &path, Some(&admin), None, &[]).await;
    assert_eq!(read.body["sk"], json!("******"));
    let denied = app
        .request(
            "GET",
            &format!("{path}?reveal=true"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(denied.status, 403);
    let revealed = app
        .request(
            "GET",
            &format!("{path}?reveal=true"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (revealed.status, &revealed.body["sk"]),
        (200, &json!(secret))
    );
    let bad = app
        .request(
            "PUT",
            &path,
            Some(&alice),
            Some(&json!({"ak": "has space", "sk": "x"})),
            &[],
        )
        .await;
    assert_eq!(
        (bad.status, bad.body["params"][0].as_str()),
        (400, Some("ak"))
    );

    // Nowhere in plain text: not in the events, not in the table.
    wait_caught_up(&app.pool).await;
    let leaks: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM events WHERE payload::text LIKE '%' || $1 || '%'",
            &[&secret],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(leaks, 0);
    let rows = app.rows("tbl_app_certificate", "app_id").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["ak"], json!("AKEDGE01"));
    assert!(!rows[0]["sk"].as_str().expect("sk").contains(secret));

    let whole = app
        .request(
            "GET",
            config(&app_id, "").trim_end_matches('/'),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(whole.status, 200, "{}", whole.body);
    assert_eq!(whole.body["appCertificate"]["sk"], json!("******"));
    assert_eq!(whole.body["trafficRuleList"], json!([]));
    let removed = app.request("DELETE", &path, Some(&alice), None, &[]).await;
    assert_eq!(removed.status, 200);
    wait_caught_up(&app.pool).await;
    assert!(app.rows("tbl_app_certificate", "app_id").await.is_empty());
}
