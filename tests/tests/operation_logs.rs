//! The operation log (issue "Container platform I", ADR 0017): every `/api/v1` request that
//! reaches a handler, accepted or refused, leaves exactly one row with its body redacted; users
//! read their own rows and `operation-logs:read` everyone's; `user_operation_stats` counts them;
//! row-level security filters rows for the reader role whatever the query; a rebuild equals the
//! incremental rows; expired months are dropped by the upkeep job.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, wait_caught_up, TestApp};
use crate::platform_identity::{bind, create_user, token_of, USERS};

const OLGA_PASSWORD: &str = "Olga-passw0rd-1";
const NEW_PASSWORD: &str = "Olga-passw0rd-2";
const SECRET_VALUE: &str = "s3cret-value-never-logged";

const LOGS: &str = "/api/v1/operation-logs";

/// One request made by the test and the status it must have been answered with.
struct Made {
    method: &'static str,
    path: String,
    status: u16,
}

async fn make(
    app: &TestApp,
    made: &mut Vec<Made>,
    method: &'static str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    status: u16,
) -> Value {
    let reply = app.request(method, path, token, body.as_ref(), &[]).await;
    assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
    made.push(Made {
        method,
        path: path.to_owned(),
        status,
    });
    reply.body
}

async fn log_rows(app: &TestApp) -> Vec<Value> {
    wait_caught_up(&app.pool).await;
    app.rows("operation_logs", "id").await
}

