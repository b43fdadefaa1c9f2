//! Namespaces of the container platform: the rules of their fields and quota, unique names,
//! (de)activation and deletion, permissions granted in one namespace only, and a rebuild of
//! `namespaces` equal to the incremental rows.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, wait_caught_up, TestApp};
use crate::platform_identity::{bind, create_user, token_of};

const BASE: &str = "/api/v1/namespaces";
const PASSWORD: &str = "a fine password 1";

async fn create(app: &TestApp, body: Value) -> (u16, Value) {
    let reply = app
        .request("POST", BASE, Some(&app.admin()), Some(&body), &[])
        .await;
    (reply.status, reply.body)
}

async fn create_ok(app: &TestApp, name: &str) -> i64 {
    let (status, body) = create(app, json!({ "name": name })).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().expect("namespace id")
}

#[actix_web::test]
async fn namespaces_are_created_checked_updated_deactivated_and_deleted() {
    let app = spawn_app().await;
    let admin = app.admin();
    let (status, created) = create(
        &app,
        json!({
            "name": "team-a", "displayName": " Team A ", "clusterName": "edge-1",
            "resourceQuota": { "requests.cpu": "500m", "limits.cpu": "2", "limits.memory": "4Gi", "pods": 20 }
        }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["kubernetesName"], "team-a");
    assert_eq!(created["displayName"], "Team A");
    assert_eq!(created["resourceQuota"]["pods"], "20");
    let id = created["id"].as_i64().expect("id");

    for (body, code, param) in [
        (json!({ "name": "team-a" }), "DUPLICATE_NAMESPACE", "name"),
        (
            json!({ "name": "other", "kubernetesName": "team-a", "clusterName": "edge-1" }),
            "DUPLICATE_NAMESPACE",
            "kubernetesName",
        ),
        (json!({ "name": "Team_B" }), "INVALID_FIELD", "name"),
        (
            json!({ "name": "b", "resourceQuota": { "gpus": "1" } }),
            "INVALID_FIELD",
            "resourceQuota",
        ),
        (
            json!({ "name": "b", "resourceQuota": { "limits.memory": "lots" } }),
            "INVALID_FIELD",
            "resourceQuota",
        ),
        (
            json!({ "name": "b", "resourceQuota": { "requests.cpu": "3", "limits.cpu": "2" } }),
            "INVALID_FIELD",
            "resourceQuota",
        ),
    ] {
        let (status, refused) = create(&app, body.clone()).await;
        assert_eq!(refused["code"], code, "{body}: {refused}");
        assert_eq!(refused["params"], json!([param]), "{body}");
        assert!(status == 400 || status == 409);
    }
    // The same kubernetesName in another cluster is another namespace.
    let (status, body) = create(
        &app,
        json!({ "name": "team-a-edge2", "kubernetesName": "team-a", "clusterName": "edge-2" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    let path = format!("{BASE}/{id}");
    let moved = app
        .request(
            "PUT",
            &path,
            Some(&admin),
            Some(&json!({ "name": "team-a", "kubernetesName": "team-z" })),
            &[],
        )
        .await;
    assert_eq!(moved.status, 400, "{}", moved.body);
    assert_eq!(moved.body["params"], json!(["kubernetesName"]));
    let updated = app
        .request(
            "PUT",
            &path,
            Some(&admin),
            Some(&json!({ "name": "team-alpha", "resourceQuota": { "pods": "5" } })),
            &[],
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["clusterName"], "edge-1", "kept");
    assert_eq!(updated.body["resourceQuota"], json!({ "pods": "5" }));
    let reused = create(&app, json!({ "name": "team-a" })).await;
    assert_eq!(reused.0, 201, "the old name is free again: {}", reused.1);

    let off = app
        .request(
            "POST",
            &format!("{path}/actions/deactivate"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(off.body["status"], "inactive", "{}", off.body);
    let read = app.request("GET", &path, Some(&admin), None, &[]).await;
    assert_eq!(read.body["status"], "inactive");
    let on = app
        .request(
            "POST",
            &format!("{path}/actions/activate"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(on.body["status"], "active");
    let deleted = app.request("DELETE", &path, Some(&admin), None, &[]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let gone = app.request("GET", &path, Some(&admin), None, &[]).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["code"], "NAMESPACE_NOT_FOUND");
    let again = app.request("DELETE", &path, Some(&admin), None, &[]).await;
    assert_eq!(again.status, 404);
}

#[actix_web::test]
async fn a_namespace_binding_grants_in_that_namespace_only() {
    let app = spawn_app().await;
    let a = create_ok(&app, "space-a").await;
    let b = create_ok(&app, "space-b").await;
    let user = create_user(&app, "ns-editor", PASSWORD).await;
    let role = app
        .request(
            "POST",
            "/api/v1/roles",
            Some(&app.admin()),
            Some(&json!({ "name": "NS_EDITOR", "displayName": "Namespace editor", "permissions": ["namespaces:read", "namespaces:update"] })),
            &[],
        )
        .await;
    let role_id = role.body["id"].as_i64().expect("role");
    let (status, binding) = bind(&app, user, role_id, json!({ "namespaceId": a })).await;
    assert_eq!(status, 201, "{binding}");
    assert_eq!(binding["namespaceId"], a);
    let token = token_of(&app, "ns-editor", PASSWORD).await;

    let listed = app.request("GET", BASE, Some(&token), None, &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["results"][0]["id"], a);
    for (id, expected) in [(a, 200), (b, 403)] {
        let read = app
            .request("GET", &format!("{BASE}/{id}"), Some(&token), None, &[])
            .await;
        assert_eq!(read.status, expected, "{id}: {}", read.body);
        let edited = app
            .request(
                "PUT",
                &format!("{BASE}/{id}"),
                Some(&token),
                Some(&json!({ "name": format!("renamed-{id}") })),
                &[],
            )
            .await;
        assert_eq!(edited.status, expected, "{id}: {}", edited.body);
    }
    let denied = app
        .request("GET", &format!("{BASE}/{b}"), Some(&token), None, &[])
        .await;
    assert_eq!(denied.body["code"], "PERMISSION_DENIED");
    assert!(denied.body["message"]
        .as_str()
        .unwrap_or_default()
        .contains(&format!("in namespace {b}")));
    for (method, path) in [("POST", BASE.to_owned()), ("DELETE", format!("{BASE}/{a}"))] {
        let refused = app
            .request(
                method,
                &path,
                Some(&token),
                Some(&json!({ "name": "new-space" })).filter(|_| method == "POST"),
                &[],
            )
            .await;
        assert_eq!(refused.status, 403, "{method} {path}: {}", refused.body);
    }
    // A guest token reads every namespace (GUEST has namespaces:read); it changes none.
    let guest = app.token("guest-1", "guest", domain::Role::Guest);
    let all = app.request("GET", BASE, Some(&guest), None, &[]).await;
    assert_eq!(all.body["total"], 2);
    let off = app
        .request(
            "POST",
            &format!("{BASE}/{a}/actions/deactivate"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(off.status, 403);
}

#[actix_web::test]
async fn a_rebuild_of_the_namespaces_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let admin = app.admin();
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(create_ok(&app, &format!("rebuilt-{n}")).await);
    }
    for (method, path, body) in [
        (
            "PUT",
            format!("{BASE}/{}", ids[0]),
            Some(json!({ "name": "rebuilt-zero", "resourceQuota": { "limits.cpu": "1" } })),
        ),
        (
            "POST",
            format!("{BASE}/{}/actions/deactivate", ids[1]),
            None,
        ),
        ("DELETE", format!("{BASE}/{}", ids[2]), None),
    ] {
        let reply = app
            .request(method, &path, Some(&admin), body.as_ref(), &[])
            .await;
        assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
    }
    wait_caught_up(&app.pool).await;
    let before = app.rows("namespaces", "id").await;
    assert_eq!(before.len(), 3);
    app.pool
        .execute("UPDATE namespaces SET status = 'active'", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("namespaces")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("namespaces", "id").await, before);
}
