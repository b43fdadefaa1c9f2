//! The Application slice end to end: HTTP command -> events -> projections -> queries.

use serde_json::{json, Value};

use futures_util::future::join_all;

use crate::helpers::{app_body, spawn_app, wait_caught_up};

const APPS: &str = "/mec/developer/v2/applications";

#[actix_web::test]
async fn a_created_application_is_visible_to_the_next_get_and_in_both_read_models() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let created = app.create_app(&token, &app_body("camera-app")).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    assert_eq!(created.body["status"], "CREATED");
    assert_eq!(created.body["userId"], "tenant-1");
    assert_eq!(
        created
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some(format!("{APPS}/{id}").as_str())
    );

    // Read-your-writes: no waiting between POST and GET.
    let fetched = app
        .request("GET", &format!("{APPS}/{id}"), Some(&token), None, &[])
        .await;
    assert_eq!(fetched.status, 200);
    assert_eq!(
        fetched.body, created.body,
        "GET shows exactly what POST answered"
    );

    wait_caught_up(&app.pool).await;
    let project = app.rows("tbl_app_project", "id").await;
    assert_eq!(project.len(), 1);
    assert_eq!(project[0]["id"], id.as_str());
    assert_eq!(project[0]["platform"], "X86");
    assert_eq!(project[0]["industries"], "Smart Park");
    assert_eq!(project[0]["deploy_platform"], "KUBERNETES");
    assert_eq!(project[0]["project_type"], "CREATE_NEW");
    assert_eq!(project[0]["status"], "ONLINE");
    assert_eq!(project[0]["user_id"], "tenant-1");
}

#[actix_web::test]
async fn an_application_is_updated_hosted_and_deleted_by_its_owner() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let id = app.create_app(&token, &app_body("camera-app")).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("{APPS}/{id}");

    let mut changed = app_body("camera-app-2");
    changed["description"] = json!("now with night vision");
    changed["appClass"] = json!("CONTAINER");
    let updated = app
        .request("PUT", &path, Some(&token), Some(&changed), &[])
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["name"], "camera-app-2");
    assert_eq!(
        updated.headers.get("etag").and_then(|v| v.to_str().ok()),
        Some("\"2\"")
    );
    let fetched = app.request("GET", &path, Some(&token), None, &[]).await;
    assert_eq!(fetched.body["description"], "now with night vision");
    assert_eq!(fetched.body["appClass"], "CONTAINER");

    let host_id = app.register_host("sandbox-01", "10.250.0.2").await;
    let host = host_id.as_str();
    let selected = app
        .request(
            "PUT",
            &format!("{path}/action/sel-mephost"),
            Some(&token),
            Some(&json!({ "mepHostId": host })),
            &[],
        )
        .await;
    assert_eq!((selected.status, &selected.body), (200, &Value::Bool(true)));
    assert_eq!(
        app.request("GET", &path, Some(&token), None, &[])
            .await
            .body["mepHostId"],
        host
    );

    let deleted = app.request("DELETE", &path, Some(&token), None, &[]).await;
    assert_eq!((deleted.status, &deleted.body), (200, &Value::Bool(true)));
    assert_eq!(
        app.request("GET", &path, Some(&token), None, &[])
            .await
            .status,
        404
    );
    assert_eq!(
        app.request("DELETE", &path, Some(&token), None, &[])
            .await
            .status,
        404
    );
    wait_caught_up(&app.pool).await;
    assert!(app.rows("tbl_application", "id").await.is_empty());
    assert!(app.rows("tbl_app_project", "id").await.is_empty());
}

