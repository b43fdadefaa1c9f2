//! The services of an application's configuration: capabilities it requires (names from the
//! capability, counted in its `selectCount` up and down, a required capability not deletable),
//! services it produces (files held, rule ids checked, a rule in use not deletable); an
//! application's deletion lets go of both; a rebuild of the service tables equals their
//! incremental rows.

use serde_json::{json, Value};

use crate::helpers::{app_body, is_temp, spawn_app, upload_file, wait_caught_up, TestApp};

/// The catalogue's "Congestion Detection" (group "Telecom network") and "Uplink Compression".
const CONGESTION: &str = "e0eacedb-e94f-4f13-a616-e8a58335f017";
const UPLINK: &str = "048bea62-30af-4443-a9c4-ff69319c741f";

pub(crate) fn config(app_id: &str, part: &str) -> String {
    format!("/mec/developer/v2/applications/{app_id}/appconfiguration/{part}")
}

pub(crate) async fn new_app(app: &TestApp, token: &str, name: &str) -> String {
    let created = app.create_app(token, &app_body(name)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

async fn select_count(app: &TestApp, capability: &str) -> Value {
    let read = app
        .request(
            "GET",
            &format!("/mec/developer/v2/capabilities/{capability}"),
            Some(&app.tenant(9)),
            None,
            &[],
        )
        .await;
    read.body["selectCount"].clone()
}

#[actix_web::test]
async fn required_capabilities_are_counted_up_and_down() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let first = new_app(&app, &alice, "needs-congestion").await;
    let second = new_app(&app, &bob, "also-needs-it").await;
    let required = app
        .request(
            "POST",
            &config(&first, "servicerequireds"),
            Some(&alice),
            Some(&json!({"id": CONGESTION})),
            &[],
        )
        .await;
    assert_eq!(required.status, 201, "{}", required.body);
    assert_eq!(
        (
            &required.body["twoLevelNameEn"],
            &required.body["oneLevelNameEn"],
            &required.body["serName"],
            &required.body["requestedPermissions"]
        ),
        (
            &json!("Congestion Detection"),
            &json!("Telecom network"),
            &json!("congestion-detection"),
            &json!(true)
        )
    );
    assert_eq!(select_count(&app, CONGESTION).await, json!(1));
    let other = app
        .request(
            "POST",
            &config(&second, "servicerequireds"),
            Some(&bob),
            Some(&json!({"id": CONGESTION})),
            &[],
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.body);
    assert_eq!(select_count(&app, CONGESTION).await, json!(2));

    let events = app.event_count().await;
    let again = app
        .request(
            "POST",
            &config(&first, "servicerequireds"),
            Some(&alice),
            Some(&json!({"id": CONGESTION})),
            &[],
        )
        .await;
    assert_eq!(
        (again.status, again.body["code"].as_str()),
        (409, Some("DUPLICATE_SERVICE"))
    );
    let unknown = app
        .request(
            "POST",
            &config(&first, "servicerequireds"),
            Some(&alice),
            Some(&json!({"id": uuid::Uuid::new_v4().to_string()})),
            &[],
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.body["code"].as_str()),
        (400, Some("UNKNOWN_CAPABILITY"))
    );
    let foreign = app
        .request(
            "POST",
            &config(&first, "servicerequireds"),
            Some(&bob),
            Some(&json!({"id": UPLINK})),
            &[],
        )
        .await;
    assert_eq!(foreign.status, 403);
    assert_eq!(app.event_count().await, events, "refusals change nothing");
    assert_eq!(select_count(&app, CONGESTION).await, json!(2));
    assert_eq!(select_count(&app, UPLINK).await, json!(0));

    let listed = app
        .request(
            "GET",
            &config(&first, "servicerequireds"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        listed.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        listed.body
    );
    let by_app = app
        .request(
            "GET",
            &format!("/mec/developer/v2/query/capabilities/project-id/{first}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(by_app.body[0]["id"], json!(CONGESTION), "{}", by_app.body);
    let in_use = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/capabilities/{CONGESTION}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (in_use.status, in_use.body["code"].as_str()),
        (409, Some("CAPABILITY_IN_USE"))
    );

    let changed = app
        .request(
            "PUT",
            &format!("{}/{CONGESTION}", config(&first, "servicerequireds")),
            Some(&alice),
            Some(&json!({"requestedPermissions": false})),
            &[],
        )
        .await;
    assert_eq!(
        (changed.status, &changed.body["requestedPermissions"]),
        (200, &json!(false)),
        "{}",
        changed.body
    );
    let removed = app
        .request(
            "DELETE",
            &format!("{}/{CONGESTION}", config(&first, "servicerequireds")),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(select_count(&app, CONGESTION).await, json!(1));
    let deleted = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/applications/{second}"),
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(select_count(&app, CONGESTION).await, json!(0));
    wait_caught_up(&app.pool).await;
    assert!(app
        .rows("tbl_app_project_capability", "project_id")
        .await
        .is_empty());
}

#[actix_web::test]
async fn produced_services_hold_their_files_and_name_rules_of_the_application() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let app_id = new_app(&app, &alice, "producer").await;
    let api = upload_file(
        &app,
        &alice,
        "api",
        "svc.yaml",
        b"openapi: 3.0.0\ninfo: {title: t, version: v1}\npaths: {}\n",
    )
    .await;
    let guide = upload_file(&app, &alice, "md", "svc.md", b"# Service\n").await;
    let icon = upload_file(
        &app,
        &alice,
        "icon",
        "svc.png",
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 7],
    )
    .await;
    let rule = json!({"dnsRuleId": "dns-1", "domainName": "svc.example.com", "ipAddressType": "IP_V4", "ipAddress": "10.0.0.9", "ttl": 30});
    assert_eq!(
        app.request(
            "POST",
            &config(&app_id, "dnsrules"),
            Some(&alice),
            Some(&rule),
            &[]
        )
        .await
        .status,
        201
    );
    let service = |name: &str, rules: Value| {
        json!({"oneLevelName": "视频", "oneLevelNameEn": "Video", "twoLevelName": "分析", "description": "video analysis",
               "apiFileId": api, "guideFileId": guide, "iconFileId": icon, "serviceName": name, "internalPort": 8080,
               "version": "v1", "protocol": "HTTP", "author": "alice", "dnsRuleIdList": rules, "trafficRuleIdList": []})
    };
    let unknown_rule = app
        .request(
            "POST",
            &config(&app_id, "serviceproduceds"),
            Some(&alice),
            Some(&service("video", json!(["dns-9"]))),
            &[],
        )
        .await;
    assert_eq!(
        (unknown_rule.status, unknown_rule.body["params"][0].as_str()),
        (400, Some("dnsRuleIdList[0]")),
        "{}",
        unknown_rule.body
    );
    assert_eq!(
        is_temp(&app, &api).await,
        Some(true),
        "a refused service holds nothing"
    );
    let created = app
        .request(
            "POST",
            &config(&app_id, "serviceproduceds"),
            Some(&alice),
            Some(&service("video", json!(["dns-1"]))),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["protocol"], json!("http"));
    let id = created.body["appServiceProducedId"]
        .as_str()
        .expect("id")
        .to_owned();
    for file in [&api, &guide, &icon] {
        assert_eq!(is_temp(&app, file).await, Some(false));
    }
    let duplicate = app
        .request(
            "POST",
            &config(&app_id, "serviceproduceds"),
            Some(&alice),
            Some(&service("video", json!([]))),
            &[],
        )
        .await;
    assert_eq!(
        (duplicate.status, duplicate.body["code"].as_str()),
        (409, Some("DUPLICATE_SERVICE"))
    );
    let rule_in_use = app
        .request(
            "DELETE",
            &format!("{}/dns-1", config(&app_id, "dnsrules")),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (rule_in_use.status, rule_in_use.body["code"].as_str()),
        (409, Some("RULE_IN_USE"))
    );
    let listed = app
        .request(
            "GET",
            &config(&app_id, "serviceproduceds"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (
            listed.body[0]["serviceName"].clone(),
            listed.body[0]["dnsRuleIdList"].clone()
        ),
        (json!("video"), json!(["dns-1"])),
        "{}",
        listed.body
    );

    let renamed = app
        .request(
            "PUT",
            &format!("{}/{id}", config(&app_id, "serviceproduceds")),
            Some(&alice),
            Some(&service("video-2", json!([]))),
            &[],
        )
        .await;
    assert_eq!(
        (renamed.status, &renamed.body["serviceName"]),
        (200, &json!("video-2")),
        "{}",
        renamed.body
    );
    assert_eq!(
        app.request(
            "DELETE",
            &format!("{}/dns-1", config(&app_id, "dnsrules")),
            Some(&alice),
            None,
            &[]
        )
        .await
        .status,
        200
    );
    let removed = app
        .request(
            "DELETE",
            &format!("{}/{id}", config(&app_id, "serviceproduceds")),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200);
    for file in [&api, &guide, &icon] {
        assert_eq!(is_temp(&app, file).await, Some(true));
    }
}

#[actix_web::test]
async fn a_rebuild_of_the_service_tables_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let kept = new_app(&app, &alice, "kept-services").await;
    let gone = new_app(&app, &alice, "gone-services").await;
    for app_id in [&kept, &gone] {
        for capability in [CONGESTION, UPLINK] {
            let reply = app
                .request(
                    "POST",
                    &config(app_id, "servicerequireds"),
                    Some(&alice),
                    Some(&json!({"id": capability})),
                    &[],
                )
                .await;
            assert_eq!(reply.status, 201, "{}", reply.body);
        }
    }
    let changed = app
        .request(
            "PUT",
            &format!("{}/{UPLINK}", config(&kept, "servicerequireds")),
            Some(&alice),
            Some(&json!({"requestedPermissions": false})),
            &[],
        )
        .await;
    assert_eq!(changed.status, 200);
    assert_eq!(
        app.request(
            "DELETE",
            &format!("/mec/developer/v2/applications/{gone}"),
            Some(&alice),
            None,
            &[]
        )
        .await
        .status,
        200
    );
    for app_id in [&kept] {
        let set = app
            .request(
                "PUT",
                &config(app_id, "appcertificate"),
                Some(&alice),
                Some(&json!({"ak": "AK1", "sk": "sk1"})),
                &[],
            )
            .await;
        assert_eq!(set.status, 200, "{}", set.body);
    }
    wait_caught_up(&app.pool).await;
    let required = app.rows("tbl_app_service_required", "app_id, id").await;
    let links = app
        .rows("tbl_app_project_capability", "project_id, capability_id")
        .await;
    assert_eq!((required.len(), links.len()), (2, 2));
    let counts = app.rows("tbl_capability", "id").await;
    let certificates = app.rows("tbl_app_certificate", "app_id").await;
    assert_eq!(certificates.len(), 1);
    app.pool
        .execute("DELETE FROM tbl_app_service_required", &[])
        .await
        .expect("tamper");
    app.pool
        .execute("UPDATE tbl_app_certificate SET ak = 'tampered'", &[])
        .await
        .expect("tamper");
    app.pool
        .execute("UPDATE tbl_capability SET select_count = 7", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("app_configuration")
        .await
        .expect("rebuild");
    app.server
        .state
        .runtime
        .rebuild("capabilities")
        .await
        .expect("rebuild");
    assert_eq!(
        app.rows("tbl_app_service_required", "app_id, id").await,
        required
    );
    assert_eq!(
        app.rows("tbl_app_project_capability", "project_id, capability_id")
            .await,
        links
    );
    assert_eq!(app.rows("tbl_capability", "id").await, counts);
    assert_eq!(
        app.rows("tbl_app_certificate", "app_id").await,
        certificates
    );
}
