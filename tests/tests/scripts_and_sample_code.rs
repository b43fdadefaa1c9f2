//! Files other resources are made of: an application's scripts (uploaded script files the
//! script holds) and the sample code generated from uploaded API descriptions.

use serde_json::json;

use crate::helpers::{app_body, is_temp, raw_get, send_form, spawn_app, wait_caught_up};
use crate::upload_files::{upload, upload_icon, BASE};

#[actix_web::test]
async fn scripts_are_uploaded_files_the_application_holds() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let created = app.create_app(&alice, &app_body("scripted-app")).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let scripts = format!(
        "/mec/developer/v2/applications/{}/scripts",
        created.body["id"].as_str().expect("id")
    );
    let form = |name: &str, content: &[u8]| vec![("file", Some(name.to_owned()), content.to_vec())];
    let added = send_form(
        &app.base,
        "POST",
        &scripts,
        &alice,
        &form("init.sh", b"#!/bin/sh\necho hi\n"),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let file = added.body["scriptFileId"]
        .as_str()
        .expect("file id")
        .to_owned();
    assert_eq!(added.body["name"], json!("init.sh"));
    assert_eq!(is_temp(&app, &file).await, Some(false));
    let (status, _, bytes) = raw_get(
        &app,
        &format!("{BASE}/{file}/action/get-file-stream"),
        &alice,
    )
    .await;
    assert_eq!((status, bytes), (200, b"#!/bin/sh\necho hi\n".to_vec()));
    let events = app.event_count().await;
    let wrong = send_form(
        &app.base,
        "POST",
        &scripts,
        &alice,
        &form("init.py", b"print()"),
    )
    .await;
    assert_eq!(
        (wrong.status, wrong.body["code"].as_str()),
        (400, Some("INVALID_FILE"))
    );
    let foreign = send_form(&app.base, "POST", &scripts, &bob, &form("x.sh", b"echo")).await;
    assert_eq!(foreign.status, 403);
    assert_eq!(
        app.event_count().await,
        events,
        "refused uploads record nothing"
    );
    let listed = app.request("GET", &scripts, Some(&alice), None, &[]).await;
    assert_eq!(
        listed.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        listed.body
    );
    let id = added.body["id"].as_str().expect("id");
    let removed = app
        .request(
            "DELETE",
            &format!("{scripts}/{id}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!((removed.status, &removed.body), (200, &json!(true)));
    assert_eq!(is_temp(&app, &file).await, Some(true));
    let listed = app.request("GET", &scripts, Some(&alice), None, &[]).await;
    assert_eq!(listed.body, json!([]));
    let kept = send_form(
        &app.base,
        "POST",
        &scripts,
        &alice,
        &form("keep.sh", b"true\n"),
    )
    .await;
    assert_eq!(kept.status, 201, "{}", kept.body);
    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_app_script", "id").await;
    assert_eq!(rows.len(), 1);
    app.pool
        .execute(
            "INSERT INTO tbl_app_script (id, app_id, create_time) VALUES ('x', 'y', now())",
            &[],
        )
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("app_scripts")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_app_script", "id").await, rows);
}

#[actix_web::test]
async fn sample_code_is_generated_from_the_api_files_the_caller_may_read() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let api = "openapi: 3.0.0\ninfo: {title: Probe Service, version: v2}\nservers: [{url: 'http://{HOST}/probe'}]\n\
               paths:\n  /items/{itemId}:\n    get: {operationId: getItem, summary: One item, parameters: [{name: itemId, in: path}, {name: verbose, in: query}]}\n    delete: {summary: Remove}\n";
    let uploaded = upload(&app, &alice, "api", "probe.yaml", api.into()).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let id = uploaded.body["fileId"].as_str().expect("id").to_owned();
    let body = json!([id]);
    let tree = app
        .request(
            "POST",
            &format!("{BASE}/action/get-sample-code-structure"),
            Some(&alice),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(tree.status, 200, "{}", tree.body);
    assert_eq!(tree.body[0]["name"], json!("probe_service"));
    assert_eq!(
        tree.body[0]["children"][1]["path"],
        json!("probe_service/client.py")
    );
    let (status, _, bytes) = {
        let mut response = awc::Client::default()
            .post(format!(
                "{}{BASE}/action/get-sample-code-content?fileName=probe_service/client.py",
                app.base
            ))
            .insert_header(("access_token", alice.as_str()))
            .send_json(&body)
            .await
            .expect("sent");
        let bytes = response.body().await.expect("body").to_vec();
        (response.status().as_u16(), (), bytes)
    };
    let client = String::from_utf8(bytes).expect("utf-8");
    assert_eq!(status, 200, "{client}");
    assert!(
        client.contains("def getitem(self, itemid, verbose=None):"),
        "{client}"
    );
    assert!(
        client.contains("def delete_items_itemid(self, itemid):"),
        "{client}"
    );
    // The generated client is Python that parses, where a Python is at hand.
    if let Ok(mut python) = std::process::Command::new("python3")
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
        .stdin(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        python
            .stdin
            .take()
            .expect("stdin")
            .write_all(client.as_bytes())
            .expect("write");
        assert!(python.wait().expect("python").success(), "{client}");
    }
    let mut response = awc::Client::default()
        .post(format!("{}{BASE}/action/download-sample-code", app.base))
        .insert_header(("access_token", alice.as_str()))
        .send_json(&body)
        .await
        .expect("sent");
    let archive = response.body().limit(1 << 20).await.expect("body");
    assert_eq!(
        (response.status().as_u16(), &archive[..2]),
        (200, &[0x1f, 0x8b][..])
    );

    let foreign = app
        .request(
            "POST",
            &format!("{BASE}/action/get-sample-code-structure"),
            Some(&bob),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    let icon = upload_icon(&app, &alice).await;
    let not_api = app
        .request(
            "POST",
            &format!("{BASE}/action/get-sample-code-structure"),
            Some(&alice),
            Some(&json!([icon])),
            &[],
        )
        .await;
    assert_eq!(
        (not_api.status, not_api.body["code"].as_str()),
        (400, Some("INVALID_FILE_REFERENCE"))
    );
    let object = app
        .request(
            "POST",
            &format!("{BASE}/action/get-sample-code-structure"),
            Some(&alice),
            Some(&json!({"ids": [id]})),
            &[],
        )
        .await;
    assert_eq!(
        (object.status, object.body["code"].as_str()),
        (400, Some("MALFORMED_JSON"))
    );
}
