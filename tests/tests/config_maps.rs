//! A namespace's config maps: their rules (keys, base64, 1 MiB, a fixed name unique in the
//! namespace), permissions in one namespace, an inactive namespace refusing them, a namespace
//! with config maps refusing its deletion (and releasing what a dead request admitted), and a
//! rebuild of `namespaces` and `config_maps` equal to the incremental rows.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, wait_caught_up, TestApp};

async fn namespace(app: &TestApp, name: &str) -> i64 {
    let reply = app
        .request(
            "POST",
            "/api/v1/namespaces",
            Some(&app.admin()),
            Some(&json!({ "name": name })),
            &[],
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().expect("namespace id")
}

fn maps(namespace: i64) -> String {
    format!("/api/v1/namespaces/{namespace}/configmaps")
}

async fn create(app: &TestApp, token: &str, namespace: i64, body: Value) -> (u16, Value) {
    let reply = app
        .request("POST", &maps(namespace), Some(token), Some(&body), &[])
        .await;
    (reply.status, reply.body)
}

#[actix_web::test]
async fn config_maps_are_created_checked_replaced_and_deleted() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "maps-a").await;
    let other = namespace(&app, "maps-b").await;
    let (status, created) = create(
        &app,
        &app.tenant(1),
        ns,
        json!({ "name": "app.settings", "data": { "log.level": "info" }, "binaryData": { "logo.png": "iVBORw0KGgo=" } }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["kubernetesName"], "app.settings");
    assert_eq!(created["binaryData"]["logo.png"], "iVBORw0KGgo=");
    let id = created["id"].as_i64().expect("id");
    let path = format!("{}/{id}", maps(ns));

    let big = "x".repeat(1024 * 1024);
    for (body, code, param) in [
        (
            json!({ "name": "app.settings" }),
            "DUPLICATE_CONFIG_MAP",
            "name",
        ),
        (json!({ "name": "Bad_Name" }), "INVALID_FIELD", "name"),
        (
            json!({ "name": "m2", "data": { "bad key": "x" } }),
            "INVALID_FIELD",
            "data",
        ),
        (
            json!({ "name": "m2", "binaryData": { "b": "not base64!" } }),
            "INVALID_FIELD",
            "binaryData",
        ),
        (
            json!({ "name": "m2", "data": { "k": "x" }, "binaryData": { "k": "eA==" } }),
            "INVALID_FIELD",
            "data",
        ),
        (
            json!({ "name": "m2", "data": { "big": big } }),
            "INVALID_FIELD",
            "data",
        ),
    ] {
        let (status, refused) = create(&app, &admin, ns, body).await;
        assert_eq!(refused["code"], code, "{refused}");
        assert_eq!(refused["params"], json!([param]));
        assert!(status == 400 || status == 409);
    }
    // The same name in another namespace is another config map.
    let (status, body) = create(&app, &admin, other, json!({ "name": "app.settings" })).await;
    assert_eq!(status, 201, "{body}");

    let replaced = app
        .request("PUT", &path, Some(&admin), Some(&json!({ "name": "app.settings", "data": { "log.level": "debug", "mode": "edge" } })), &[])
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let read = app.request("GET", &path, Some(&admin), None, &[]).await;
    assert_eq!(
        read.body["data"],
        json!({ "log.level": "debug", "mode": "edge" })
    );
    assert_eq!(read.body["binaryData"], json!({}));
    let renamed = app
        .request(
            "PUT",
            &path,
            Some(&admin),
            Some(&json!({ "name": "renamed" })),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 400);
    assert_eq!(renamed.body["params"], json!(["name"]));
    // Seen through the other namespace's path, it does not exist.
    let elsewhere = app
        .request(
            "GET",
            &format!("{}/{id}", maps(other)),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(elsewhere.status, 404);
    assert_eq!(elsewhere.body["code"], "CONFIG_MAP_NOT_FOUND");
    let listed = app.request("GET", &maps(ns), Some(&admin), None, &[]).await;
    assert_eq!(listed.body["total"], 1, "{}", listed.body);

    // A namespace holding a config map is not deleted; once it is gone, it is.
    let ns_path = format!("/api/v1/namespaces/{ns}");
    let refused = app
        .request("DELETE", &ns_path, Some(&admin), None, &[])
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.body["code"], "NAMESPACE_NOT_EMPTY");
    assert!(refused.body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("1 config maps"));
    let deleted = app.request("DELETE", &path, Some(&admin), None, &[]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        app.request("GET", &path, Some(&admin), None, &[])
            .await
            .status,
        404
    );
    let gone = app
        .request("DELETE", &ns_path, Some(&admin), None, &[])
        .await;
    assert_eq!(gone.status, 200, "{}", gone.body);
    let orphan = create(&app, &admin, ns, json!({ "name": "late" })).await;
    assert_eq!(orphan.0, 404, "{}", orphan.1);
    assert_eq!(orphan.1["code"], "NAMESPACE_NOT_FOUND");
}

