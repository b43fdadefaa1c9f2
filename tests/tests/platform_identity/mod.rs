//! The container platform's identities (issue "Container platform I"): users, logins and
//! lockout, password changes, roles and bindings with their permission checks, the first
//! administrator from the CLI, secrets kept out of every event, table, log and answer, and a
//! rebuild of `users`, `roles` and `user_roles` equal to the incremental rows.

mod api_keys;
mod login;
mod rbac;

use serde_json::{json, Value};

use crate::helpers::TestApp;

pub const USERS: &str = "/api/v1/users";
pub const ROLES: &str = "/api/v1/roles";

/// Creates a user as the test admin; returns its id.
pub async fn create_user(app: &TestApp, username: &str, password: &str) -> i64 {
    let reply = app
        .request(
            "POST",
            USERS,
            Some(&app.admin()),
            Some(&json!({
                "username": username,
                "email": format!("{username}@example.com"),
                "password": password,
                "fullName": format!("{username} tester"),
            })),
            &[],
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().expect("user id")
}

/// Logs in; returns the status and the body.
pub async fn login(app: &TestApp, username: &str, password: &str) -> (u16, Value) {
    let reply = app
        .request(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({ "username": username, "password": password })),
            &[],
        )
        .await;
    (reply.status, reply.body)
}

/// Logs in and returns the token (the login must succeed).
pub async fn token_of(app: &TestApp, username: &str, password: &str) -> String {
    let (status, body) = login(app, username, password).await;
    assert_eq!(status, 200, "{body}");
    body["accessToken"].as_str().expect("token").to_owned()
}

/// Binds role `role_id` to user `user_id` as the test admin, with `extra` fields.
pub async fn bind(app: &TestApp, user_id: i64, role_id: i64, extra: Value) -> (u16, Value) {
    let mut body = json!({ "roleId": role_id });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let reply = app
        .request(
            "POST",
            &format!("{USERS}/{user_id}/roles"),
            Some(&app.admin()),
            Some(&body),
            &[],
        )
        .await;
    (reply.status, reply.body)
}
