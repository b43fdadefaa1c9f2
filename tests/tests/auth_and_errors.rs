//! Authentication, ownership and the error contract: right status, stable code, nothing changed.

use domain::Role;
use serde_json::json;

use crate::helpers::{app_body, spawn_app, JWT_SECRET};

const APPS: &str = "/mec/developer/v2/applications";

#[actix_web::test]
async fn requests_without_a_valid_token_get_401() {
    let app = spawn_app().await;
    let none = app.request("GET", APPS, None, None, &[]).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.body["code"], "UNAUTHORIZED");
    let forged = api::auth::JwtKeys::new(b"another-key".to_vec())
        .expect("signing key")
        .mint(&domain::Actor::new("u1", "mallory", vec![Role::Admin]), 60);
    assert_eq!(
        app.request("GET", APPS, Some(&forged), None, &[])
            .await
            .status,
        401
    );
    let expired = api::auth::JwtKeys::new(JWT_SECRET.as_bytes().to_vec())
        .expect("signing key")
        .mint(&domain::Actor::new("u1", "alice", vec![Role::Tenant]), -5);
    assert_eq!(
        app.request("GET", APPS, Some(&expired), None, &[])
            .await
            .status,
        401
    );
    assert_eq!(
        app.create_app("not-a-jwt", &app_body("camera-app"))
            .await
            .status,
        401
    );
    assert_eq!(app.event_count().await, 0);
}

#[actix_web::test]
async fn a_bearer_token_works_like_access_token() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let bearer = format!("Bearer {token}");
    let reply = app
        .request(
            "GET",
            APPS,
            None,
            None,
            &[("Authorization", bearer.as_str())],
        )
        .await;
    assert_eq!(reply.status, 200);
    // An empty access_token header does not hide the bearer token.
    let both = app
        .request(
            "GET",
            APPS,
            None,
            None,
            &[("access_token", ""), ("Authorization", bearer.as_str())],
        )
        .await;
    assert_eq!(both.status, 200, "{:?}", both.body);
}