#[actix_web::test]
async fn an_inactive_namespace_takes_no_config_maps_and_permissions_hold_per_namespace() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "quiet").await;
    let off = app
        .request(
            "POST",
            &format!("/api/v1/namespaces/{ns}/actions/deactivate"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(off.status, 200);
    let before = app.event_count().await;
    let (status, refused) = create(&app, &admin, ns, json!({ "name": "m" })).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "NAMESPACE_INACTIVE");
    assert_eq!(
        app.event_count().await,
        before,
        "a refused creation appends nothing"
    );

    let guest = app.token("guest-1", "guest", domain::Role::Guest);
    let (status, denied) = create(&app, &guest, ns, json!({ "name": "m" })).await;
    assert_eq!(status, 403);
    assert_eq!(denied["params"], json!(["configmaps:create"]));
    let read = app.request("GET", &maps(ns), Some(&guest), None, &[]).await;
    assert_eq!(read.status, 200, "GUEST reads config maps: {}", read.body);
}

#[actix_web::test]
async fn a_namespace_releases_what_a_dead_request_admitted_and_a_rebuild_equals_the_rows() {
    use domain::namespace::{Namespace, NamespaceAction, NamespaceCommand, ResourceKind};
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "ghostly").await;
    // A creation admitted by the namespace whose request died before the config map was written.
    let actor = domain::Actor::new("admin-1", "admin", vec![domain::Role::Admin]);
    app.server
        .state
        .executor
        .execute::<Namespace, _>(
            &ns.to_string(),
            NamespaceCommand {
                actor: actor.clone(),
                action: NamespaceAction::Admit {
                    kind: ResourceKind::ConfigMap,
                    id: 999_999,
                },
            },
            &(),
            &commands::CommandMetadata::system(&actor),
            &commands::CommandOptions::default(),
            |_, _| commands::StoredResponse {
                status: 200,
                body: Value::Null,
            },
        )
        .await
        .expect("admitted");
    let kept = namespace(&app, "kept").await;
    for n in 0..3 {
        let (status, body) = create(
            &app,
            &admin,
            kept,
            json!({ "name": format!("m{n}"), "data": { "n": n.to_string() } }),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let first = app
        .request("GET", &maps(kept), Some(&admin), None, &[])
        .await;
    let first_id = first.body["results"][0]["id"].as_i64().expect("id");
    let updated = app
        .request(
            "PUT",
            &format!("{}/{first_id}", maps(kept)),
            Some(&admin),
            Some(&json!({ "name": "m0", "binaryData": { "b": "eA==" } })),
            &[],
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    let removed = app
        .request(
            "DELETE",
            &format!("{}/{}", maps(kept), first_id + 1),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);

    let deleted = app
        .request(
            "DELETE",
            &format!("/api/v1/namespaces/{ns}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        deleted.status, 200,
        "the ghost is released: {}",
        deleted.body
    );

    wait_caught_up(&app.pool).await;
    let tables = ["namespaces", "config_maps"];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.rows(table, "id").await);
    }
    assert_eq!(before[0].len(), 1);
    assert_eq!(before[1].len(), 2);
    app.pool
        .execute("DELETE FROM config_maps", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("namespaces")
        .await
        .expect("rebuild");
    for (table, rows) in tables.iter().zip(before) {
        assert_eq!(app.rows(table, "id").await, rows, "{table}");
    }
}
