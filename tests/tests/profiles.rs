//! Profiles: an admin's industry templates, checked on upload, listed and downloaded, and made
//! into a container application with its charts and script in one request — or into nothing
//! when a step fails.

use std::io::Write;

use serde_json::{json, Value};

use crate::helpers::{raw_get, send_form, spawn_app, wait_caught_up, TestApp};
use crate::upload_files::png;

const BASE: &str = "/mec/developer/v2/profiles";
const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n";
const DB: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      image: postgres:15\n";
const PROFILE_YAML: &str = "name: smart-park\ndescription: A park's video analysis\ntype: Video Application\nindustry: Smart Park\nappList:\n  - {name: web, version: v2.0, deployFile: deploy/web.yaml}\n  - {name: db, version: v1.5, deployFile: deploy/db.yaml}\nseq: [db, web]\nconfigFile: config/setup.sh\n";

/// A zip of (name, content) entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        writer.write_all(data).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

fn park_zip(profile_yaml: &str) -> Vec<u8> {
    zip_of(&[
        ("profile.yaml", profile_yaml.as_bytes()),
        ("deploy/web.yaml", WEB.as_bytes()),
        ("deploy/db.yaml", DB.as_bytes()),
        ("config/setup.sh", b"#!/bin/sh\necho ready\n"),
    ])
}

async fn upload_profile(app: &TestApp, token: &str, zip: Vec<u8>) -> crate::helpers::Reply {
    send_form(
        &app.base,
        "POST",
        BASE,
        token,
        &[("file", Some("park.zip".into()), zip)],
    )
    .await
}

async fn create_app(app: &TestApp, token: &str, profile: &str) -> crate::helpers::Reply {
    let form = [("iconFile", Some("logo.png".to_owned()), png())];
    send_form(
        &app.base,
        "POST",
        &format!("{BASE}/{profile}/create-application"),
        token,
        &form,
    )
    .await
}