#[actix_web::test]
async fn another_tenant_can_neither_see_nor_change_an_application() {
    let app = spawn_app().await;
    let owner = app.tenant(1);
    let intruder = app.tenant(2);
    let created = app.create_app(&owner, &app_body("camera-app")).await;
    let id = created.body["id"].as_str().expect("id").to_owned();
    let path = format!("{APPS}/{id}");
    let events = app.event_count().await;

    let read = app.request("GET", &path, Some(&intruder), None, &[]).await;
    assert_eq!(read.status, 403);
    assert!(
        read.body.get("name").is_none(),
        "no data leaks in the error"
    );
    for (method, suffix, body) in [
        ("PUT", "", Some(app_body("stolen-app"))),
        ("DELETE", "", None),
        (
            "PUT",
            "/action/sel-mephost",
            Some(json!({ "mepHostId": "1f0c8a4e-7d7e-4d6b-9a43-0f1c2d3e4f50" })),
        ),
    ] {
        let reply = app
            .request(
                method,
                &format!("{path}{suffix}"),
                Some(&intruder),
                body.as_ref(),
                &[],
            )
            .await;
        assert_eq!(reply.status, 403, "{method} {suffix}");
        assert_eq!(reply.body["code"], "FORBIDDEN");
    }
    let list = app.request("GET", APPS, Some(&intruder), None, &[]).await;
    assert_eq!(list.body["total"], 0);
    assert_eq!(app.event_count().await, events, "nothing appended");
    assert_eq!(
        app.request("GET", &path, Some(&owner), None, &[])
            .await
            .body["name"],
        "camera-app"
    );

    let admin = app.admin();
    assert_eq!(
        app.request("GET", &path, Some(&admin), None, &[])
            .await
            .status,
        200
    );
    assert_eq!(
        app.request("DELETE", &path, Some(&admin), None, &[])
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn guests_may_not_use_application_endpoints() {
    let app = spawn_app().await;
    let guest = app.token("guest-1", "guest", Role::Guest);
    assert_eq!(
        app.create_app(&guest, &app_body("camera-app")).await.status,
        403
    );
    assert_eq!(
        app.request("GET", APPS, Some(&guest), None, &[])
            .await
            .status,
        403
    );
    assert_eq!(app.event_count().await, 0);
}

#[actix_web::test]
async fn a_user_id_parameter_must_name_the_caller() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let reply = app
        .request(
            "GET",
            &format!("{APPS}?userId=tenant-2"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 401);
    let own = app
        .request(
            "GET",
            &format!("{APPS}?userId=tenant-1"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(own.status, 200);
}

#[actix_web::test]
async fn client_mistakes_get_4xx_with_a_stable_code_never_500() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let bad_id = app
        .request(
            "GET",
            &format!("{APPS}/not-a-uuid"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (bad_id.status, bad_id.body["code"].as_str()),
        (400, Some("INVALID_ID"))
    );
    let unknown = app
        .request(
            "GET",
            &format!("{APPS}/3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.body["code"].as_str()),
        (404, Some("APPLICATION_NOT_FOUND"))
    );
    let bad_delete = app
        .request("DELETE", &format!("{APPS}/1234"), Some(&token), None, &[])
        .await;
    assert_eq!(bad_delete.status, 400);

    let mut huge = app_body("camera-app");
    huge["description"] = json!("x".repeat(100_000));
    let oversize = app.create_app(&token, &huge).await;
    assert_eq!(
        (oversize.status, oversize.body["code"].as_str()),
        (413, Some("PAYLOAD_TOO_LARGE"))
    );

    let malformed = call_raw(&app.base, &token, "{\"name\": ").await;
    assert_eq!(malformed.0, 400);
    assert_eq!(malformed.1["code"], "MALFORMED_JSON");
    let wrong_type = app.create_app(&token, &json!({ "name": 12 })).await;
    assert_eq!(wrong_type.status, 400);

    let no_route = app
        .request(
            "GET",
            "/mec/developer/v2/nothing-here",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (no_route.status, no_route.body["code"].as_str()),
        (404, Some("ROUTE_NOT_FOUND"))
    );
    let wrong_method = app
        .request(
            "PATCH",
            "/mec/developer/v2/applications",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (wrong_method.status, wrong_method.body["code"].as_str()),
        (405, Some("METHOD_NOT_ALLOWED"))
    );
    assert_eq!(
        wrong_method.body["path"], "/mec/developer/v2/applications",
        "{}",
        wrong_method.body
    );
    assert_eq!(app.event_count().await, 0);
}

#[actix_web::test]
async fn health_readiness_metrics_and_the_api_document_are_served() {
    let app = spawn_app().await;
    assert_eq!(
        app.request("GET", "/health", None, None, &[]).await.status,
        200
    );
    assert_eq!(
        app.request("GET", "/livez", None, None, &[]).await.status,
        200
    );
    let ready = app.request("GET", "/readyz", None, None, &[]).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["migrations"]["status"], "current");
    assert_eq!(
        app.create_app(&app.tenant(1), &app_body("camera-app"))
            .await
            .status,
        201
    );
    let metrics = app.request("GET", "/metrics", None, None, &[]).await;
    let text = metrics.body.as_str().expect("text").to_owned();
    assert!(text.contains("edgedev_http_requests_total{method=\"POST\",route=\"/mec/developer/v2/applications\",status=\"201\"} 1"), "{text}");
    assert!(text.contains("edgedev_command_duration_seconds_count{aggregate=\"application\",command=\"create\",outcome=\"ok\"} 1"));
    assert!(text.contains("edgedev_projection_lag_events{projection=\"applications\"}"));
    let doc = app
        .request("GET", "/api-docs/openapi.json", None, None, &[])
        .await;
    assert!(doc.body["paths"]["/mec/developer/v2/applications"]["post"].is_object());
    assert!(doc.body["components"]["schemas"]["ApplicationRequest"].is_object());
    let ui = app.request("GET", "/api-docs/ui/", None, None, &[]).await;
    assert_eq!(ui.status, 200);
    assert!(ui
        .body
        .as_str()
        .is_some_and(|html| html.contains("swagger")));
}

async fn call_raw(base: &str, token: &str, body: &str) -> (u16, serde_json::Value) {
    let client = awc::Client::default();
    let mut response = client
        .post(format!("{base}{APPS}"))
        .insert_header(("access_token", token))
        .insert_header(("content-type", "application/json"))
        .send_body(body.to_owned())
        .await
        .expect("sent");
    let bytes = response.body().await.expect("body");
    (
        response.status().as_u16(),
        serde_json::from_slice(&bytes).unwrap_or_default(),
    )
}

#[actix_web::test]
async fn an_identity_too_long_for_the_read_models_is_refused_and_no_projection_stops() {
    let app = spawn_app().await;
    let long = "u".repeat(51);
    let token = app.token(&long, "alice", domain::Role::Tenant);
    let created = app.create_app(&token, &app_body("long-owner")).await;
    assert_eq!(
        (created.status, created.body["code"].as_str()),
        (401, Some("UNAUTHORIZED")),
        "{:?}",
        created.body
    );
    assert_eq!(app.event_count().await, 0);
    // A valid user still gets through, and every projection keeps running.
    let ok = app
        .create_app(&app.tenant(1), &app_body("short-owner"))
        .await;
    assert_eq!(ok.status, 201, "{:?}", ok.body);
    let statuses = app
        .request("GET", "/api/v1/projections", Some(&app.admin()), None, &[])
        .await;
    let all_running = statuses
        .body
        .as_array()
        .expect("statuses")
        .iter()
        .all(|p| p["status"] != "failed");
    assert!(all_running, "{}", statuses.body);
}

#[actix_web::test]
async fn a_nul_character_anywhere_is_a_400_that_changes_nothing() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let created = app.create_app(&token, &app_body("nul-target")).await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let events = app.event_count().await;

    let query = app
        .request(
            "GET",
            "/mec/developer/v2/applications?name=%00",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (query.status, query.body["code"].as_str()),
        (400, Some("INVALID_TEXT")),
        "{:?}",
        query.body
    );

    let mut body = app_body("nul-target");
    body["description"] = json!("before\u{0}after");
    let update = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/applications/{id}"),
            Some(&token),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(
        (update.status, update.body["code"].as_str()),
        (400, Some("INVALID_TEXT")),
        "{:?}",
        update.body
    );
    assert_eq!(app.event_count().await, events, "nothing appended");
    let read = app
        .request(
            "GET",
            &format!("/mec/developer/v2/applications/{id}"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(read.body["description"], "an application under test");
}

#[actix_web::test]
async fn a_password_of_the_wrong_json_type_is_not_echoed() {
    let app = spawn_app().await;
    let body = json!({
        "name": "sandbox-1", "lcmIp": "10.0.0.1", "lcmProtocol": "http", "lcmPort": 30204,
        "architecture": "X86", "status": "NORMAL", "mecHostIp": "10.0.0.2",
        "mecHostProtocol": "http", "vimType": "K8S", "mecHostUserName": "root",
        "mecHostPassword": 98765432, "mecHostPort": 22, "networkParameter": ""
    });
    let reply = app
        .request(
            "POST",
            "/mec/developer/v2/mephosts",
            Some(&app.admin()),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("MALFORMED_JSON")),
        "{:?}",
        reply.body
    );
    assert!(
        !reply.body.to_string().contains("98765432"),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_body_trickling_in_is_cut_off_with_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_app_with(|c| {
        c.body_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    let token = app.tenant(1);
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "POST /mec/developer/v2/applications HTTP/1.1\r\nHost: {address}\r\naccess_token: {token}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let mut answer = Vec::new();
    // One byte every 500 ms: the whole body would take 50 s; the answer must come before 10 s.
    for _ in 0..20 {
        if stream.write_all(b" ").await.is_err() {
            break;
        }
        let mut buffer = [0u8; 4096];
        match tokio::time::timeout(
            std::time::Duration::from_millis(500),
            stream.read(&mut buffer),
        )
        .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buffer[..n]);
                break;
            }
            Err(_) => {}
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
    assert_eq!(app.event_count().await, 0);
}
