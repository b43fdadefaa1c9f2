//! Uploaded files: the catalogue's file rows seeded once; uploads checked by type, name, suffix
//! and content (each refusal changing nothing); owners and admins read and delete; `{HOST}` in
//! API files; applications must name an icon (and a guide) the caller may use, and hold what
//! they name, so it is neither deleted nor swept; the sweeper deletes files left temporary; a
//! rebuild of `tbl_uploaded_file` equals its incremental rows.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    app_body, is_temp, raw_get, send_form, spawn_app, wait_caught_up, Reply, TestApp,
};

pub(crate) const BASE: &str = "/mec/developer/v2/upload-files";
/// The catalogue's default service icon (metadata only).
const DEFAULT_ICON: &str = "20aeed6a-f05f-4789-94b5-8a50db67d096";

pub(crate) fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(b"\0\0\0\rIHDR-test-icon");
    bytes
}

const OPENAPI_YAML: &str =
    "openapi: 3.0.0\ninfo: {title: probe, version: v1}\nservers: [{url: 'http://{HOST}/probe'}]\npaths: {}\n";

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    file_type: &str,
    name: &str,
    content: Vec<u8>,
) -> Reply {
    send_form(
        &app.base,
        "POST",
        &format!("{BASE}?fileType={file_type}"),
        token,
        &[("file", Some(name.to_owned()), content)],
    )
    .await
}

pub(crate) async fn upload_icon(app: &TestApp, token: &str) -> String {
    let reply = upload(app, token, "icon", "logo.png", png()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["fileId"].as_str().expect("file id").to_owned()
}

fn app_with_icon(name: &str, icon: &str) -> Value {
    let mut body = app_body(name);
    body["iconFileId"] = json!(icon);
    body
}

#[actix_web::test]
async fn the_catalogue_files_are_seeded_shared_and_without_content() {
    let app = spawn_app().await;
    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_uploaded_file", "file_id").await;
    assert_eq!(
        rows.len(),
        commands::catalogue::uploaded_files().expect("data").len()
    );
    assert_eq!(rows.len(), 134);
    assert!(rows
        .iter()
        .all(|r| r["is_temp"] == json!(false) && r["user_id"] == json!("admin")));
    let tenant = app.tenant(1);
    let icon = app
        .request(
            "GET",
            &format!("{BASE}/{DEFAULT_ICON}"),
            Some(&tenant),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (
            icon.status,
            &icon.body["fileName"],
            &icon.body["fileType"],
            &icon.body["isTemp"]
        ),
        (
            200,
            &json!("default service.jpg"),
            &json!("icon"),
            &json!(false)
        ),
        "{}",
        icon.body
    );
    let stream = app
        .request(
            "GET",
            &format!("{BASE}/{DEFAULT_ICON}/action/get-file-stream"),
            Some(&tenant),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (stream.status, stream.body["code"].as_str()),
        (404, Some("FILE_CONTENT_UNAVAILABLE"))
    );
    // Only an admin deletes a catalogue file.
    let refused = app
        .request(
            "DELETE",
            &format!("{BASE}/{DEFAULT_ICON}"),
            Some(&tenant),
            None,
            &[],
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[actix_web::test]
async fn each_type_uploads_and_streams_back_with_host_substitution_in_api_files() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let icon = upload(&app, &alice, "icon", "logo.png", png()).await;
    assert_eq!(icon.status, 201, "{}", icon.body);
    assert_eq!(
        (&icon.body["fileType"], &icon.body["isTemp"]),
        (&json!("icon"), &json!(true))
    );
    let id = icon.body["fileId"].as_str().expect("id");
    let (status, headers, bytes) =
        raw_get(&app, &format!("{BASE}/{id}/action/get-file-stream"), &alice).await;
    assert_eq!((status, bytes), (200, png()));
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("image/png")
    );

    app.register_host("k8s-sandbox-1", "10.250.1.1").await;
    let api = upload(&app, &alice, "api", "probe.yaml", OPENAPI_YAML.into()).await;
    assert_eq!(api.status, 201, "{}", api.body);
    let id = api.body["fileId"].as_str().expect("id");
    let (status, _, bytes) =
        raw_get(&app, &format!("{BASE}/{id}/action/get-file-stream"), &alice).await;
    let text = String::from_utf8(bytes).expect("utf-8");
    assert_eq!(status, 200);
    assert!(text.contains("http://10.250.0.1:32119/probe"), "{text}");
    assert!(!text.contains("{HOST}"));

    let json_api = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}});
    let api = upload(
        &app,
        &alice,
        "api",
        "probe.json",
        json_api.to_string().into(),
    )
    .await;
    assert_eq!(api.status, 201, "{}", api.body);
    let guide = upload(&app, &alice, "md", "guide.md", b"# Guide\n".to_vec()).await;
    assert_eq!(guide.status, 201, "{}", guide.body);
    let script = upload(
        &app,
        &alice,
        "script",
        "setup.sh",
        b"#!/bin/sh\necho ok\n".to_vec(),
    )
    .await;
    assert_eq!(script.status, 201, "{}", script.body);
    let read = app
        .request(
            "GET",
            &format!("{BASE}/{}", script.body["fileId"].as_str().expect("id")),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (read.status, &read.body["fileName"]),
        (200, &json!("setup.sh"))
    );
}

