//! Releasing: a VM and a container application go all the way to RELEASED (the package uploaded
//! to the app store and published at its terms, each service produced a capability under its
//! group); every guard, and the app store's failures, leave nothing released.

use domain::ports::StoredApp;
use serde_json::{json, Value};

use super::{finished, packaged, status_of, vm_application};
use crate::helpers::{send_form, spawn_app_with, upload_file, wait_caught_up, TestApp};

/// The catalogue's "视频处理" (video processing) capability group.
const VIDEO_GROUP: &str = "4dba5f43-d802-4ec2-89c5-a2b5d3ffa5fd";

pub(super) async fn release_app() -> TestApp {
    spawn_app_with(|config| {
        config.operations.poll = std::time::Duration::from_millis(50);
    })
    .await
}

/// Declares a service the application produces, under group `one_level_name`: its id.
async fn produce(
    app: &TestApp,
    token: &str,
    app_id: &str,
    one_level_name: &str,
    name: &str,
) -> String {
    let api = upload_file(
        app,
        token,
        "api",
        "svc.yaml",
        b"openapi: 3.0.0\ninfo: {title: t, version: v1}\npaths: {}\n",
    )
    .await;
    let guide = upload_file(app, token, "md", "svc.md", b"# Service\n").await;
    let icon = upload_file(
        app,
        token,
        "icon",
        "svc.png",
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 7],
    )
    .await;
    let service = json!({"oneLevelName": one_level_name, "oneLevelNameEn": format!("{one_level_name} (en)"), "twoLevelName": format!("{name} service"),
        "description": "locates things", "apiFileId": api, "guideFileId": guide, "iconFileId": icon,
        "serviceName": name, "internalPort": 8080, "version": "v1", "protocol": "HTTP", "author": "alice",
        "dnsRuleIdList": [], "trafficRuleIdList": []});
    let added = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/appconfiguration/serviceproduceds"),
            Some(token),
            Some(&service),
            &[],
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    added.body["appServiceProducedId"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Packages and tests the application (the test passes unless the plan says otherwise).
pub(super) async fn tested(app: &TestApp, token: &str, app_id: &str) -> String {
    packaged(app, token, app_id).await;
    let task = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/atp-tests"),
            Some(token),
            None,
            &[],
        )
        .await;
    assert_eq!(task.status, 200, "{}", task.body);
    finished(app, token, task.body["operationId"].as_str().expect("op")).await;
    task.body["id"].as_str().expect("task").to_owned()
}

fn release_path(app_id: &str) -> String {
    format!("/mec/developer/v2/applications/{app_id}/action/release")
}

/// A capability as its owner reads it, by the id a release answered with.
async fn capability_of(app: &TestApp, token: &str, capability: &Value) -> crate::helpers::Reply {
    let id = capability["id"].as_str().expect("id");
    app.request(
        "GET",
        &format!("/mec/developer/v2/capabilities/{id}"),
        Some(token),
        None,
        &[],
    )
    .await
}

