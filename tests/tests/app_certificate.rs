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

#[actix_web::test]
async fn the_whole_configuration_is_updated_in_place_all_or_nothing() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let app_id = new_app(&app, &alice, "configured-app").await;
    let rule = json!({"trafficRuleId": "t1", "action": "DROP", "priority": 1, "filterType": "FLOW",
                      "trafficFilter": [], "dstInterface": []});
    let dns = json!({"dnsRuleId": "d1", "domainName": "a.example.com", "ipAddressType": "IP_V4",
                     "ipAddress": "10.0.0.1", "ttl": 60});
    let congestion = "e0eacedb-e94f-4f13-a616-e8a58335f017";
    for (part, body) in [
        ("trafficrules", rule.clone()),
        ("dnsrules", dns.clone()),
        ("servicerequireds", json!({"id": congestion})),
    ] {
        let reply = app
            .request(
                "POST",
                &config(&app_id, part),
                Some(&alice),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(reply.status, 201, "{part}: {}", reply.body);
    }
    let whole = config(&app_id, "").trim_end_matches('/').to_owned();

    // An item the application lacks refuses the whole update: nothing changes.
    let mut changed_rule = rule.clone();
    changed_rule["priority"] = json!(9);
    let mut unknown = dns.clone();
    unknown["dnsRuleId"] = json!("d9");
    let events = app.event_count().await;
    let refused = app
        .request(
            "PUT",
            &whole,
            Some(&alice),
            Some(&json!({"trafficRuleList": [changed_rule], "dnsRuleList": [unknown]})),
            &[],
        )
        .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (404, Some("RULE_NOT_FOUND")),
        "{}",
        refused.body
    );
    assert_eq!(app.event_count().await, events);

    let mut changed_dns = dns.clone();
    changed_dns["ttl"] = json!(300);
    let body = json!({
        "trafficRuleList": [changed_rule],
        "dnsRuleList": [changed_dns],
        "appServiceRequiredList": [{"id": congestion, "requestedPermissions": false}],
        "appCertificate": {"ak": "AK2", "sk": "secret-2"}
    });
    let updated = app
        .request("PUT", &whole, Some(&alice), Some(&body), &[])
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(
        (
            &updated.body["trafficRuleList"][0]["priority"],
            &updated.body["dnsRuleList"][0]["ttl"],
            &updated.body["appServiceRequiredList"][0]["requestedPermissions"],
            &updated.body["appCertificate"]["sk"],
        ),
        (&json!(9), &json!(300), &json!(false), &json!("******"))
    );
    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_app_traffic_rule", "traffic_rule_id").await;
    assert_eq!(rows[0]["priority"], json!(9));
    let bad = app
        .request("PUT", &whole, Some(&alice), Some(&json!({"dnsRuleList": [{"dnsRuleId": "d1", "domainName": "-x-", "ipAddressType": "IP_V4", "ipAddress": "10.0.0.1", "ttl": 1}]})), &[])
        .await;
    assert_eq!(
        (bad.status, bad.body["params"][0].as_str()),
        (400, Some("domainName"))
    );

    // A whole configuration may be larger than other bodies (64 KiB): 180 KiB of rules is read.
    let many: Vec<_> = (0..400)
        .map(|n| {
            json!({"trafficRuleId": format!("t{n}"), "action": "DROP", "priority": 1, "filterType": "FLOW",
                   "trafficFilter": [{"tag": ["x".repeat(400)]}], "dstInterface": []})
        })
        .collect();
    let large = app
        .request(
            "PUT",
            &whole,
            Some(&alice),
            Some(&json!({"trafficRuleList": many})),
            &[],
        )
        .await;
    assert_eq!(
        (large.status, large.body["code"].as_str()),
        (400, Some("INVALID_FIELD")),
        "{}",
        large.body
    );
}
