//! Packaging: a VM and a container application packaged, the CSAR a valid zip whose manifest
//! digests match its files and whose signature verifies, a file edited (the manifest stale) and
//! the package re-packed (PACKAGED, digests and signature right again); refusals that change
//! nothing; the projection's rebuild.

use serde_json::{json, Value};

use super::{
    download, manifest_matches, signing_app, status_of, vm_application, PASSWORD, PUBLIC_KEY,
};
use crate::helpers::{app_body, send_form, spawn_app, wait_caught_up};

#[actix_web::test]
async fn a_vm_application_is_packaged_edited_and_repacked_with_a_signed_manifest() {
    let app = signing_app().await;
    let alice = app.tenant(1);
    let app_id = vm_application(&app, &alice, "packaged-vm").await;
    let generated = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/generate-package"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(generated.status, 200, "{}", generated.body);
    let package = generated.body["id"].as_str().expect("id").to_owned();
    assert_eq!(generated.body["appId"], json!(app_id));
    assert_eq!(
        generated.body["packageFileName"],
        json!("packaged-vm_v1.0.csar")
    );
    assert_eq!(
        (&generated.body["signed"], &generated.body["edited"]),
        (&json!(true), &json!(false))
    );
    assert_eq!(
        status_of(&app, &alice, &app_id).await,
        json!("CONFIGURED"),
        "generating leaves the status"
    );

    let files = download(&app, &package, &alice).await;
    let manifest = "packaged-vm_v1.0.mf";
    for path in [
        "TOSCA-Metadata/TOSCA.meta",
        manifest,
        "APPD/Definitions/MainServiceTemplate.yaml",
        "Image/SwImageDesc.json",
    ] {
        assert!(files.contains_key(path), "{path} in {:?}", files.keys());
    }
    assert!(manifest_matches(&files, manifest));
    let signature = &files[&format!("{manifest}.sig")];
    assert!(workflows::package::signing::verify(
        PUBLIC_KEY,
        &files[manifest],
        signature
    ));
    let everything: Vec<u8> = files.values().flatten().copied().collect();
    assert!(
        !everything
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()),
        "the VM's password is not in the package"
    );
    let template = String::from_utf8(files["APPD/Definitions/MainServiceTemplate.yaml"].clone())
        .expect("text");
    assert!(
        template.contains("tosca.nodes.nfv.Vdu.Compute") && template.contains("vm-1"),
        "{template}"
    );

    let base = format!("/mec/developer/v2/apppackages/{package}");
    let tree = app
        .request(
            "GET",
            &format!("{base}/action/get-pkg-structure"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(tree.status, 200, "{}", tree.body);
    assert_eq!(tree.body[0]["fileName"], json!("APPD"));
    assert_eq!(
        tree.body[0]["children"][0]["children"][0]["filePath"],
        json!("APPD/Definitions/MainServiceTemplate.yaml")
    );
    let path = json!({"filePath": "APPD/Definitions/MainServiceTemplate.yaml"});
    let read = app
        .request(
            "POST",
            &format!("{base}/action/get-file-content"),
            Some(&alice),
            Some(&path),
            &[],
        )
        .await;
    assert_eq!(read.body["content"], json!(template));

    let edited_text = format!("{template}# reviewed\n");
    let edit =
        json!({"filePath": "APPD/Definitions/MainServiceTemplate.yaml", "content": edited_text});
    let edited = app
        .request(
            "PUT",
            &format!("{base}/action/update-file-content"),
            Some(&alice),
            Some(&edit),
            &[],
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["content"], json!(edited_text));
    let shown = app.request("GET", &base, Some(&alice), None, &[]).await;
    assert_eq!(shown.body["edited"], json!(true));
    let stale = download(&app, &package, &alice).await;
    assert_eq!(
        stale["APPD/Definitions/MainServiceTemplate.yaml"],
        edited_text.as_bytes()
    );
    assert!(
        !manifest_matches(&stale, manifest),
        "an edit leaves the manifest stale"
    );

    let zipped = app
        .request(
            "POST",
            &format!("{base}/action/zip-package"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(zipped.status, 200, "{}", zipped.body);
    assert_eq!(zipped.body["edited"], json!(false));
    assert_eq!(status_of(&app, &alice, &app_id).await, json!("PACKAGED"));
    let sealed = download(&app, &package, &alice).await;
    assert_eq!(
        sealed["APPD/Definitions/MainServiceTemplate.yaml"],
        edited_text.as_bytes()
    );
    assert!(manifest_matches(&sealed, manifest));
    assert!(workflows::package::signing::verify(
        PUBLIC_KEY,
        &sealed[manifest],
        &sealed[&format!("{manifest}.sig")]
    ));

    // The row follows the package; a rebuild writes the same row.
    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_app_package", "id").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["id"], json!(package));
    assert_eq!(rows[0]["file_id"], zipped.body["fileId"]);
    assert_eq!(
        (&rows[0]["signed"], &rows[0]["edited"]),
        (&json!(true), &json!(false))
    );
    // Generated again: a new package replaces the row; the old archive is let go.
    let again = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/generate-package"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_ne!(again.body["id"], json!(package));
    let old = app.request("GET", &base, Some(&alice), None, &[]).await;
    assert_eq!(
        (old.status, &old.body["code"]),
        (404, &json!("PACKAGE_NOT_FOUND"))
    );
    assert_eq!(
        crate::helpers::is_temp(&app, zipped.body["fileId"].as_str().expect("file")).await,
        Some(true)
    );
    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_app_package", "id").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], again.body["id"]);
    app.pool
        .execute("DELETE FROM tbl_app_package", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("app_packages")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_app_package", "id").await, rows);
}

#[actix_web::test]
async fn a_container_application_package_carries_its_charts_and_their_images() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let charts = crate::helm_charts::charts_of(&app, &alice, "packaged-web", "CONTAINER").await;
    let chart = crate::helm_charts::web_chart("nginx:1.25");
    let added = send_form(
        &app.base,
        "POST",
        &charts,
        &alice,
        &[("file", Some("web.tgz".to_owned()), chart.clone())],
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let app_id = charts
        .trim_end_matches("/helmcharts")
        .rsplit('/')
        .next()
        .expect("id")
        .to_owned();
    let generated = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/generate-package"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(generated.status, 200, "{}", generated.body);
    assert_eq!(generated.body["signed"], json!(false));
    let files = download(&app, generated.body["id"].as_str().expect("id"), &alice).await;
    assert_eq!(files["Artifacts/Deployment/Charts/web.tgz"], chart);
    assert!(manifest_matches(&files, "packaged-web_v1.0.mf"));
    assert!(
        !files.contains_key("packaged-web_v1.0.mf.sig"),
        "no key, no signature"
    );
    let images: Value = serde_json::from_slice(&files["Image/SwImageDesc.json"]).expect("json");
    assert_eq!(images[0]["swImage"], json!("nginx:1.25"));
    let template = String::from_utf8(files["APPD/Definitions/MainServiceTemplate.yaml"].clone())
        .expect("text");
    assert!(
        template.contains("Artifacts/Deployment/Charts/web.tgz"),
        "{template}"
    );
}

/// A refused request: method, path, token, body, status, code.
type Case<'a> = (&'a str, String, &'a str, Option<Value>, u16, &'a str);

#[actix_web::test]
async fn refused_package_requests_change_nothing() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let guest = app.token("u-guest", "guest", domain::identity::Role::Guest);
    let mut body = app_body("empty-vm");
    body["appClass"] = json!("VM");
    let empty = app.create_app(&alice, &body).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let app_id = vm_application(&app, &alice, "guarded-vm").await;
    let generate =
        |id: &str| format!("/mec/developer/v2/applications/{id}/action/generate-package");
    let package = app
        .request("POST", &generate(&app_id), Some(&alice), None, &[])
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let base = format!("/mec/developer/v2/apppackages/{package}");
    let before = app.event_count().await;
    let cases: Vec<Case> = vec![
        (
            "POST",
            generate(&empty),
            &alice,
            None,
            409,
            "NOTHING_TO_PACKAGE",
        ),
        ("POST", generate(&app_id), &bob, None, 403, "FORBIDDEN"),
        ("POST", generate(&app_id), &guest, None, 403, "FORBIDDEN"),
        ("GET", base.clone(), &bob, None, 403, "FORBIDDEN"),
        (
            "POST",
            format!("{base}/action/zip-package"),
            &bob,
            None,
            403,
            "FORBIDDEN",
        ),
        (
            "GET",
            format!("/mec/developer/v2/apppackages/{}", uuid::Uuid::new_v4()),
            &alice,
            None,
            404,
            "PACKAGE_NOT_FOUND",
        ),
        (
            "POST",
            format!("{base}/action/get-file-content"),
            &alice,
            Some(json!({"filePath": "../../etc/passwd"})),
            400,
            "INVALID_FIELD",
        ),
        (
            "PUT",
            format!("{base}/action/update-file-content"),
            &alice,
            Some(json!({"filePath": "APPD/../../x.yaml", "content": "x"})),
            400,
            "INVALID_FIELD",
        ),
        (
            "PUT",
            format!("{base}/action/update-file-content"),
            &alice,
            Some(json!({"filePath": "/APPD/x.yaml", "content": "x"})),
            400,
            "INVALID_FIELD",
        ),
        (
            "PUT",
            format!("{base}/action/update-file-content"),
            &alice,
            Some(json!({"filePath": "APPD/new.yaml", "content": "x"})),
            404,
            "PACKAGE_FILE_NOT_FOUND",
        ),
        (
            "PUT",
            format!("{base}/action/update-file-content"),
            &alice,
            Some(json!({"filePath": "guarded-vm_v1.0.mf.sig"})),
            400,
            "INVALID_FIELD",
        ),
        (
            "PUT",
            format!("{base}/action/update-file-content"),
            &bob,
            Some(json!({"filePath": "Image/SwImageDesc.json", "content": "[]"})),
            403,
            "FORBIDDEN",
        ),
    ];
    for (method, path, token, body, status, code) in cases {
        let reply = app
            .request(method, &path, Some(token), body.as_ref(), &[])
            .await;
        assert_eq!(
            (reply.status, &reply.body["code"]),
            (status, &json!(code)),
            "{method} {path}: {}",
            reply.body
        );
    }
    assert_eq!(
        app.event_count().await,
        before,
        "no refusal appended an event"
    );
    assert_eq!(status_of(&app, &alice, &app_id).await, json!("CONFIGURED"));
}
