//! Roles, bindings and the permission every `/api/v1/users` and `/roles` endpoint checks: a
//! caller without it gets 403 naming it; an expired binding grants nothing; system roles stay as
//! seeded; and a rebuild of the access tables equals the incremental rows.

use serde_json::json;

use super::{bind, create_user, token_of, ROLES, USERS};
use crate::helpers::{spawn_app, wait_caught_up};

const PASSWORD: &str = "a fine password 1";

#[actix_web::test]
async fn every_endpoint_refuses_a_caller_without_its_permission() {
    let app = spawn_app().await;
    let id = create_user(&app, "nobody", PASSWORD).await;
    let other = create_user(&app, "somebody", PASSWORD).await;
    let plain = token_of(&app, "nobody", PASSWORD).await;
    let user_body =
        json!({ "username": "new-one", "email": "n@example.com", "password": PASSWORD });
    let profile = json!({ "email": "x@example.com" });
    let role = json!({ "name": "R1", "displayName": "R", "permissions": [] });
    let calls = [
        ("POST", USERS.to_owned(), Some(user_body), "users:create"),
        ("GET", USERS.to_owned(), None, "users:read"),
        ("GET", format!("{USERS}/{other}"), None, "users:read"),
        (
            "PUT",
            format!("{USERS}/{other}"),
            Some(profile),
            "users:update",
        ),
        ("DELETE", format!("{USERS}/{other}"), None, "users:delete"),
        (
            "POST",
            format!("{USERS}/{other}/actions/lock"),
            None,
            "users:update",
        ),
        (
            "POST",
            format!("{USERS}/{other}/actions/unlock"),
            None,
            "users:update",
        ),
        ("GET", format!("{USERS}/{other}/roles"), None, "users:read"),
        (
            "POST",
            format!("{USERS}/{other}/roles"),
            Some(json!({ "roleId": 3 })),
            "roles:admin",
        ),
        ("POST", ROLES.to_owned(), Some(role.clone()), "roles:create"),
        ("GET", ROLES.to_owned(), None, "roles:read"),
        ("GET", format!("{ROLES}/1"), None, "roles:read"),
        ("PUT", format!("{ROLES}/1"), Some(role), "roles:update"),
        ("DELETE", format!("{ROLES}/1"), None, "roles:delete"),
    ];
    let tenant = app.tenant(1);
    let guest = app.token("guest-1", "guest", domain::Role::Guest);
    let before = app.event_count().await;
    for (method, path, body, permission) in &calls {
        for token in [&plain, &tenant, &guest] {
            let reply = app
                .request(method, path, Some(token), body.as_ref(), &[])
                .await;
            assert_eq!(reply.status, 403, "{method} {path}: {}", reply.body);
            assert_eq!(reply.body["code"], "PERMISSION_DENIED");
            assert_eq!(reply.body["params"], json!([permission]), "{method} {path}");
        }
    }
    assert_eq!(app.event_count().await, before, "refusals append nothing");
    // Their own user, bindings and profile stay theirs.
    for path in [format!("{USERS}/{id}"), format!("{USERS}/{id}/roles")] {
        let own = app.request("GET", &path, Some(&plain), None, &[]).await;
        assert_eq!(own.status, 200, "{path}: {}", own.body);
    }
    let edited = app
        .request(
            "PUT",
            &format!("{USERS}/{id}"),
            Some(&plain),
            Some(&json!({ "email": "nobody@example.org", "fullName": "No Body" })),
            &[],
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["fullName"], "No Body");
}

