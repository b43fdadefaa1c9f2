//! A namespace's secrets: values sealed before anything stores them (no plain value in an
//! answer, event or table), type rules, reveals needing `secrets:reveal` and recorded as events,
//! a namespace with secrets refusing deletion, and a rebuild equal to the incremental rows.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, wait_caught_up, TestApp};

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";
const PLAIN: &str = "hunter2-very-secret-value";
const USER_PASSWORD: &str = "Rotor-passw0rd-1";

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

fn secrets(namespace: i64) -> String {
    format!("/api/v1/namespaces/{namespace}/secrets")
}

async fn create(app: &TestApp, token: &str, namespace: i64, body: Value) -> (u16, Value) {
    let reply = app
        .request("POST", &secrets(namespace), Some(token), Some(&body), &[])
        .await;
    (reply.status, reply.body)
}

async fn reveal_events(app: &TestApp) -> i64 {
    app.pool
        .query_one(
            "SELECT count(*) FROM events WHERE event_type = 'SecretRevealed'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count")
}

#[actix_web::test]
async fn secret_values_are_sealed_and_revealed_only_with_the_permission() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "vault").await;
    let mut answers = Vec::new();
    let (status, created) = create(
        &app,
        &app.tenant(1),
        ns,
        json!({ "name": "db-credentials", "data": { "username": "app", "password": PLAIN } }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["type"], "Opaque");
    assert_eq!(created["keys"], json!(["password", "username"]));
    answers.push(created.to_string());
    let id = created["id"].as_i64().expect("id");
    let path = format!("{}/{id}", secrets(ns));
    let read = app.request("GET", &path, Some(&admin), None, &[]).await;
    assert_eq!(
        read.body["keys"],
        json!(["password", "username"]),
        "{}",
        read.body
    );
    answers.push(read.body.to_string());
    answers.push(
        app.request("GET", &secrets(ns), Some(&admin), None, &[])
            .await
            .body
            .to_string(),
    );

    // The tenant may create and read secrets, not reveal them.
    let denied = app
        .request(
            "POST",
            &format!("{path}/actions/reveal"),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.body["params"], json!(["secrets:reveal"]));
    assert_eq!(reveal_events(&app).await, 0);
    let revealed = app
        .request(
            "POST",
            &format!("{path}/actions/reveal"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert_eq!(revealed.body["data"]["password"], PLAIN);
    assert_eq!(reveal_events(&app).await, 1, "each reveal is recorded");

    let replaced = app
        .request(
            "PUT",
            &path,
            Some(&admin),
            Some(&json!({ "name": "db-credentials", "data": { "password": "rotated-1" } })),
            &[],
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.body["keys"], json!(["password"]));
    let retyped = app
        .request("PUT", &path, Some(&admin), Some(&json!({ "name": "db-credentials", "type": "kubernetes.io/tls", "data": { "tls.crt": CERT, "tls.key": KEY } })), &[])
        .await;
    assert_eq!(retyped.status, 400);
    assert_eq!(retyped.body["params"], json!(["type"]));

    wait_caught_up(&app.pool).await;
    let events: Vec<String> = app
        .pool
        .query("SELECT payload::text FROM events", &[])
        .await
        .and_then(db::scalars)
        .expect("events");
    let rows = app.rows("secrets", "id").await;
    for value in [PLAIN, "rotated-1"] {
        assert!(
            !events.iter().any(|e| e.contains(value)),
            "{value} in an event"
        );
        assert!(
            !rows.iter().any(|r| r.to_string().contains(value)),
            "{value} in a row"
        );
        assert!(
            !answers.iter().any(|a| a.contains(value)),
            "{value} in an answer"
        );
    }
    assert!(rows[0]["data"]["password"]
        .as_str()
        .unwrap_or_default()
        .starts_with("enc:v1:"));
}

#[actix_web::test]
async fn each_type_is_checked_and_a_namespace_with_secrets_stays() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "typed").await;
    let docker = r#"{"auths":{"registry.example":{"auth":"dXNlcjpwYXNz"}}}"#;
    for (body, expected) in [
        (
            json!({ "name": "tls", "type": "kubernetes.io/tls", "data": { "tls.crt": CERT, "tls.key": KEY } }),
            201,
        ),
        (
            json!({ "name": "pull", "type": "kubernetes.io/dockerconfigjson", "data": { ".dockerconfigjson": docker } }),
            201,
        ),
        (
            json!({ "name": "tls2", "type": "kubernetes.io/tls", "data": { "tls.crt": CERT } }),
            400,
        ),
        (
            json!({ "name": "tls3", "type": "kubernetes.io/tls", "data": { "tls.crt": "nope", "tls.key": KEY } }),
            400,
        ),
        (
            json!({ "name": "pull2", "type": "kubernetes.io/dockerconfigjson", "data": { ".dockerconfigjson": "{}" } }),
            400,
        ),
        (
            json!({ "name": "odd", "type": "kubernetes.io/basic-auth", "data": {} }),
            400,
        ),
        (json!({ "name": "tls", "data": {} }), 409),
    ] {
        let (status, answer) = create(&app, &admin, ns, body.clone()).await;
        assert_eq!(status, expected, "{body}: {answer}");
    }
    let refused = app
        .request(
            "DELETE",
            &format!("/api/v1/namespaces/{ns}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("2 secrets"),
        "{}",
        refused.body
    );
    let listed = app
        .request("GET", &secrets(ns), Some(&admin), None, &[])
        .await;
    for secret in listed.body["results"].as_array().expect("secrets") {
        let deleted = app
            .request(
                "DELETE",
                &format!("{}/{}", secrets(ns), secret["id"]),
                Some(&admin),
                None,
                &[],
            )
            .await;
        assert_eq!(deleted.status, 200, "{}", deleted.body);
    }
    wait_caught_up(&app.pool).await;
    let other = namespace(&app, "kept-secrets").await;
    let (status, _) = create(
        &app,
        &admin,
        other,
        json!({ "name": "s", "data": { "k": "v" } }),
    )
    .await;
    assert_eq!(status, 201);
    let gone = app
        .request(
            "DELETE",
            &format!("/api/v1/namespaces/{ns}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, 200, "{}", gone.body);

    wait_caught_up(&app.pool).await;
    let before = app.rows("secrets", "id").await;
    assert_eq!(before.len(), 1);
    app.pool
        .execute("DELETE FROM secrets", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("namespaces")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("secrets", "id").await, before);
}

/// `edgedev secrets rotate-key --generate`: a new key, every secret and user's password hash
/// re-sealed under it with an event (a second run has nothing left to do), a server started with
/// the new key (the old one kept as an earlier key) reveals every value, and one holding only
/// the new key does too and logs the user in: the earlier key can retire.
#[actix_web::test]
async fn a_key_rotation_reseals_every_secret_and_keeps_it_readable() {
    let data_dir = crate::helpers::temp_dir();
    let mut url = None;
    let app = crate::helpers::spawn_app_with(|config| {
        config.data_dir = data_dir.clone();
        url = config.database_url.clone();
    })
    .await;
    let url = url.expect("database url");
    let ns = namespace(&app, "rotating").await;
    let (status, created) = create(
        &app,
        &app.admin(),
        ns,
        json!({ "name": "db", "data": { "password": PLAIN } }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    crate::platform_identity::create_user(&app, "rotor", USER_PASSWORD).await;
    wait_caught_up(&app.pool).await;
    let sealed_before = app.rows("secrets", "id").await[0]["data"]["password"].clone();
    let hash_before = app.rows("users", "id").await[0]["password_hash"].clone();

    let rotate = || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"));
        command
            .args(["secrets", "rotate-key"])
            .env("DATABASE_URL", &url)
            .env("EDGEDEV_DATA_DIR", &data_dir)
            .env_remove("EDGEDEV_SECRET_KEY");
        command
    };
    let first = rotate()
        .arg("--generate")
        .output()
        .expect("rotate-key runs");
    assert!(first.status.success(), "{first:?}");
    let report: Value = serde_json::from_slice(&first.stdout).expect("a JSON report");
    let done = |n: usize| json!({ "resealed": n, "current": 1 - n, "failed": [] });
    assert_eq!(report, json!({ "secrets": done(1), "passwords": done(1) }));
    let again = rotate().output().expect("rotate-key runs");
    let report: Value = serde_json::from_slice(&again.stdout).expect("a JSON report");
    assert_eq!(report, json!({ "secrets": done(0), "passwords": done(0) }));

    wait_caught_up(&app.pool).await;
    let sealed_after = app.rows("secrets", "id").await[0]["data"]["password"].clone();
    let key_id = |v: &Value| {
        v.as_str()
            .unwrap_or_default()
            .split(':')
            .nth(2)
            .map(str::to_owned)
    };
    assert_ne!(
        key_id(&sealed_before),
        key_id(&sealed_after),
        "sealed under the new key"
    );
    assert!(!sealed_after.to_string().contains(PLAIN));
    let hash_after = app.rows("users", "id").await[0]["password_hash"].clone();
    assert_ne!(key_id(&hash_before), key_id(&hash_after), "the hash too");
    assert_eq!(key_id(&hash_after), key_id(&sealed_after));
    let resealed: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM events WHERE event_type = 'SecretResealed'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(resealed, 1);

    // A server started now seals with the new key and still opens the old one's values.
    let mut config = api::config::ServeConfig::for_database(&url, data_dir.clone());
    config.jwt_secret = Some(crate::helpers::JWT_SECRET.into());
    let restarted = api::server::start(&config, app.pool.clone())
        .await
        .expect("a second server");
    let revealed = crate::helpers::call(
        &format!("http://{}", restarted.addr),
        "POST",
        &format!("{}/{id}/actions/reveal", secrets(ns)),
        Some(&app.admin()),
        None,
        &[],
    )
    .await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert_eq!(revealed.body["data"]["password"], PLAIN);

    // The earlier key can retire: a server holding only the new key opens every sealed value,
    // the secret's and the user's password hash alike.
    let only_new = crate::helpers::temp_dir();
    std::fs::copy(data_dir.join("secret.key"), only_new.join("secret.key")).expect("the new key");
    let mut config = api::config::ServeConfig::for_database(&url, only_new);
    config.jwt_secret = Some(crate::helpers::JWT_SECRET.into());
    let retired = api::server::start(&config, app.pool.clone())
        .await
        .expect("a server without the earlier key");
    let base = format!("http://{}", retired.addr);
    let path = format!("{}/{id}/actions/reveal", secrets(ns));
    let revealed = crate::helpers::call(&base, "POST", &path, Some(&app.admin()), None, &[]).await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert_eq!(revealed.body["data"]["password"], PLAIN);
    let login = json!({ "username": "rotor", "password": USER_PASSWORD });
    let logged_in =
        crate::helpers::call(&base, "POST", "/api/v1/auth/login", None, Some(&login), &[]).await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
}