#[actix_web::test]
async fn every_invalid_field_is_rejected_with_400_naming_it_and_nothing_is_appended() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let cases: Vec<(&str, Value)> = vec![
        ("name", json!("ab")),
        ("name", json!("_camera")),
        ("name", json!("123456")),
        ("name", Value::Null),
        ("version", json!("v1.0.0.0.0.0.0")),
        ("provider", json!(" acme")),
        ("description", json!("d".repeat(256))),
        ("description", json!("12345")),
        ("iconFileId", Value::Null),
        ("iconFileId", json!("")),
        ("appClass", json!("VMWARE")),
        ("architecture", json!("RISCV")),
        ("appCreateType", json!("MIGRATED")),
        ("type", json!("t".repeat(51))),
    ];
    for (field, value) in cases {
        let mut body = app_body("camera-app");
        body[field] = value.clone();
        let reply = app.create_app(&token, &body).await;
        assert_eq!(reply.status, 400, "{field} = {value}: {:?}", reply.body);
        assert_eq!(reply.body["code"], "INVALID_FIELD");
        assert_eq!(reply.body["params"], json!([field]), "{field} = {value}");
        assert_eq!(reply.body["path"], APPS);
        assert!(reply.body["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let missing_icon = {
        let mut body = app_body("camera-app");
        body.as_object_mut().expect("object").remove("iconFileId");
        app.create_app(&token, &body).await
    };
    assert_eq!(missing_icon.body["retCode"], 20016);
    assert_eq!(
        app.event_count().await,
        0,
        "a rejected command appends nothing"
    );
}

#[actix_web::test]
async fn concurrent_creates_of_the_same_triple_yield_exactly_one_application() {
    let app = spawn_app().await;
    let tokens: Vec<String> = (1..=8).map(|n| app.tenant(n)).collect();
    let body = app_body("same-app");
    let replies = join_all(tokens.iter().map(|t| app.create_app(t, &body))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    let conflict = replies.iter().find(|r| r.status == 409).expect("a 409");
    assert_eq!(conflict.body["code"], "DUPLICATE_APPLICATION");
    assert_eq!(app.event_count().await, 1);
    wait_caught_up(&app.pool).await;
    assert_eq!(app.rows("tbl_application", "id").await.len(), 1);
}

#[actix_web::test]
async fn the_same_name_with_another_version_or_provider_is_a_different_application() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    assert_eq!(
        app.create_app(&token, &app_body("camera-app")).await.status,
        201
    );
    let mut v2 = app_body("camera-app");
    v2["version"] = json!("v2.0");
    assert_eq!(app.create_app(&token, &v2).await.status, 201);
    let mut other = app_body("camera-app");
    other["provider"] = json!("another vendor");
    assert_eq!(app.create_app(&token, &other).await.status, 201);
    assert_eq!(
        app.create_app(&token, &app_body("camera-app")).await.status,
        409
    );
}

#[actix_web::test]
async fn deleting_or_renaming_an_application_frees_its_triple() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let first = app.create_app(&token, &app_body("camera-app")).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let second = app.create_app(&token, &app_body("other-app")).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Renaming the second onto the first's triple conflicts; renaming the first frees it.
    let onto_first = app
        .request(
            "PUT",
            &format!("{APPS}/{second}"),
            Some(&token),
            Some(&app_body("camera-app")),
            &[],
        )
        .await;
    assert_eq!(onto_first.status, 409);
    let renamed = app
        .request(
            "PUT",
            &format!("{APPS}/{first}"),
            Some(&token),
            Some(&app_body("renamed-app")),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 200);
    assert_eq!(
        app.create_app(&token, &app_body("camera-app")).await.status,
        201
    );
    // Deleting frees the triple for anyone.
    assert_eq!(
        app.request(
            "DELETE",
            &format!("{APPS}/{second}"),
            Some(&token),
            None,
            &[]
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.create_app(&app.tenant(2), &app_body("other-app"))
            .await
            .status,
        201
    );
}

#[actix_web::test]
async fn a_retried_post_with_the_same_idempotency_key_returns_the_first_result() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let key = [("Idempotency-Key", "create-camera-1")];
    let first = app
        .request(
            "POST",
            APPS,
            Some(&token),
            Some(&app_body("camera-app")),
            &key,
        )
        .await;
    let retry = app
        .request(
            "POST",
            APPS,
            Some(&token),
            Some(&app_body("camera-app")),
            &key,
        )
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(retry.status, 201);
    assert_eq!(
        retry.body, first.body,
        "same application, not a duplicate error"
    );
    assert_eq!(app.event_count().await, 1);
    let other_body = app
        .request(
            "POST",
            APPS,
            Some(&token),
            Some(&app_body("another-app")),
            &key,
        )
        .await;
    assert_eq!(other_body.status, 422);
    assert_eq!(other_body.body["code"], "IDEMPOTENCY_KEY_REUSED");
    // Keys are per user: another tenant's identical key is independent.
    let other_user = app
        .request(
            "POST",
            APPS,
            Some(&app.tenant(2)),
            Some(&app_body("third-app")),
            &key,
        )
        .await;
    assert_eq!(other_user.status, 201);
    assert_eq!(app.event_count().await, 2);
}

#[actix_web::test]
async fn concurrent_retries_with_one_idempotency_key_create_one_application() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let key = [("Idempotency-Key", "burst-1")];
    let body = app_body("camera-app");
    let replies =
        join_all((0..6).map(|_| app.request("POST", APPS, Some(&token), Some(&body), &key))).await;
    let ids: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|r| r.body["id"].as_str().unwrap_or("none").to_owned())
        .collect();
    assert!(
        replies.iter().all(|r| r.status == 201),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(app.event_count().await, 1);
}

