//! Logins, lockout after failed ones, unlock, password changes and resets; a platform user on
//! the developer platform; no password or hash in any answer, event, table or log line.

use std::process::{Command, Stdio};

use serde_json::json;

use super::{bind, create_user, login, token_of, USERS};
use crate::helpers::{call, spawn_app, temp_dir, wait_caught_up, ServerProcess};

const FIRST: &str = "first password 1";
const SECOND: &str = "second password 2";

#[actix_web::test]
async fn failed_logins_lock_a_user_until_an_admin_unlocks_it() {
    let app = spawn_app().await;
    let id = create_user(&app, "ada", FIRST).await;
    let token = token_of(&app, "ADA", FIRST).await;
    let own = app
        .request("GET", &format!("{USERS}/{id}"), Some(&token), None, &[])
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(own.body["username"], "ada");
    assert!(own.body["lastLoginAt"].is_string(), "{}", own.body);

    // A wrong password and an unknown user answer alike.
    let (status, wrong) = login(&app, "ada", "not the password 1").await;
    let (unknown_status, unknown) = login(&app, "nobody-here", "not the password 1").await;
    assert_eq!((status, unknown_status), (401, 401));
    assert_eq!(wrong["code"], "INVALID_CREDENTIALS");
    assert_eq!(wrong["code"], unknown["code"]);
    assert_eq!(wrong["message"], unknown["message"]);

    for _ in 0..4 {
        assert_eq!(login(&app, "ada", "not the password 1").await.0, 401);
    }
    // Five failures in a row: locked. The right password now says so; the token stops working.
    let (status, locked) = login(&app, "ada", FIRST).await;
    assert_eq!(status, 403, "{locked}");
    assert_eq!(locked["code"], "USER_LOCKED");
    let refused = app
        .request("GET", &format!("{USERS}/{id}"), Some(&token), None, &[])
        .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    let row = app
        .request(
            "GET",
            &format!("{USERS}/{id}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(row.body["status"], "locked");

    let unlocked = app
        .request(
            "POST",
            &format!("{USERS}/{id}/actions/unlock"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.body);
    assert_eq!(unlocked.body["status"], "active");
    let again = app
        .request(
            "POST",
            &format!("{USERS}/{id}/actions/unlock"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["code"], "USER_NOT_LOCKED");
    // Unlocking reset the count: four failures do not lock again.
    for _ in 0..4 {
        assert_eq!(login(&app, "ada", "not the password 1").await.0, 401);
    }
    token_of(&app, "ada", FIRST).await;
}

#[actix_web::test]
async fn users_change_their_password_with_the_current_one_and_admins_reset_it() {
    let app = spawn_app().await;
    let id = create_user(&app, "grace", FIRST).await;
    let token = token_of(&app, "grace", FIRST).await;
    let path = format!("{USERS}/{id}/password");
    let wrong = app
        .request(
            "PUT",
            &path,
            Some(&token),
            Some(&json!({ "currentPassword": "a wrong one 1", "newPassword": SECOND })),
            &[],
        )
        .await;
    assert_eq!(wrong.status, 403, "{}", wrong.body);
    assert_eq!(wrong.body["code"], "WRONG_PASSWORD");
    let weak = app
        .request(
            "PUT",
            &path,
            Some(&token),
            Some(&json!({ "currentPassword": FIRST, "newPassword": "short" })),
            &[],
        )
        .await;
    assert_eq!(weak.status, 400);
    assert_eq!(weak.body["code"], "WEAK_PASSWORD");
    let changed = app
        .request(
            "PUT",
            &path,
            Some(&token),
            Some(&json!({ "currentPassword": FIRST, "newPassword": SECOND })),
            &[],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(login(&app, "grace", FIRST).await.0, 401);
    token_of(&app, "grace", SECOND).await;

    // Another user may not change it; an admin resets it without the current one.
    let other = create_user(&app, "linus", FIRST).await;
    let other_token = token_of(&app, "linus", FIRST).await;
    let denied = app
        .request(
            "PUT",
            &path,
            Some(&other_token),
            Some(&json!({ "newPassword": "third password 3" })),
            &[],
        )
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.body["code"], "PERMISSION_DENIED");
    assert_eq!(denied.body["params"], json!(["users:update"]));
    assert!(other > id);
    let reset = app
        .request(
            "PUT",
            &path,
            Some(&app.admin()),
            Some(&json!({ "newPassword": "third password 3" })),
            &[],
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    token_of(&app, "grace", "third password 3").await;
}

#[actix_web::test]
async fn a_platform_user_with_the_tenant_role_works_on_the_developer_platform() {
    let app = spawn_app().await;
    let id = create_user(&app, "tenant-user", FIRST).await;
    let bare = token_of(&app, "tenant-user", FIRST).await;
    let refused = app
        .create_app(&bare, &crate::helpers::app_body("platform-app"))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let (status, body) = bind(&app, id, 2, json!({})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["roleName"], "TENANT");
    let token = token_of(&app, "tenant-user", FIRST).await;
    let created = app
        .create_app(&token, &crate::helpers::app_body("platform-app"))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["userId"], id.to_string());
}

#[actix_web::test]
async fn deleted_users_cannot_log_in_and_keep_their_username_and_email() {
    let app = spawn_app().await;
    let id = create_user(&app, "temporary", FIRST).await;
    let token = token_of(&app, "temporary", FIRST).await;
    let deleted = app
        .request(
            "DELETE",
            &format!("{USERS}/{id}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.body["status"], "inactive");
    assert_eq!(login(&app, "temporary", FIRST).await.0, 401);
    let read = app
        .request(
            "GET",
            &format!("{USERS}/{id}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(read.status, 404, "a deleted user is gone: {}", read.body);
    let listed = app
        .request("GET", USERS, Some(&app.admin()), None, &[])
        .await;
    assert_eq!(listed.body["total"], 0, "{}", listed.body);
    let inactive = app
        .request(
            "GET",
            &format!("{USERS}?status=inactive"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(inactive.body["results"][0]["id"], id, "{}", inactive.body);
    let again = app
        .request(
            "DELETE",
            &format!("{USERS}/{id}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(again.status, 404, "{}", again.body);
    let own = app
        .request("GET", &format!("{USERS}/{id}"), Some(&token), None, &[])
        .await;
    assert_eq!(own.status, 401);
    for (username, email, code) in [
        ("TEMPORARY", "new@example.com", "DUPLICATE_USERNAME"),
        ("another", "Temporary@Example.com", "DUPLICATE_EMAIL"),
    ] {
        let taken = app
            .request(
                "POST",
                USERS,
                Some(&app.admin()),
                Some(&json!({ "username": username, "email": email, "password": FIRST })),
                &[],
            )
            .await;
        assert_eq!(taken.status, 409, "{}", taken.body);
        assert_eq!(taken.body["code"], code);
    }
}

/// The first admin from the CLI (password on standard input), then logins and password changes
/// through a real server process logging at debug: neither a password nor a hash appears in an
/// answer, an event, a table column other than the sealed hash, or a log line.
#[actix_web::test]
async fn no_password_or_hash_appears_in_answers_events_tables_or_logs() {
    let database = crate::helpers::fresh_database().await;
    let data_dir = temp_dir();
    let created = run_create_admin(&database, &data_dir, "root-admin", FIRST);
    assert!(created.status.success(), "{created:?}");
    let printed: serde_json::Value =
        serde_json::from_slice(&created.stdout).expect("create-admin prints JSON");
    assert_eq!(printed["username"], "root-admin");
    let again = run_create_admin(&database, &data_dir, "second-admin", FIRST);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("USERS_EXIST"));

    let log_path = data_dir.join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = ServerProcess::start_with_stderr(
        &[
            ("DATABASE_URL", Some(database.to_string())),
            ("EDGEDEV_DATA_DIR", Some(data_dir.display().to_string())),
            ("RUST_LOG", Some("debug".into())),
        ],
        Stdio::from(log),
    );
    let base = server.base.clone();
    let mut answers = Vec::new();
    let login_call = |password: &'static str| {
        let base = base.clone();
        async move {
            call(
                &base,
                "POST",
                "/api/v1/auth/login",
                None,
                Some(&json!({ "username": "root-admin", "password": password })),
                &[],
            )
            .await
        }
    };
    let logged_in = login_call(FIRST).await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
    let admin = logged_in.body["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    answers.push(logged_in.body.to_string());
    answers.push(login_call(SECOND).await.body.to_string());
    let user = call(
        &base,
        "POST",
        USERS,
        Some(&admin),
        Some(&json!({ "username": "logged", "email": "logged@example.com", "password": SECOND })),
        &[],
    )
    .await;
    assert_eq!(user.status, 201, "{}", user.body);
    answers.push(user.body.to_string());
    let id = user.body["id"].as_i64().expect("id");
    let changed = call(
        &base,
        "PUT",
        &format!("{USERS}/{id}/password"),
        Some(&admin),
        Some(&json!({ "newPassword": "third password 3" })),
        &[],
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    answers.push(changed.body.to_string());
    let listed = call(&base, "GET", USERS, Some(&admin), None, &[]).await;
    assert_eq!(listed.body["total"], 2, "{}", listed.body);
    answers.push(listed.body.to_string());
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    wait_caught_up(&pool).await;
    server.kill();
    let events: Vec<String> = pool
        .query("SELECT payload::text || metadata::text FROM events", &[])
        .await
        .and_then(db::scalars)
        .expect("events");
    let hashes: Vec<String> = pool
        .query("SELECT password_hash FROM users", &[])
        .await
        .and_then(db::scalars)
        .expect("hashes");
    assert_eq!(hashes.len(), 2);
    assert!(
        hashes.iter().all(|h| h.starts_with("enc:v1:")),
        "{hashes:?}"
    );
    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(
        log.contains("POST"),
        "the log records requests: {}",
        log.len()
    );
    for password in [FIRST, SECOND, "third password 3"] {
        let found = |text: &str| text.contains(password);
        assert!(!answers.iter().any(|a| found(a)), "{password} in an answer");
        assert!(!events.iter().any(|e| found(e)), "{password} in an event");
        assert!(!found(&log), "{password} in the log");
    }
    for text in answers.iter().chain(&events).chain([&log]) {
        assert!(!text.contains("$argon2"), "a hash in {text}");
        assert!(!text.contains("passwordHash\":\"$"), "a hash in {text}");
    }
    assert!(
        !answers.iter().any(|a| a.contains("\"password")),
        "{answers:?}"
    );
}

fn run_create_admin(
    database: &str,
    data_dir: &std::path::Path,
    username: &str,
    password: &str,
) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"))
        .args([
            "users",
            "create-admin",
            "--username",
            username,
            "--email",
            &format!("{username}@example.com"),
        ])
        .env("DATABASE_URL", database)
        .env("EDGEDEV_DATA_DIR", data_dir)
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("create-admin runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password written");
    let output = child.wait_with_output().expect("create-admin ends");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(!text.contains(password), "the password in the CLI's output");
    output
}