#[actix_web::test]
async fn a_binding_grants_its_roles_permissions_until_it_expires() {
    let app = spawn_app().await;
    let id = create_user(&app, "reader", PASSWORD).await;
    let created = app
        .request(
            "POST",
            ROLES,
            Some(&app.admin()),
            Some(&json!({
                "name": "user_reader", "displayName": "User reader",
                "permissions": ["users:read", "USERS:READ"]
            })),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["name"], "USER_READER");
    assert_eq!(created.body["permissions"], json!(["users:read"]));
    let role_id = created.body["id"].as_i64().expect("role id");
    assert!(role_id >= 100, "custom roles start after the system ones");

    let expires = chrono::Utc::now() + chrono::Duration::seconds(3);
    let (status, binding) = bind(&app, id, role_id, json!({ "expiresAt": expires })).await;
    assert_eq!(status, 201, "{binding}");
    let (status, twice) = bind(&app, id, role_id, json!({})).await;
    assert_eq!(status, 409, "{twice}");
    assert_eq!(twice["code"], "ROLE_ALREADY_BOUND");
    let token = token_of(&app, "reader", PASSWORD).await;
    let listed = app.request("GET", USERS, Some(&token), None, &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["total"], 1);
    let written = app
        .request("POST", ROLES, Some(&token), Some(&json!({})), &[])
        .await;
    assert_eq!(
        written.status, 400,
        "the body is checked before the permission"
    );

    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    let expired = app.request("GET", USERS, Some(&token), None, &[]).await;
    assert_eq!(expired.status, 403, "{}", expired.body);
    let bindings = app
        .request(
            "GET",
            &format!("{USERS}/{id}/roles"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(bindings.body[0]["expired"], true, "{}", bindings.body);

    // A binding in a namespace that does not exist, or with a past expiry, or an unknown role.
    for (extra, code) in [
        (json!({ "namespaceId": 999 }), "UNKNOWN_NAMESPACE"),
        (
            json!({ "expiresAt": "2020-01-01T00:00:00Z" }),
            "INVALID_FIELD",
        ),
    ] {
        let (status, body) = bind(&app, id, 3, extra).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["code"], code);
    }
    let (status, body) = bind(&app, id, 4242, json!({})).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("UNKNOWN_ROLE")));

    // Deleting the role ends its bindings.
    let deleted = app
        .request(
            "DELETE",
            &format!("{ROLES}/{role_id}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let bindings = app
        .request(
            "GET",
            &format!("{USERS}/{id}/roles"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(bindings.body, json!([]));
}

#[actix_web::test]
async fn system_roles_are_seeded_and_cannot_be_changed() {
    let app = spawn_app().await;
    wait_caught_up(&app.pool).await;
    let roles = app
        .request("GET", ROLES, Some(&app.admin()), None, &[])
        .await;
    assert_eq!(roles.status, 200);
    let names: Vec<&str> = roles
        .body
        .as_array()
        .expect("roles")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["ADMIN", "GUEST", "TENANT"]);
    assert_eq!(roles.body[0]["permissions"], json!(["*:*"]));
    for (method, body) in [
        (
            "PUT",
            Some(json!({ "name": "ADMIN", "displayName": "x", "permissions": [] })),
        ),
        ("DELETE", None),
    ] {
        let refused = app
            .request(
                method,
                &format!("{ROLES}/1"),
                Some(&app.admin()),
                body.as_ref(),
                &[],
            )
            .await;
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert_eq!(refused.body["code"], "SYSTEM_ROLE");
    }
    let taken = app
        .request(
            "POST",
            ROLES,
            Some(&app.admin()),
            Some(&json!({ "name": "tenant", "displayName": "Again", "permissions": [] })),
            &[],
        )
        .await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.body["code"], "DUPLICATE_ROLE");
    let unknown = app
        .request(
            "POST",
            ROLES,
            Some(&app.admin()),
            Some(
                &json!({ "name": "x1", "displayName": "X", "permissions": ["containers:launch"] }),
            ),
            &[],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.body["params"], json!(["permissions"]));
}

#[actix_web::test]
async fn a_rebuild_of_the_access_tables_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let admin = app.admin();
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(create_user(&app, &format!("user{n}"), PASSWORD).await);
    }
    let role = app
        .request(
            "POST",
            ROLES,
            Some(&admin),
            Some(&json!({ "name": "VIEWER", "displayName": "Viewer", "permissions": ["users:read"] })),
            &[],
        )
        .await;
    let role_id = role.body["id"].as_i64().expect("role");
    let gone = app
        .request(
            "POST",
            ROLES,
            Some(&admin),
            Some(&json!({ "name": "GONE", "displayName": "Gone", "permissions": [] })),
            &[],
        )
        .await;
    let gone_id = gone.body["id"].as_i64().expect("role");
    for id in &ids {
        assert_eq!(bind(&app, *id, role_id, json!({})).await.0, 201);
        assert_eq!(bind(&app, *id, gone_id, json!({})).await.0, 201);
    }
    assert_eq!(bind(&app, ids[0], 2, json!({})).await.0, 201);
    let token = token_of(&app, "user1", PASSWORD).await;
    let keys = format!("{USERS}/{}/api-keys", ids[1]);
    let mut key_ids = Vec::new();
    for name in ["kept", "revoked"] {
        let key = app
            .request(
                "POST",
                &keys,
                Some(&token),
                Some(&json!({ "name": name })),
                &[],
            )
            .await;
        assert_eq!(key.status, 201, "{}", key.body);
        key_ids.push(key.body["id"].as_i64().expect("key id"));
    }
    let revoked = app
        .request(
            "DELETE",
            &format!("{keys}/{}", key_ids[1]),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let updated = app
        .request(
            "PUT",
            &format!("{ROLES}/{role_id}"),
            Some(&admin),
            Some(&json!({ "name": "VIEWER2", "displayName": "Viewer", "permissions": ["users:read", "roles:read"] })),
            &[],
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    for (method, path) in [
        ("DELETE", format!("{ROLES}/{gone_id}")),
        ("POST", format!("{USERS}/{}/actions/lock", ids[2])),
        ("DELETE", format!("{USERS}/{}", ids[1])),
    ] {
        let reply = app.request(method, &path, Some(&admin), None, &[]).await;
        assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
    }
    wait_caught_up(&app.pool).await;
    let tables = ["users", "roles", "user_roles", "user_secrets"];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.rows(table, "id").await);
    }
    assert_eq!(before[0].len(), 3);
    assert_eq!(before[1].len(), 4);
    assert_eq!(before[2].len(), 4);
    assert_eq!(before[3].len(), 1);
    app.pool
        .execute("DELETE FROM user_roles WHERE role_id = 2", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("access")
        .await
        .expect("rebuild");
    for (table, rows) in tables.iter().zip(before) {
        assert_eq!(app.rows(table, "id").await, rows, "{table}");
    }
}