#[actix_web::test]
async fn if_match_with_a_stale_version_is_refused_with_412() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let id = app.create_app(&token, &app_body("camera-app")).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("{APPS}/{id}");
    let stale = app
        .request(
            "PUT",
            &path,
            Some(&token),
            Some(&app_body("camera-app-2")),
            &[("If-Match", "\"7\"")],
        )
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.body["code"], "VERSION_MISMATCH");
    let current = app
        .request(
            "PUT",
            &path,
            Some(&token),
            Some(&app_body("camera-app-2")),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(current.status, 200);
}

#[actix_web::test]
async fn the_list_pages_filters_by_name_and_shows_tenants_only_their_own() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let bob = app.tenant(2);
    for name in ["camera-one", "camera-two", "radar-one"] {
        assert_eq!(app.create_app(&alice, &app_body(name)).await.status, 201);
    }
    assert_eq!(
        app.create_app(&bob, &app_body("bob-camera")).await.status,
        201
    );

    let page = app
        .request(
            "GET",
            &format!("{APPS}?limit=2&offset=0"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["total"], 3);
    assert_eq!(page.body["limit"], 2);
    assert_eq!(page.body["results"].as_array().map(Vec::len), Some(2));
    let rest = app
        .request(
            "GET",
            &format!("{APPS}?limit=2&offset=2"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(rest.body["results"].as_array().map(Vec::len), Some(1));

    let cameras = app
        .request(
            "GET",
            &format!("{APPS}?name=CAMERA"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    let names: Vec<&str> = cameras.body["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("camera")));

    let all = app
        .request("GET", APPS, Some(&app.admin()), None, &[])
        .await;
    assert_eq!(all.body["total"], 4, "admins see every application");
    let bad = app
        .request("GET", &format!("{APPS}?limit=0"), Some(&alice), None, &[])
        .await;
    assert_eq!(bad.status, 400);
    let percent = app
        .request("GET", &format!("{APPS}?name=%25"), Some(&alice), None, &[])
        .await;
    assert_eq!(percent.body["total"], 0, "a % in the filter is literal");
}

#[actix_web::test]
async fn a_selected_host_id_must_be_a_uuid() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let id = app.create_app(&token, &app_body("camera-app")).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let reply = app
        .request(
            "PUT",
            &format!("{APPS}/{id}/action/sel-mephost"),
            Some(&token),
            Some(&json!({ "mepHostId": "host-1" })),
            &[],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["params"], json!(["mepHostId"]));
    let unknown = app
        .request(
            "PUT",
            &format!("{APPS}/{id}/action/sel-mephost"),
            Some(&token),
            Some(&json!({ "mepHostId": "1f0c8a4e-7d7e-4d6b-9a43-0f1c2d3e4f50" })),
            &[],
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.body["retCode"].as_u64()),
        (400, Some(20007))
    );
}

#[actix_web::test]
async fn an_idempotency_key_reused_on_another_request_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let x = app.create_app(&token, &app_body("app-x")).await;
    let y = app.create_app(&token, &app_body("app-y")).await;
    let (x, y) = (
        x.body["id"].as_str().expect("x").to_owned(),
        y.body["id"].as_str().expect("y").to_owned(),
    );
    let key = [("Idempotency-Key", "k1")];
    let mut changed = app_body("app-x");
    changed["description"] = json!("changed once");
    let put = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/applications/{x}"),
            Some(&token),
            Some(&changed),
            &key,
        )
        .await;
    assert_eq!(put.status, 200, "{:?}", put.body);
    let events = app.event_count().await;

    // The same key on another resource and method: refused, Y untouched.
    let delete = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/applications/{y}"),
            Some(&token),
            None,
            &key,
        )
        .await;
    assert_eq!(
        (delete.status, delete.body["code"].as_str()),
        (422, Some("IDEMPOTENCY_KEY_REUSED")),
        "{:?}",
        delete.body
    );
    // The same key on the same resource with another body: refused too.
    let mut other = app_body("app-x");
    other["description"] = json!("changed twice");
    let second_put = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/applications/{x}"),
            Some(&token),
            Some(&other),
            &key,
        )
        .await;
    assert_eq!(second_put.status, 422, "{:?}", second_put.body);
    // The very same request again: the first answer, nothing appended.
    let retry = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/applications/{x}"),
            Some(&token),
            Some(&changed),
            &key,
        )
        .await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.body["description"], "changed once");
    assert_eq!(app.event_count().await, events);
    let still = app
        .request(
            "GET",
            &format!("/mec/developer/v2/applications/{y}"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(still.status, 200, "Y still exists");
}
