//! Testing: the re-packed package goes to the test platform, the task is polled to its end (a
//! pass, a fail), the platform's refusal passes through and changes nothing, every guard.

use serde_json::{json, Value};

use super::{finished, packaged, status_of, vm_application};
use crate::helpers::{spawn_app_with, wait_caught_up, TestApp};

async fn testing_app() -> TestApp {
    spawn_app_with(|config| {
        config.operations.poll = std::time::Duration::from_millis(50);
    })
    .await
}

async fn set_plan(app: &TestApp, plan: Value) {
    let admin = app.admin();
    let set = app
        .request(
            "PUT",
            "/api/v1/simulators/test-platform",
            Some(&admin),
            Some(&plan),
            &[],
        )
        .await;
    assert_eq!(set.status, 204, "{}", set.body);
}

fn tests_of(app_id: &str) -> String {
    format!("/mec/developer/v2/applications/{app_id}/action/atp-tests")
}

#[actix_web::test]
async fn a_passing_test_is_polled_to_success_and_a_failing_one_to_failed() {
    let app = testing_app().await;
    let alice = app.tenant(1);
    let app_id = vm_application(&app, &alice, "tested-vm").await;
    let package = packaged(&app, &alice, &app_id).await;
    set_plan(&app, json!({"pendingPolls": 3})).await;
    let created = app
        .request("POST", &tests_of(&app_id), Some(&alice), None, &[])
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["status"], json!("created"));
    assert_eq!(created.body["appName"], json!("tested-vm"));
    assert_eq!(created.body["packageId"], json!(package));
    assert_eq!(
        status_of(&app, &alice, &app_id).await,
        json!("TESTED"),
        "TESTED once the task exists"
    );
    let op = finished(
        &app,
        &alice,
        created.body["operationId"].as_str().expect("op"),
    )
    .await;
    assert_eq!(
        (&op["status"], &op["progress"]),
        (&json!("SUCCESS"), &json!(100)),
        "{op}"
    );
    assert_eq!(op["operationName"], json!("Application Test"));
    let log = op["actionStatusList"][0]["statusLog"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        log.contains("test task waiting") && log.contains("test task running"),
        "{log}"
    );
    let task_id = created.body["id"].as_str().expect("id").to_owned();
    let one = app
        .request(
            "GET",
            &format!("/mec/developer/v2/applications/{app_id}/atpTests/{task_id}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (one.status, &one.body["status"]),
        (200, &json!("success")),
        "{}",
        one.body
    );

    // A second test, which fails: listed first, its operation FAILED naming the status.
    set_plan(&app, json!({"result": "failed"})).await;
    let second = app
        .request("POST", &tests_of(&app_id), Some(&alice), None, &[])
        .await;
    assert_eq!(second.status, 200, "{}", second.body);
    let op = finished(
        &app,
        &alice,
        second.body["operationId"].as_str().expect("op"),
    )
    .await;
    assert_eq!(op["status"], json!("FAILED"), "{op}");
    assert_eq!(op["errorMsg"], json!("the test task ended failed"));
    wait_caught_up(&app.pool).await;
    let listed = app
        .request("GET", &tests_of(&app_id), Some(&alice), None, &[])
        .await;
    let statuses: Vec<&Value> = listed
        .body
        .as_array()
        .expect("list")
        .iter()
        .map(|t| &t["status"])
        .collect();
    assert_eq!(
        statuses,
        vec![&json!("failed"), &json!("success")],
        "newest first"
    );
    assert_eq!(
        status_of(&app, &alice, &app_id).await,
        json!("TESTED"),
        "a failed test leaves TESTED"
    );

    // The rows, the older model's rows, and a rebuild that writes the same.
    let tasks = app.rows("tbl_atp_test_task", "created_at").await;
    let configs = app.rows("tbl_project_test_config", "deploy_date").await;
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["package_id"], json!(package));
    let deploy: Vec<(&Value, &Value, &Value)> = configs
        .iter()
        .map(|c| (&c["deploy_status"], &c["platform"], &c["stage_status"]))
        .collect();
    assert_eq!(
        deploy,
        vec![
            (
                &json!("SUCCESS"),
                &json!("VIRTUALMACHINE"),
                &json!("success")
            ),
            (&json!("FAILED"), &json!("VIRTUALMACHINE"), &json!("failed"))
        ]
    );
    app.pool
        .execute("DELETE FROM tbl_atp_test_task", &[])
        .await
        .expect("tamper");
    app.pool
        .execute("DELETE FROM tbl_project_test_config", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("app_tests")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_atp_test_task", "created_at").await, tasks);
    assert_eq!(
        app.rows("tbl_project_test_config", "deploy_date").await,
        configs
    );
}