#[actix_web::test]
async fn bad_uploads_are_refused_with_their_codes_and_change_nothing() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let events = app.event_count().await;
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("picture", "logo.png", png(), 400, "INVALID_FIELD"),
        ("icon", "logo.gif", png(), 400, "INVALID_FILE"),
        (
            "icon",
            "logo.png",
            b"not an image".to_vec(),
            400,
            "INVALID_FILE",
        ),
        ("icon", "a:b.png", png(), 400, "INVALID_FIELD"),
        ("icon", " logo.png", png(), 400, "INVALID_FIELD"),
        (
            "api",
            "probe.yaml",
            b"just: [a, mapping]\n".to_vec(),
            400,
            "INVALID_FILE",
        ),
        (
            "api",
            "probe.json",
            b"{not json".to_vec(),
            400,
            "INVALID_FILE",
        ),
        ("md", "guide.txt", b"# Guide".to_vec(), 400, "INVALID_FILE"),
        (
            "md",
            "guide.md",
            vec![0xff, 0xfe, 0x00],
            400,
            "INVALID_FILE",
        ),
        (
            "icon",
            "huge.png",
            [png(), vec![0u8; 2 * 1024 * 1024]].concat(),
            413,
            "FILE_TOO_LARGE",
        ),
    ];
    for (file_type, name, content, status, code) in cases {
        let reply = upload(&app, &alice, file_type, name, content).await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (status, Some(code)),
            "{file_type} {name}: {}",
            reply.body
        );
    }
    let unknown = upload(&app, &alice, "picture", "logo.png", png()).await;
    assert_eq!(
        (
            unknown.body["retCode"].as_u64(),
            unknown.body["params"][0].as_str()
        ),
        (Some(20001), Some("fileType"))
    );
    let no_part = send_form(
        &app.base,
        "POST",
        &format!("{BASE}?fileType=icon"),
        &alice,
        &[("other", None, b"x".to_vec())],
    )
    .await;
    assert_eq!(
        (no_part.status, no_part.body["code"].as_str()),
        (400, Some("MALFORMED_MULTIPART"))
    );
    assert_eq!(app.event_count().await, events);
}

#[actix_web::test]
async fn only_the_owner_or_an_admin_reads_and_deletes_a_file() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let id = upload_icon(&app, &alice).await;
    let path = format!("{BASE}/{id}");
    assert_eq!(
        app.request("GET", &path, Some(&bob), None, &[])
            .await
            .status,
        403
    );
    assert_eq!(
        app.request("DELETE", &path, Some(&bob), None, &[])
            .await
            .status,
        403
    );
    assert_eq!(
        app.request("GET", &path, Some(&app.admin()), None, &[])
            .await
            .status,
        200
    );
    let deleted = app.request("DELETE", &path, Some(&alice), None, &[]).await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!(true)));
    let gone = app.request("GET", &path, Some(&alice), None, &[]).await;
    assert_eq!(
        (gone.status, gone.body["code"].as_str()),
        (404, Some("FILE_NOT_FOUND"))
    );
    assert_eq!(is_temp(&app, &id).await, None);
}