/// Sequences that start over under an existing log (a restored database) are moved past the
/// ids the log already uses when a server starts, so a new user, role or binding never meets a
/// taken stream.
#[actix_web::test]
async fn a_start_moves_the_id_sequences_past_the_log() {
    let data_dir = crate::helpers::temp_dir();
    let mut url = None;
    let app = crate::helpers::spawn_app_with(|config| {
        config.data_dir = data_dir.clone();
        url = config.database_url.clone();
    })
    .await;
    let first = create_user(&app, "first-user", PASSWORD).await;
    assert_eq!(bind(&app, first, 3, json!({})).await.0, 201);
    for sequence in ["users_id_seq", "roles_id_seq", "user_roles_id_seq"] {
        app.pool
            .batch(&format!("ALTER SEQUENCE {sequence} RESTART WITH 1"))
            .await
            .expect("restart");
    }
    let mut config = api::config::ServeConfig::for_database(&url.expect("url"), data_dir);
    config.jwt_secret = Some(crate::helpers::JWT_SECRET.into());
    let restarted = api::server::start(&config, app.pool.clone())
        .await
        .expect("a new start");
    let base = format!("http://{}", restarted.addr);
    let user = crate::helpers::call(
        &base,
        "POST",
        USERS,
        Some(&app.admin()),
        Some(&json!({ "username": "second-user", "email": "second@example.com", "password": PASSWORD })),
        &[],
    )
    .await;
    assert_eq!(user.status, 201, "{}", user.body);
    assert_eq!(user.body["id"].as_i64(), Some(first + 1));
    let role = crate::helpers::call(
        &base,
        "POST",
        ROLES,
        Some(&app.admin()),
        Some(&json!({ "name": "AFTER_RESTORE", "displayName": "After", "permissions": [] })),
        &[],
    )
    .await;
    assert_eq!(role.status, 201, "{}", role.body);
    assert!(role.body["id"].as_i64() > Some(3), "{}", role.body);
    let binding = crate::helpers::call(
        &base,
        "POST",
        &format!("{USERS}/{first}/roles"),
        Some(&app.admin()),
        Some(&json!({ "roleId": 2 })),
        &[],
    )
    .await;
    assert_eq!(binding.status, 201, "{}", binding.body);
    assert!(binding.body["id"].as_i64() > Some(1), "{}", binding.body);
}