async fn capability_names(app: &TestApp) -> Vec<String> {
    let admin = app.admin();
    let all = app
        .request(
            "GET",
            "/mec/developer/v2/capabilities",
            Some(&admin),
            None,
            &[],
        )
        .await;
    let mut names: Vec<String> = all
        .body
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

async fn set_store_plan(app: &TestApp, plan: Value) {
    let admin = app.admin();
    let set = app
        .request(
            "PUT",
            "/api/v1/simulators/app-store",
            Some(&admin),
            Some(&plan),
            &[],
        )
        .await;
    assert_eq!(set.status, 204, "{}", set.body);
}

#[actix_web::test]
async fn a_vm_and_a_container_application_are_released_with_their_services_as_capabilities() {
    let app = release_app().await;
    let alice = app.tenant(1);
    let app_id = vm_application(&app, &alice, "released-vm").await;
    produce(&app, &alice, &app_id, "视频处理", "locator").await;
    let task = tested(&app, &alice, &app_id).await;
    assert_eq!(status_of(&app, &alice, &app_id).await, json!("TESTED"));
    let released = app
        .request(
            "POST",
            &release_path(&app_id),
            Some(&alice),
            Some(&json!({"isFree": false, "price": 9.99})),
            &[],
        )
        .await;
    assert_eq!(released.status, 200, "{}", released.body);
    assert_eq!(status_of(&app, &alice, &app_id).await, json!("RELEASED"));
    assert_eq!(
        (&released.body["isFree"], &released.body["price"]),
        (&json!(false), &json!(9.99))
    );
    assert_eq!(released.body["testTaskId"], json!(task));
    let capability = &released.body["capabilities"][0];
    assert_eq!(
        (&capability["groupId"], &capability["name"]),
        (&json!(VIDEO_GROUP), &json!("locator service"))
    );
    let shown = capability_of(&app, &alice, capability).await;
    assert_eq!(
        (shown.status, &shown.body["host"], &shown.body["port"]),
        (200, &json!("locator"), &json!(8080)),
        "{}",
        shown.body
    );

    // The store holds the package as built, published at the terms.
    let stored = StoredApp {
        app_id: released.body["appStoreAppId"]
            .as_str()
            .expect("store app")
            .to_owned(),
        package_id: released.body["appStorePackageId"]
            .as_str()
            .expect("store package")
            .to_owned(),
    };
    let sim = app
        .server
        .state
        .app_store
        .simulator
        .clone()
        .expect("the simulator");
    let kept = sim.stored(&stored).expect("stored");
    assert_eq!(kept.published, Some((false, 999)));
    // The capability the release registered names the store's application and package.
    wait_caught_up(&app.pool).await;
    let shown = capability_of(&app, &alice, capability).await;
    assert_eq!(
        (&shown.body["appId"], &shown.body["packageId"]),
        (&json!(stored.app_id), &json!(stored.package_id)),
        "{}",
        shown.body
    );
    assert_eq!(
        (kept.meta.name.as_str(), kept.meta.test_task_id.as_str()),
        ("released-vm", task.as_str())
    );
    let package = released.body["packageId"].as_str().expect("package");
    let (_, _, csar) = crate::helpers::raw_get(
        &app,
        &format!("/mec/developer/v2/apppackages/{package}/action/download"),
        &alice,
    )
    .await;
    assert_eq!(kept.bytes, csar);

    // Released: nothing changes any more.
    let again = app
        .request(
            "POST",
            &release_path(&app_id),
            Some(&alice),
            Some(&json!({"isFree": true})),
            &[],
        )
        .await;
    assert_eq!(
        (again.status, &again.body["code"]),
        (409, &json!("INVALID_STATUS"))
    );

    // A container application, free.
    let mut body = crate::helpers::app_body("released-web");
    body["iconFileId"] = json!(super::icon(&app, &alice).await);
    let created = app.create_app(&alice, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let charts = format!(
        "/mec/developer/v2/applications/{}/helmcharts",
        created.body["id"].as_str().expect("id")
    );
    let chart = crate::helm_charts::web_chart("nginx:1.25");
    let added = send_form(
        &app.base,
        "POST",
        &charts,
        &alice,
        &[("file", Some("web.tgz".to_owned()), chart)],
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let web_id = charts
        .trim_end_matches("/helmcharts")
        .rsplit('/')
        .next()
        .expect("id")
        .to_owned();
    tested(&app, &alice, &web_id).await;
    let free = app
        .request(
            "POST",
            &release_path(&web_id),
            Some(&alice),
            Some(&json!({"isFree": true})),
            &[],
        )
        .await;
    assert_eq!(
        (free.status, &free.body["price"], &free.body["capabilities"]),
        (200, &json!(0.0), &json!([])),
        "{}",
        free.body
    );
    assert_eq!(status_of(&app, &alice, &web_id).await, json!("RELEASED"));

    // The rows, the older model's columns, and a rebuild that writes the same.
    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_release_config", "create_time").await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            &rows[0]["project_id"],
            &rows[0]["price_cents"],
            &rows[0]["test_status"]
        ),
        (&json!(app_id), &json!(999), &json!("success"))
    );
    let project = app
        .rows("tbl_app_project", "id")
        .await
        .into_iter()
        .find(|r| r["id"] == json!(app_id))
        .expect("project row");
    assert_eq!(
        (
            &project["last_test_id"],
            &project["open_capability_id"],
            &project["status"]
        ),
        (&json!(task), &capability["id"], &json!("RELEASED"))
    );
    app.pool
        .execute("DELETE FROM tbl_release_config", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("app_releases")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_release_config", "create_time").await, rows);
    let projects = app.rows("tbl_app_project", "id").await;
    app.pool
        .execute("DELETE FROM tbl_app_project", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("app_projects")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_app_project", "id").await, projects);
}

#[actix_web::test]
async fn guards_and_store_failures_release_nothing() {
    let app = release_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let guest = app.token("u-guest", "guest", domain::identity::Role::Guest);
    let app_id = vm_application(&app, &alice, "guarded-release").await;
    produce(&app, &alice, &app_id, "视频处理", "finder").await;
    let terms = json!({"isFree": true});
    let post = |token: &str| {
        let (base, path, token, terms) = (
            app.base.clone(),
            release_path(&app_id),
            token.to_owned(),
            terms.clone(),
        );
        async move { crate::helpers::call(&base, "POST", &path, Some(&token), Some(&terms), &[]).await }
    };
    packaged(&app, &alice, &app_id).await;
    let reply = post(&alice).await;
    assert_eq!(
        (reply.status, &reply.body["code"]),
        (409, &json!("INVALID_STATUS")),
        "before a test: {}",
        reply.body
    );

    // A failed newest test.
    let admin = app.admin();
    let plan = |result: &str| json!({"result": result});
    let set = app
        .request(
            "PUT",
            "/api/v1/simulators/test-platform",
            Some(&admin),
            Some(&plan("failed")),
            &[],
        )
        .await;
    assert_eq!(set.status, 204);
    let task = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/atp-tests"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    finished(&app, &alice, task.body["operationId"].as_str().expect("op")).await;
    let reply = post(&alice).await;
    assert_eq!(
        (reply.status, &reply.body["code"]),
        (400, &json!("TEST_NOT_PASSED")),
        "{}",
        reply.body
    );
    assert_eq!(
        reply.body["message"],
        json!("atp test status is failed, can not be released")
    );

    // A passed test; then each guard and failure in turn.
    app.request(
        "PUT",
        "/api/v1/simulators/test-platform",
        Some(&admin),
        Some(&plan("success")),
        &[],
    )
    .await;
    let task = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/atp-tests"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    finished(&app, &alice, task.body["operationId"].as_str().expect("op")).await;
    let names = capability_names(&app).await;
    let events = app.event_count().await;
    for (token, code, status) in [(&bob, "FORBIDDEN", 403), (&guest, "FORBIDDEN", 403)] {
        let reply = post(token).await;
        assert_eq!(
            (reply.status, &reply.body["code"]),
            (status, &json!(code)),
            "{}",
            reply.body
        );
    }
    let unpriced = app
        .request(
            "POST",
            &release_path(&app_id),
            Some(&alice),
            Some(&json!({"isFree": false})),
            &[],
        )
        .await;
    assert_eq!(
        (unpriced.status, &unpriced.body["code"]),
        (400, &json!("INVALID_FIELD"))
    );
    assert_eq!(app.event_count().await, events, "refusals append nothing");

    set_store_plan(&app, json!({"fail": "upload", "failRetCode": 20042})).await;
    let reply = post(&alice).await;
    assert_eq!(
        (reply.status, &reply.body["code"], &reply.body["retCode"]),
        (502, &json!("APP_STORE_REJECTED"), &json!(20042)),
        "{}",
        reply.body
    );
    set_store_plan(&app, json!({"fail": "publish"})).await;
    let reply = post(&alice).await;
    assert_eq!(
        (reply.status, &reply.body["retCode"]),
        (502, &json!(28888)),
        "{}",
        reply.body
    );
    set_store_plan(&app, json!({})).await;
    wait_caught_up(&app.pool).await;
    assert_eq!(
        capability_names(&app).await,
        names,
        "the capabilities registered were taken back"
    );
    assert_eq!(status_of(&app, &alice, &app_id).await, json!("TESTED"));

    // A service whose group does not exist (a change of configuration: package and test again).
    let nowhere = produce(&app, &alice, &app_id, "no such group", "nowhere").await;
    assert_eq!(status_of(&app, &alice, &app_id).await, json!("CONFIGURED"));
    tested(&app, &alice, &app_id).await;
    let reply = post(&alice).await;
    assert_eq!(
        (reply.status, &reply.body["code"]),
        (400, &json!("UNKNOWN_CAPABILITY_GROUP")),
        "{}",
        reply.body
    );
    let removed = app
        .request("DELETE", &format!("/mec/developer/v2/applications/{app_id}/appconfiguration/serviceproduceds/{nowhere}"), Some(&alice), None, &[])
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    tested(&app, &alice, &app_id).await;

    // A capability already has the service's name.
    let files = (
        upload_file(
            &app,
            &admin,
            "api",
            "c.yaml",
            b"openapi: 3.0.0\ninfo: {title: t, version: v1}\npaths: {}\n",
        )
        .await,
        upload_file(&app, &admin, "md", "c.md", b"# C\n").await,
        upload_file(
            &app,
            &admin,
            "icon",
            "c.png",
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 3],
        )
        .await,
    );
    let taken = json!({"name": "finder service", "nameEn": "Finder", "version": "v1", "groupId": VIDEO_GROUP,
        "apiFileId": files.0, "guideFileId": files.1, "iconFileId": files.2, "host": "finder-elsewhere", "port": 80, "protocol": "HTTP"});
    let created = app
        .request(
            "POST",
            "/mec/developer/v2/capabilities",
            Some(&admin),
            Some(&taken),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let reply = post(&alice).await;
    assert_eq!(
        (reply.status, &reply.body["code"]),
        (400, &json!("SERVICE_CAPABILITY_EXISTS")),
        "{}",
        reply.body
    );
    assert_eq!(
        status_of(&app, &alice, &app_id).await,
        json!("TESTED"),
        "nothing released"
    );
    wait_caught_up(&app.pool).await;
    let mut expected = names.clone();
    expected.push("finder service".to_owned());
    expected.sort();
    assert_eq!(capability_names(&app).await, expected);
}