#[actix_web::test]
async fn an_application_must_name_an_icon_and_guide_the_caller_may_use() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let bobs_icon = upload_icon(&app, &bob).await;
    let guide = upload(&app, &alice, "md", "guide.md", b"# Guide\n".to_vec()).await;
    let guide = guide.body["fileId"].as_str().expect("id").to_owned();
    let events = app.event_count().await;
    let missing = uuid::Uuid::new_v4().to_string();
    for (field, value) in [
        ("iconFileId", missing.as_str()),
        ("iconFileId", bobs_icon.as_str()),
        ("iconFileId", guide.as_str()),
    ] {
        let reply = app
            .create_app(&alice, &app_with_icon("icon-check", value))
            .await;
        assert_eq!(
            (
                reply.status,
                reply.body["code"].as_str(),
                reply.body["params"][0].as_str(),
                reply.body["retCode"].as_u64()
            ),
            (
                400,
                Some("INVALID_FILE_REFERENCE"),
                Some(field),
                Some(20016)
            ),
            "{value}: {}",
            reply.body
        );
    }
    let mut body = app_with_icon("icon-check", DEFAULT_ICON);
    body["guideFileId"] = json!(bobs_icon);
    let reply = app.create_app(&alice, &body).await;
    assert_eq!(
        (reply.status, reply.body["params"][0].as_str()),
        (400, Some("guideFileId"))
    );
    assert_eq!(
        app.event_count().await,
        events,
        "a refused create changes nothing"
    );
    // Bob's own icon, and Alice's own guide with a catalogue icon, are accepted.
    assert_eq!(
        app.create_app(&bob, &app_with_icon("bobs-app", &bobs_icon))
            .await
            .status,
        201
    );
    body["guideFileId"] = json!(guide);
    assert_eq!(app.create_app(&alice, &body).await.status, 201);
    assert_eq!(
        (is_temp(&app, &bobs_icon).await, is_temp(&app, &guide).await),
        (Some(false), Some(false))
    );
}

#[actix_web::test]
async fn a_file_an_application_names_is_held_until_the_application_lets_it_go() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let first = upload_icon(&app, &alice).await;
    let second = upload_icon(&app, &alice).await;
    assert_eq!(is_temp(&app, &first).await, Some(true));
    let created = app
        .create_app(&alice, &app_with_icon("holding-app", &first))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let app_id = created.body["id"].as_str().expect("id").to_owned();
    assert_eq!(is_temp(&app, &first).await, Some(false));
    let in_use = app
        .request(
            "DELETE",
            &format!("{BASE}/{first}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (in_use.status, in_use.body["code"].as_str()),
        (409, Some("FILE_IN_USE"))
    );

    // A refused create (same name, version, provider) takes nothing.
    let duplicate = app
        .create_app(&alice, &app_with_icon("holding-app", &second))
        .await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.body);
    assert_eq!(is_temp(&app, &second).await, Some(true));

    // Switching icons holds the new one and lets the old one go.
    let path = format!("/mec/developer/v2/applications/{app_id}");
    let updated = app
        .request(
            "PUT",
            &path,
            Some(&alice),
            Some(&app_with_icon("holding-app", &second)),
            &[],
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(
        (is_temp(&app, &first).await, is_temp(&app, &second).await),
        (Some(true), Some(false))
    );
    let deleted = app.request("DELETE", &path, Some(&alice), None, &[]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(is_temp(&app, &second).await, Some(true));
}

#[actix_web::test]
async fn the_sweeper_deletes_files_left_temporary_and_spares_held_and_catalogue_files() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let loose = upload_icon(&app, &alice).await;
    let held = upload_icon(&app, &alice).await;
    assert_eq!(
        app.create_app(&alice, &app_with_icon("sweep-app", &held))
            .await
            .status,
        201
    );
    wait_caught_up(&app.pool).await;
    let sweep = |ttl| api::routes::upload_files::sweep_temporary(&app.server.state, ttl);
    assert_eq!(
        sweep(Duration::from_secs(3600)).await.expect("sweep"),
        0,
        "nothing is an hour old"
    );
    assert_eq!(sweep(Duration::ZERO).await.expect("sweep"), 1);
    assert_eq!(
        (is_temp(&app, &loose).await, is_temp(&app, &held).await),
        (None, Some(false))
    );
    let gone = app
        .request("GET", &format!("{BASE}/{loose}"), Some(&alice), None, &[])
        .await;
    assert_eq!(gone.status, 404);
    let catalogue: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM tbl_uploaded_file WHERE user_id = 'admin'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(catalogue, 134);
}

#[actix_web::test]
async fn a_rebuild_of_the_uploaded_files_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let kept = upload_icon(&app, &alice).await;
    let removed = upload_icon(&app, &alice).await;
    upload_icon(&app, &alice).await;
    assert_eq!(
        app.create_app(&alice, &app_with_icon("rebuild-app", &kept))
            .await
            .status,
        201
    );
    let deleted = app
        .request(
            "DELETE",
            &format!("{BASE}/{removed}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    wait_caught_up(&app.pool).await;
    let before = app.rows("tbl_uploaded_file", "file_id").await;
    assert_eq!(before.len(), 136);
    app.pool
        .execute(
            "UPDATE tbl_uploaded_file SET is_temp = NOT is_temp, file_name = 'tampered'",
            &[],
        )
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("uploaded_files")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_uploaded_file", "file_id").await, before);
}