#[actix_web::test]
async fn a_profile_is_uploaded_listed_downloaded_and_made_into_an_application() {
    let app = spawn_app().await;
    let (admin, alice) = (app.admin(), app.tenant(1));
    let zip = park_zip(PROFILE_YAML);
    let created = upload_profile(&app, &admin, zip.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let listed = app
        .request("GET", &format!("{BASE}?name=PARK"), Some(&alice), None, &[])
        .await;
    assert_eq!(listed.body["total"], json!(1), "{}", listed.body);
    let profile = &listed.body["results"][0];
    assert_eq!(profile["seq"], json!(["db", "web"]));
    assert_eq!(profile["deployFilePath"]["web"], json!("deploy/web.yaml"));
    assert_eq!(profile["configFilePath"], json!("config/setup.sh"));
    let download = |query: &str| format!("{BASE}/{id}/action/download?{query}");
    assert_eq!(
        raw_get(&app, &download("type=profileFile"), &alice).await.2,
        zip
    );
    assert_eq!(
        raw_get(&app, &download("type=deployFile&name=db"), &alice)
            .await
            .2,
        DB.as_bytes()
    );
    assert_eq!(
        raw_get(&app, &download("type=configFile"), &alice).await.2,
        b"#!/bin/sh\necho ready\n"
    );
    assert_eq!(
        raw_get(&app, &download("type=deployFile&name=nope"), &alice)
            .await
            .0,
        404
    );

    let made = create_app(&app, &alice, &id).await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["name"], json!("smart-park"));
    assert_eq!(
        made.body["version"],
        json!("v1.5"),
        "the first app in seq gives the version"
    );
    assert_eq!(made.body["provider"], json!("tenant1"));
    assert_eq!(made.body["appClass"], json!("CONTAINER"));
    assert_eq!(made.body["status"], json!("CONFIGURED"));
    let app_path = format!(
        "/mec/developer/v2/applications/{}",
        made.body["id"].as_str().expect("app id")
    );
    let charts = app
        .request(
            "GET",
            &format!("{app_path}/helmcharts"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    let names: Vec<&Value> = charts
        .body
        .as_array()
        .expect("charts")
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(
        names,
        [&json!("db.tgz"), &json!("web.tgz")],
        "charts in deploy order"
    );
    assert_eq!(charts.body[0]["images"], json!(["postgres:15"]));
    let scripts = app
        .request(
            "GET",
            &format!("{app_path}/scripts"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        scripts.body[0]["name"],
        json!("setup.sh"),
        "{}",
        scripts.body
    );

    let again = create_app(&app, &alice, &id).await;
    assert_eq!(
        (again.status, again.body["code"].as_str()),
        (409, Some("DUPLICATE_APPLICATION")),
        "{}",
        again.body
    );
    let forbidden = upload_profile(&app, &alice, park_zip(PROFILE_YAML)).await;
    assert_eq!(forbidden.status, 403);

    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_profile", "id").await;
    app.pool
        .execute("DELETE FROM tbl_profile", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("profiles")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_profile", "id").await, rows);
    let removed = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!((removed.status, &removed.body), (200, &json!(true)));
    let gone = app
        .request("GET", &format!("{BASE}/{id}"), Some(&alice), None, &[])
        .await;
    assert_eq!(gone.body["code"], json!("PROFILE_NOT_FOUND"));
}

#[actix_web::test]
async fn broken_profiles_are_refused_and_a_failed_creation_leaves_nothing() {
    let app = spawn_app().await;
    let (admin, alice) = (app.admin(), app.tenant(1));
    let events = app.event_count().await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "no profile.yaml",
            zip_of(&[("deploy/web.yaml", WEB.as_bytes())]),
        ),
        (
            "a deploy file that is not manifests",
            zip_of(&[
                ("profile.yaml", PROFILE_YAML.as_bytes()),
                ("deploy/web.yaml", b"kind: [unclosed"),
                ("deploy/db.yaml", DB.as_bytes()),
                ("config/setup.sh", b"true\n"),
            ]),
        ),
        (
            "a missing deploy file",
            zip_of(&[("profile.yaml", PROFILE_YAML.as_bytes())]),
        ),
        (
            "a seq naming an unknown app",
            park_zip(&PROFILE_YAML.replace("seq: [db, web]", "seq: [db, cache]")),
        ),
        ("not a zip", b"plain text".to_vec()),
    ];
    for (what, zip) in cases {
        let refused = upload_profile(&app, &admin, zip).await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (400, Some("INVALID_FILE")),
            "{what}: {}",
            refused.body
        );
    }
    assert_eq!(
        app.event_count().await,
        events,
        "refused profiles record nothing"
    );

    let created = upload_profile(&app, &admin, park_zip(PROFILE_YAML)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("id");
    wait_caught_up(&app.pool).await;
    // The stored zip is damaged after its upload: the deploy files are gone from it.
    let path: String = app
        .pool
        .query_one("SELECT file_path FROM tbl_profile WHERE id = $1", &[&id])
        .await
        .and_then(db::scalar)
        .expect("path");
    let hash = path.rsplit('/').next().expect("hash");
    let stored = app.server.state.files.path_of(hash);
    std::fs::write(
        &stored,
        zip_of(&[("profile.yaml", PROFILE_YAML.as_bytes())]),
    )
    .expect("damage");
    let failed = create_app(&app, &alice, id).await;
    assert_eq!(failed.status, 500, "{}", failed.body);
    wait_caught_up(&app.pool).await;
    let apps: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM tbl_application WHERE name = 'smart-park'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(apps, 0, "the half-made application was deleted");
    assert!(app.rows("tbl_container_helm_chart", "id").await.is_empty());
    let held: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM tbl_uploaded_file WHERE NOT is_temp",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    let shared: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM tbl_uploaded_file WHERE user_id = 'admin'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(held, shared, "no file of the attempt is held");
}
