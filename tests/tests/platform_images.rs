//! The container platform's images (`/api/v1/images`, issue "Container platform II"): the
//! reference syntax, `(name, tag)` unique and free again after a delete, permissions, the
//! operation log's rows for image commands, and a rebuild equal to the incremental rows.

use domain::Role;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, wait_caught_up, TestApp};

const IMAGES: &str = "/api/v1/images";

async fn register(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let reply = app
        .request("POST", IMAGES, Some(token), Some(&body), &[])
        .await;
    (reply.status, reply.body)
}

fn nginx(tag: &str) -> Value {
    json!({
        "name": "registry.example.com:5000/library/nginx",
        "tag": tag,
        "digest": format!("sha256:{}", "ab".repeat(32)),
        "repository": "registry.example.com:5000",
        "sizeBytes": 67_108_864,
        "architecture": "amd64",
        "os": "linux",
        "createdAt": "2026-11-30T10:00:00Z",
    })
}

#[actix_web::test]
async fn images_are_registered_listed_and_deleted_and_their_reference_is_unique() {
    let app = spawn_app().await;
    let admin = app.admin();
    let (status, created) = register(&app, &admin, nginx("1.25")).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["name"], "registry.example.com:5000/library/nginx");

    let (status, taken) = register(&app, &admin, nginx("1.25")).await;
    assert_eq!(status, 409, "{taken}");
    assert_eq!(taken["code"], "DUPLICATE_PLATFORM_IMAGE");
    let (status, _) = register(&app, &admin, nginx("1.26")).await;
    assert_eq!(status, 201);

    let got = app
        .request("GET", &format!("{IMAGES}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["tag"], "1.25");
    assert_eq!(got.body["sizeBytes"], 67_108_864);
    assert_eq!(got.body["status"], "available");
    assert_eq!(got.body["createdAt"], "2026-11-30T10:00:00Z");
    assert!(got.body["pulledAt"].is_string());

    let page = app
        .request(
            "GET",
            &format!("{IMAGES}?search=NGINX&tag=1.26"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(page.body["total"], 1, "{}", page.body);
    assert_eq!(page.body["results"][0]["tag"], "1.26");

    let deleted = app
        .request("DELETE", &format!("{IMAGES}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let gone = app
        .request("GET", &format!("{IMAGES}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["code"], "PLATFORM_IMAGE_NOT_FOUND");
    let again = app
        .request("DELETE", &format!("{IMAGES}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!(again.status, 404);
    let (status, reused) = register(&app, &admin, nginx("1.25")).await;
    assert_eq!(status, 201, "the reference is free again: {reused}");
    assert_ne!(reused["id"], json!(id));

    // Each accepted command left its operation-log row.
    wait_caught_up(&app.pool).await;
    let rows = app.rows("operation_logs", "id").await;
    let creates = rows
        .iter()
        .filter(|r| r["resource_type"] == "container_image" && r["action"] == "create")
        .count();
    assert_eq!(creates, 4, "three registered, one refused");
}

#[actix_web::test]
async fn bad_references_are_refused_with_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.admin();
    let before = app.event_count().await;
    let cases = [
        (json!({ "name": "Nginx", "tag": "1" }), "name"),
        (json!({ "name": "a//b", "tag": "1" }), "name"),
        (json!({ "name": "host:99999/a", "tag": "1" }), "name"),
        (json!({ "name": "nginx", "tag": ".hidden" }), "tag"),
        (
            json!({ "name": "nginx", "tag": "1", "digest": "md5:abc" }),
            "digest",
        ),
        (
            json!({ "name": "nginx", "tag": "1", "sizeBytes": -1 }),
            "sizeBytes",
        ),
        (
            json!({ "name": "nginx", "tag": "1", "architecture": "x86" }),
            "architecture",
        ),
        (json!({ "name": "nginx", "tag": "1", "os": "plan9" }), "os"),
    ];
    for (body, field) in cases {
        let (status, answer) = register(&app, &admin, body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], "INVALID_FIELD", "{body}");
        assert_eq!(answer["params"], json!([field]), "{body}");
    }
    assert_eq!(app.event_count().await, before);
}

#[actix_web::test]
async fn tenants_register_and_read_guests_read_and_only_admins_delete() {
    let app = spawn_app().await;
    let tenant = app.tenant(1);
    let guest = app.token("guest-1", "guest", Role::Guest);
    let (status, created) = register(&app, &tenant, nginx("t")).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("{IMAGES}/{}", created["id"]);
    assert_eq!(
        app.request("GET", &path, Some(&guest), None, &[])
            .await
            .status,
        200
    );
    let (status, refused) = register(&app, &guest, nginx("g")).await;
    assert_eq!(status, 403);
    assert_eq!(refused["params"], json!(["images:create"]));
    let refused = app.request("DELETE", &path, Some(&tenant), None, &[]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["params"], json!(["images:delete"]));
    let deleted = app
        .request("DELETE", &path, Some(&app.admin()), None, &[])
        .await;
    assert_eq!(deleted.status, 200);
}

#[actix_web::test]
async fn a_rebuild_of_the_images_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let admin = app.admin();
    let mut ids = Vec::new();
    for tag in ["1", "2", "3"] {
        let (status, created) = register(&app, &admin, nginx(tag)).await;
        assert_eq!(status, 201);
        ids.push(created["id"].as_i64().expect("id"));
    }
    let deleted = app
        .request(
            "DELETE",
            &format!("{IMAGES}/{}", ids[1]),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    wait_caught_up(&app.pool).await;
    let before = app.rows("container_images", "id").await;
    assert_eq!(before.len(), 2);
    app.pool
        .execute("UPDATE container_images SET status = 'error'", &[])
        .await
        .expect("tamper");
    let rebuilt = app.server.state.runtime.rebuild("images").await;
    if rebuilt.is_err() {
        let checkpoints = app.rows("projection_checkpoints", "name").await;
        panic!("rebuild: {rebuilt:?} {checkpoints:?}");
    }
    assert_eq!(app.rows("container_images", "id").await, before);
}

#[actix_web::test]
async fn the_configured_registry_gives_an_images_digest_and_size() {
    use crate::container_images::{saved_image, upload, Registry};
    let registry = Registry::start().await;
    let url = registry.url.clone();
    let app = crate::helpers::spawn_app_with(move |c| {
        c.operations.registry = Some(workflows::registry::RegistryConfig {
            url,
            project: "edgedev".into(),
            user: None,
            password: None,
        })
    })
    .await;
    let (tar, _) = saved_image("shop/web:1.0", "hello\n");
    let pushed = upload(
        &app,
        &app.tenant(1),
        &uuid::Uuid::new_v4().to_string(),
        &tar,
    )
    .await;
    assert_eq!(pushed.status, 200, "{}", pushed.body);

    let manifest = registry_manifest(&registry.url, "edgedev/shop/web", "1.0").await;
    let (status, image) = register(
        &app,
        &app.admin(),
        json!({ "name": "shop/web", "tag": "1.0" }),
    )
    .await;
    assert_eq!(status, 201, "{image}");
    assert_eq!(image["digest"], json!(manifest.0));
    assert_eq!(image["sizeBytes"], json!(manifest.1));
    assert!(image["repository"]
        .as_str()
        .is_some_and(|r| r.ends_with("/edgedev/shop/web")));
    // A digest other than the registry's is refused; an image the registry lacks keeps what
    // was given.
    let (status, refused) = register(
        &app,
        &app.admin(),
        json!({ "name": "shop/web", "tag": "1.0", "digest": format!("sha256:{}", "0".repeat(64)) }),
    )
    .await;
    assert_eq!(
        (status, &refused["params"]),
        (400, &json!(["digest"])),
        "{refused}"
    );
    let (status, elsewhere) = register(
        &app,
        &app.admin(),
        json!({ "name": "nginx", "tag": "1.25" }),
    )
    .await;
    assert_eq!(status, 201, "{elsewhere}");
    assert_eq!(elsewhere["digest"], Value::Null);
}

/// The manifest digest of `repo:tag` and the size of its config and layers, read from the
/// registry directly.
async fn registry_manifest(base: &str, repo: &str, tag: &str) -> (String, i64) {
    let reply = crate::helpers::call(
        base,
        "GET",
        &format!("/v2/{repo}/manifests/{tag}"),
        None,
        None,
        &[(
            "Accept",
            "application/vnd.docker.distribution.manifest.v2+json",
        )],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let size = reply.body["config"]["size"].as_i64().expect("config size")
        + reply.body["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|l| l["size"].as_i64().expect("size"))
            .sum::<i64>();
    let digest = reply
        .headers
        .get("docker-content-digest")
        .and_then(|d| d.to_str().ok())
        .expect("a digest header")
        .to_owned();
    (digest, size)
}