#[actix_web::test]
async fn a_refusing_test_platform_passes_its_code_through_and_nothing_changes() {
    let app = testing_app().await;
    let alice = app.tenant(1);
    let app_id = vm_application(&app, &alice, "refused-vm").await;
    packaged(&app, &alice, &app_id).await;
    set_plan(&app, json!({"fail": "create", "failRetCode": 20042})).await;
    let before = app.event_count().await;
    let refused = app
        .request("POST", &tests_of(&app_id), Some(&alice), None, &[])
        .await;
    assert_eq!(
        (refused.status, &refused.body["code"]),
        (502, &json!("TEST_PLATFORM_REJECTED")),
        "{}",
        refused.body
    );
    assert_eq!(refused.body["retCode"], json!(20042));
    assert!(refused.body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("simulated create failure"));
    assert_eq!(app.event_count().await, before, "nothing recorded");
    assert_eq!(status_of(&app, &alice, &app_id).await, json!("PACKAGED"));

    // Polls that fail end the operation with the platform's answer.
    set_plan(&app, json!({"fail": "status"})).await;
    let created = app
        .request("POST", &tests_of(&app_id), Some(&alice), None, &[])
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let op = finished(
        &app,
        &alice,
        created.body["operationId"].as_str().expect("op"),
    )
    .await;
    assert_eq!(op["status"], json!("FAILED"));
    assert!(
        op["errorMsg"]
            .as_str()
            .unwrap_or_default()
            .contains("simulated status failure"),
        "{op}"
    );
}

#[actix_web::test]
async fn tests_need_a_re_packed_package_and_the_owner() {
    let app = testing_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let guest = app.token("u-guest", "guest", domain::identity::Role::Guest);
    let app_id = vm_application(&app, &alice, "guarded-test").await;
    let post = |app: &TestApp, token: String| {
        let path = tests_of(&app_id);
        let app_base = app.base.clone();
        async move { crate::helpers::call(&app_base, "POST", &path, Some(&token), None, &[]).await }
    };
    let before = app.event_count().await;
    let reply = post(&app, alice.clone()).await;
    assert_eq!(
        (reply.status, &reply.body["code"]),
        (409, &json!("NO_PACKAGE")),
        "{}",
        reply.body
    );
    let generated = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/generate-package"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    let package = generated.body["id"].as_str().expect("id").to_owned();
    let reply = post(&app, alice.clone()).await;
    assert_eq!(
        (reply.status, &reply.body["code"]),
        (409, &json!("INVALID_STATUS")),
        "generated, not re-packed: {}",
        reply.body
    );
    let zipped = app
        .request(
            "POST",
            &format!("/mec/developer/v2/apppackages/{package}/action/zip-package"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(zipped.status, 200);
    let edit = json!({"filePath": "Image/SwImageDesc.json", "content": "[]"});
    let edited = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/apppackages/{package}/action/update-file-content"),
            Some(&alice),
            Some(&edit),
            &[],
        )
        .await;
    assert_eq!(edited.status, 200);
    let after_setup = app.event_count().await;
    assert!(after_setup > before);
    for (token, code, status) in [
        (alice.clone(), "PACKAGE_EDITED", 409),
        (bob.clone(), "FORBIDDEN", 403),
        (guest.clone(), "FORBIDDEN", 403),
    ] {
        let reply = post(&app, token).await;
        assert_eq!(
            (reply.status, &reply.body["code"]),
            (status, &json!(code)),
            "{}",
            reply.body
        );
    }
    let foreign = app
        .request("GET", &tests_of(&app_id), Some(&bob), None, &[])
        .await;
    assert_eq!(foreign.status, 403);
    let missing = app
        .request(
            "GET",
            &format!("/mec/developer/v2/applications/{app_id}/atpTests/none"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (missing.status, &missing.body["code"]),
        (404, &json!("TEST_TASK_NOT_FOUND"))
    );
    assert_eq!(
        app.event_count().await,
        after_setup,
        "no refusal appended an event"
    );
}