#[actix_web::test]
async fn every_request_leaves_one_row_with_passwords_and_secret_values_redacted() {
    let app = spawn_app().await;
    let admin = app.admin();
    // The helper's own requests are recorded as well: count from here.
    let olga = create_user(&app, "olga", OLGA_PASSWORD).await;
    let mut made = vec![Made {
        method: "POST",
        path: USERS.to_owned(),
        status: 201,
    }];
    let token = token_of(&app, "olga", OLGA_PASSWORD).await;
    made.push(Made {
        method: "POST",
        path: "/api/v1/auth/login".into(),
        status: 200,
    });
    let user = |name: &str| json!({ "username": name, "email": format!("{name}@example.com"), "password": OLGA_PASSWORD });
    // Refused: 403 (olga may not create users), 409 (taken), 400 (bad email), 401 (bad login).
    make(
        &app,
        &mut made,
        "POST",
        USERS,
        Some(&token),
        Some(user("nope")),
        403,
    )
    .await;
    make(
        &app,
        &mut made,
        "POST",
        USERS,
        Some(&admin),
        Some(user("olga")),
        409,
    )
    .await;
    let bad_email =
        json!({ "username": "bad", "email": "not-an-email", "password": OLGA_PASSWORD });
    make(
        &app,
        &mut made,
        "POST",
        USERS,
        Some(&admin),
        Some(bad_email),
        400,
    )
    .await;
    let wrong = json!({ "username": "olga", "password": "Wrong-passw0rd" });
    make(
        &app,
        &mut made,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(wrong),
        401,
    )
    .await;
    // Accepted: a password change, a read.
    let change = json!({ "currentPassword": OLGA_PASSWORD, "newPassword": NEW_PASSWORD });
    let password_path = format!("{USERS}/{olga}/password");
    make(
        &app,
        &mut made,
        "PUT",
        &password_path,
        Some(&token),
        Some(change),
        200,
    )
    .await;
    make(
        &app,
        &mut made,
        "GET",
        &format!("{USERS}/{olga}"),
        Some(&token),
        None,
        200,
    )
    .await;
    // A secret created and revealed by the admin.
    let ns = make(
        &app,
        &mut made,
        "POST",
        "/api/v1/namespaces",
        Some(&admin),
        Some(json!({ "name": "logged" })),
        201,
    )
    .await;
    let ns = ns["id"].as_i64().expect("namespace id");
    let secrets = format!("/api/v1/namespaces/{ns}/secrets");
    let secret_body =
        json!({ "name": "db", "data": { "password": SECRET_VALUE, "user": "app-user-plain" } });
    let secret = make(
        &app,
        &mut made,
        "POST",
        &secrets,
        Some(&admin),
        Some(secret_body),
        201,
    )
    .await;
    let secret = secret["id"].as_i64().expect("secret id");
    let reveal = format!("{secrets}/{secret}/actions/reveal");
    make(&app, &mut made, "POST", &reveal, Some(&admin), None, 200).await;

    let rows = log_rows(&app).await;
    let seen: Vec<(String, String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["request_method"].as_str().unwrap_or_default().to_owned(),
                r["request_path"].as_str().unwrap_or_default().to_owned(),
                r["status_code"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String, i64)> = made
        .iter()
        .map(|m| (m.method.to_owned(), m.path.clone(), i64::from(m.status)))
        .collect();
    assert_eq!(seen, expected, "one row per request, in order");
    let ids: std::collections::HashSet<&str> = rows
        .iter()
        .filter_map(|r| r["operation_id"].as_str())
        .collect();
    assert_eq!(ids.len(), rows.len(), "operation ids are unique");

    let text = serde_json::to_string(&rows).expect("rows as text");
    for plain in [
        OLGA_PASSWORD,
        NEW_PASSWORD,
        "Wrong-passw0rd",
        SECRET_VALUE,
        "app-user-plain",
    ] {
        assert!(!text.contains(plain), "{plain} is in the operation log");
    }
    let stored: Vec<String> = app
        .pool
        .query("SELECT payload::text || metadata::text FROM events", &[])
        .await
        .and_then(db::scalars)
        .expect("events");
    for plain in [OLGA_PASSWORD, NEW_PASSWORD, "Wrong-passw0rd", SECRET_VALUE] {
        assert!(
            stored.iter().all(|e| !e.contains(plain)),
            "{plain} is in an event"
        );
    }

    let row = |method: &str, path: &str, status: i64| {
        rows.iter()
            .find(|r| {
                r["request_method"] == method
                    && r["request_path"] == path
                    && r["status_code"] == status
            })
            .unwrap_or_else(|| panic!("no row for {method} {path} {status}"))
            .clone()
    };
    let refused = row("POST", USERS, 403);
    assert_eq!(refused["user_id"], json!(olga));
    assert_eq!(refused["error_code"], "PERMISSION_DENIED");
    assert_eq!(refused["action"], "create");
    assert_eq!(refused["resource_type"], "user");
    assert_eq!(refused["request_body"]["password"], "[REDACTED]");
    assert_eq!(refused["request_body"]["username"], "nope");
    let taken = row("POST", USERS, 409);
    assert!(
        taken["error_code"]
            .as_str()
            .is_some_and(|c| c.starts_with("DUPLICATE_")),
        "{taken}"
    );
    assert_eq!(row("POST", USERS, 400)["error_code"], "INVALID_FIELD");
    let failed_login = row("POST", "/api/v1/auth/login", 401);
    assert_eq!(failed_login["user_id"], json!(olga));
    assert_eq!(failed_login["error_code"], "INVALID_CREDENTIALS");
    let changed = row("PUT", &password_path, 200);
    assert_eq!(changed["action"], "change_password");
    assert_eq!(
        changed["request_body"],
        json!({ "currentPassword": "[REDACTED]", "newPassword": "[REDACTED]" })
    );
    let created = row("POST", &secrets, 201);
    assert_eq!(created["resource_id"], json!(secret));
    assert_eq!(created["namespace_id"], json!(ns));
    assert_eq!(
        created["request_body"]["data"],
        json!({ "password": "[REDACTED]", "user": "[REDACTED]" })
    );
    let revealed = row("POST", &reveal, 200);
    assert_eq!(revealed["action"], "reveal");
    assert_eq!(revealed["resource_type"], "secret");
    assert_eq!(revealed["resource_id"], json!(secret));
    let created_user = row("POST", USERS, 201);
    assert_eq!(created_user["resource_id"], json!(olga));
    assert_eq!(created_user["resource_name"], "olga");
}

#[actix_web::test]
async fn users_read_their_own_rows_and_the_permission_reads_everyones() {
    let app = spawn_app().await;
    let olga = create_user(&app, "olga", OLGA_PASSWORD).await;
    let piet = create_user(&app, "piet", OLGA_PASSWORD).await;
    let olga_token = token_of(&app, "olga", OLGA_PASSWORD).await;
    let piet_token = token_of(&app, "piet", OLGA_PASSWORD).await;
    // Olga: one refused and one accepted request besides her login.
    let refused = app
        .request("GET", USERS, Some(&olga_token), None, &[])
        .await;
    assert_eq!(refused.status, 403);
    let own = app
        .request(
            "GET",
            &format!("{USERS}/{olga}"),
            Some(&olga_token),
            None,
            &[],
        )
        .await;
    assert_eq!(own.status, 200);
    wait_caught_up(&app.pool).await;

    let page = app.request("GET", LOGS, Some(&olga_token), None, &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let results = page.body["results"].as_array().expect("results");
    assert_eq!(page.body["total"], 3, "login, 403, get: {}", page.body);
    assert!(results.iter().all(|r| r["userId"] == json!(olga)));
    assert_eq!(
        results[0]["requestPath"],
        format!("{USERS}/{olga}"),
        "newest first"
    );

    let other = app
        .request(
            "GET",
            &format!("{LOGS}?userId={piet}"),
            Some(&olga_token),
            None,
            &[],
        )
        .await;
    assert_eq!(other.status, 403, "{}", other.body);
    assert_eq!(other.body["params"], json!(["operation-logs:read"]));

    // The developer platform's admin token holds every permission: everyone's rows.
    let all = app
        .request(
            "GET",
            &format!("{LOGS}?limit=500"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(all.status, 200);
    let users: std::collections::HashSet<i64> = all.body["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["userId"].as_i64())
        .collect();
    assert!(users.contains(&olga) && users.contains(&piet), "{users:?}");
    let filtered = app
        .request(
            "GET",
            &format!("{LOGS}?userId={olga}&action=get&resourceType=user"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(filtered.body["total"], 1, "{}", filtered.body);
    let future = app
        .request(
            "GET",
            &format!("{LOGS}?from=2999-01-01T00:00:00Z"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(future.body["total"], 0);
    let bad_time = app
        .request(
            "GET",
            &format!("{LOGS}?from=yesterday"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(bad_time.status, 400);
    assert_eq!(bad_time.body["params"], json!(["from"]));

    // Stats count what the log holds for the user: her login, the 403, the get and the two
    // operation-log reads (each recorded before it was answered).
    wait_caught_up(&app.pool).await;
    let stats = app
        .request(
            "GET",
            &format!("{USERS}/{olga}/operation-stats"),
            Some(&olga_token),
            None,
            &[],
        )
        .await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    assert_eq!(stats.body["totalOperations"], 5, "{}", stats.body);
    assert_eq!(stats.body["failedOperations"], 2, "{}", stats.body);
    assert_eq!(stats.body["successfulOperations"], 3, "{}", stats.body);
    assert_eq!(stats.body["operationsLast30Days"], 5);
    let theirs = app
        .request(
            "GET",
            &format!("{USERS}/{olga}/operation-stats"),
            Some(&piet_token),
            None,
            &[],
        )
        .await;
    assert_eq!(theirs.status, 403);
    let missing = app
        .request(
            "GET",
            &format!("{USERS}/999999/operation-stats"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(missing.status, 404);
}

/// Counts the operation-log rows a role-less, table-less reader sees as `user`.
async fn visible_to(app: &TestApp, user: Option<i64>) -> i64 {
    let mut client = app.pool.get().await.expect("connection");
    let tx = client.transaction().await.expect("transaction");
    tx.batch_execute("SET LOCAL ROLE edgedev_platform_reader")
        .await
        .expect("reader role");
    if let Some(user) = user {
        tx.execute(
            "SELECT set_config('app.current_user_id', $1, true)",
            &[&user.to_string()],
        )
        .await
        .expect("caller");
    }
    // No condition at all: only the policy decides.
    let count: i64 = tx
        .query_one("SELECT count(*) FROM operation_logs", &[])
        .await
        .and_then(|r| r.try_get(0))
        .expect("count");
    tx.rollback().await.expect("rollback");
    count
}

#[actix_web::test]
async fn row_level_security_filters_the_reader_role_whatever_the_query() {
    let app = spawn_app().await;
    let olga = create_user(&app, "olga", OLGA_PASSWORD).await;
    let root = create_user(&app, "root", OLGA_PASSWORD).await;
    let (status, body) = bind(&app, root, 1, json!({})).await; // ADMIN, platform-wide
    assert_eq!(status, 201, "{body}");
    token_of(&app, "olga", OLGA_PASSWORD).await;
    let rows = log_rows(&app).await;
    let all = rows.len() as i64;
    let olgas = rows.iter().filter(|r| r["user_id"] == json!(olga)).count() as i64;
    assert!(olgas >= 1 && all > olgas, "{olgas} of {all}");

    assert_eq!(visible_to(&app, Some(olga)).await, olgas);
    assert_eq!(
        visible_to(&app, Some(root)).await,
        all,
        "ADMIN grants operation-logs:read"
    );
    assert_eq!(visible_to(&app, None).await, 0, "no caller, no rows");

    // The reader owns nothing and cannot write.
    let mut client = app.pool.get().await.expect("connection");
    let tx = client.transaction().await.expect("transaction");
    tx.batch_execute("SET LOCAL ROLE edgedev_platform_reader")
        .await
        .expect("reader role");
    let write = tx.execute("DELETE FROM operation_logs", &[]).await;
    assert!(write.is_err(), "the reader role deleted rows");
}

#[actix_web::test]
async fn a_rebuild_of_the_operation_log_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let olga = create_user(&app, "olga", OLGA_PASSWORD).await;
    token_of(&app, "olga", OLGA_PASSWORD).await;
    let wrong = json!({ "username": "olga", "password": "Wrong-passw0rd" });
    let refused = app
        .request("POST", "/api/v1/auth/login", None, Some(&wrong), &[])
        .await;
    assert_eq!(refused.status, 401);
    let lock = app
        .request(
            "POST",
            &format!("{USERS}/{olga}/actions/lock"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(lock.status, 200);
    let before = log_rows(&app).await;
    assert_eq!(before.len(), 4);
    app.pool
        .execute("DELETE FROM operation_logs WHERE status_code >= 400", &[])
        .await
        .expect("tamper");
    app.pool
        .execute("UPDATE operation_logs SET duration_ms = -1", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("operation_logs")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("operation_logs", "id").await, before);
}

async fn partitions(app: &TestApp) -> Vec<String> {
    app.pool
        .query(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'operation_logs' ORDER BY 1",
            &[],
        )
        .await
        .and_then(db::scalars)
        .expect("partitions")
}

#[actix_web::test]
async fn the_upkeep_drops_months_past_the_retention_and_counts_them() {
    let app = spawn_app().await;
    let state = &app.server.state;
    app.pool
        .batch(
            "CREATE TABLE IF NOT EXISTS operation_logs_y2020m01 PARTITION OF operation_logs \
             FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')",
        )
        .await
        .expect("old partition");
    let current = format!("operation_logs_{}", chrono::Utc::now().format("y%Ym%m"));
    assert!(partitions(&app).await.contains(&current));

    api::maintenance::keep_partitions(state, 0).await;
    assert!(
        partitions(&app)
            .await
            .iter()
            .any(|p| p == "operation_logs_y2020m01"),
        "retention 0 keeps every month"
    );
    let dropped_before = state
        .metrics
        .partitions_dropped
        .with_label_values(&["operation_logs"])
        .get();
    api::maintenance::keep_partitions(state, 12).await;
    let left = partitions(&app).await;
    assert!(
        !left.iter().any(|p| p == "operation_logs_y2020m01"),
        "{left:?}"
    );
    assert!(left.contains(&current), "the current month stays: {left:?}");
    assert!(left.iter().any(|p| p == "operation_logs_default"));
    let dropped = state
        .metrics
        .partitions_dropped
        .with_label_values(&["operation_logs"])
        .get();
    assert!(dropped > dropped_before, "{dropped_before} -> {dropped}");
}

#[actix_web::test]
async fn no_request_body_stops_the_operation_log() {
    let app = spawn_app().await;
    // Numbers at the edge of a double (PostgreSQL's jsonb writes them back as long digit
    // strings), deep nesting, NUL in keys and values, and a body that is not JSON at all.
    let bodies = [
        r#"{"username": "edge", "email": "e@example.com", "password": 1.7976931348623157e308, "n": -1.7976931348623157e308}"#.to_owned(),
        r#"{"username": 5e-324, "x": [1e308, 123456789012345678901234567890, -0.0]}"#.to_owned(),
        r#"{"a\u0000b": "c\u0000d", "username": "nul"}"#.to_owned(),
        format!("{}1{}", "[".repeat(100), "]".repeat(100)),
        "not json at all".to_owned(),
    ];
    for body in &bodies {
        let reply = awc::Client::new()
            .post(format!("{}{USERS}", app.base))
            .insert_header(("authorization", format!("Bearer {}", app.admin())))
            .insert_header(("content-type", "application/json"))
            .send_body(body.clone())
            .await
            .expect("request");
        assert_eq!(reply.status().as_u16(), 400, "{body}");
    }
    let rows = log_rows(&app).await;
    assert_eq!(rows.len(), bodies.len(), "{rows:?}");
    let status = app
        .request("GET", "/api/v1/projections", Some(&app.admin()), None, &[])
        .await;
    let log = status
        .body
        .as_array()
        .and_then(|all| all.iter().find(|p| p["name"] == "operation_logs").cloned());
    assert_eq!(log.expect("operation_logs")["status"], "running");
}
