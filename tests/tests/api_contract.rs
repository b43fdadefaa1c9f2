//! The API contract the fuzzing gate (scripts/fuzz) holds the server to, checked directly: the
//! document says what every handler answers and takes, other methods get 405 with `Allow`, and
//! the rules every request shares (no NUL, an object body, whole numbers) hold everywhere.

use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_api_document_lists_the_answers_every_handler_can_give() {
    let app = spawn_app().await;
    let doc = app
        .request("GET", "/api-docs/openapi.json", None, None, &[])
        .await;
    let paths = doc.body["paths"].as_object().expect("paths");
    let mut checked = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("item") {
            let responses = &operation["responses"];
            let has = |status: &str| responses.get(status).is_some();
            let name = format!("{method} {path}");
            assert!(has("503"), "{name}: 503");
            if path.contains('{') {
                assert!(has("400"), "{name}: 400 for an invalid path id");
            }
            if operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
            {
                assert!(has("401"), "{name}: 401");
            }
            if operation["requestBody"]["content"]["application/json"].is_object() {
                for status in ["400", "413", "415"] {
                    assert!(has(status), "{name}: {status} for a JSON body");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked} operations");
}

#[actix_web::test]
async fn the_api_document_states_the_shared_rules_and_links_creates_to_their_resources() {
    let app = spawn_app().await;
    let doc = app
        .request("GET", "/api-docs/openapi.json", None, None, &[])
        .await
        .body;
    let apps = &doc["paths"]["/mec/developer/v2/applications"];
    let one = &doc["paths"]["/mec/developer/v2/applications/{applicationId}"];
    let parameter = |operation: &serde_json::Value, name: &str| {
        operation["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .map(|p| p["schema"].clone())
            .unwrap_or_default()
    };
    assert_eq!(parameter(&one["get"], "applicationId")["format"], "uuid");
    let limit = parameter(&apps["get"], "limit");
    assert_eq!(
        (limit["minimum"].as_f64(), limit["maximum"].as_f64()),
        (Some(1.0), Some(500.0))
    );
    assert_eq!(
        parameter(&apps["post"], "Idempotency-Key")["maxLength"],
        255
    );
    // NUL is refused in every text; the document says so where no other rule does.
    assert_eq!(parameter(&apps["get"], "name")["pattern"], "^[^\\u0000]*$");
    // Every command endpoint documents the headers `options` reads and what they can answer.
    let networks = &doc["paths"]["/mec/developer/v2/applications/{applicationId}/networks"]["post"];
    assert_eq!(
        parameter(networks, "If-Match")["pattern"],
        "^(W/)?\"?[0-9]{1,18}\"?$"
    );
    for status in ["202", "412", "422", "429"] {
        assert!(
            networks["responses"][status].is_object(),
            "network create: {status}"
        );
    }
    // DELETE answers JSON, as every other answer.
    assert!(one["delete"]["responses"]["200"]["content"]["application/json"].is_object());
    // Operation ids are unique.
    let mut ids = std::collections::HashSet::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(ids.insert(id.to_owned()), "operationId {id} repeats");
        }
    }
    // A create links to what takes its id.
    let links = &apps["post"]["responses"]["201"]["links"];
    let to_get = links
        .as_object()
        .and_then(|l| {
            l.values()
                .find(|l| l["operationId"] == one["get"]["operationId"])
        })
        .expect("a link from create to get");
    assert_eq!(to_get["parameters"]["applicationId"], "$response.body#/id");
}

#[actix_web::test]
async fn other_methods_get_405_with_the_methods_the_path_takes() {
    let app = spawn_app().await;
    let doc = app
        .request("GET", "/api-docs/openapi.json", None, None, &[])
        .await
        .body;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path
            .replace("{pluginId}", "0123456789abcdef0123456789abcdef")
            .replace("{imageId}", "1")
            .replace("{lcmIp}", "10.0.0.1")
            .replace("{name}", "applications");
        let concrete = with_uuids(&concrete);
        let mut documented: Vec<String> = item
            .as_object()
            .expect("path item")
            .keys()
            .map(|m| m.to_uppercase())
            .collect();
        documented.sort();
        let reply = app.request("TRACE", &concrete, None, None, &[]).await;
        assert_eq!(reply.status, 405, "TRACE {path}: {}", reply.body);
        assert_eq!(reply.body["code"], "METHOD_NOT_ALLOWED");
        let allow = reply
            .headers
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let mut allowed: Vec<String> = allow.split(", ").map(str::to_owned).collect();
        allowed.sort();
        assert_eq!(allowed, documented, "Allow of {path}");
        checked += 1;
    }
    assert!(checked > 30, "{checked} paths");
}

/// Puts a UUID in every remaining `{...}` of a path.
fn with_uuids(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        out.push_str("3fa85f64-5717-4562-b3fc-2c963f66afa6");
        rest = &rest[rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1)..];
    }
    out.push_str(rest);
    out
}

#[actix_web::test]
async fn nul_in_a_path_query_or_body_is_invalid_text_and_changes_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant(1);
    let before = app.event_count().await;
    // vimType is a filter no query reads from the database: it took NUL and answered 200.
    let reply = app
        .request(
            "GET",
            "/mec/developer/v2/mephosts?vimType=a%00b",
            Some(&tenant),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("INVALID_TEXT")),
        "{}",
        reply.body
    );
    let reply = app
        .request(
            "GET",
            "/api/v1/projections/app%00",
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    // In any string of a JSON body, a field the server ignores included.
    let list = "/mec/developer/v2/vmimages/action/get-list";
    let body = json!({"visibleType": "all", "ignored": "a\u{0}b"});
    let reply = app
        .request("POST", list, Some(&tenant), Some(&body), &[])
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("INVALID_TEXT")),
        "{}",
        reply.body
    );
    let mut body = crate::helpers::app_body("nul-app");
    body["description"] = json!("first\u{0}");
    let reply = app.create_app(&tenant, &body).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("INVALID_TEXT")),
        "{}",
        reply.body
    );
    assert_eq!(app.event_count().await, before);
}

#[actix_web::test]
async fn a_body_is_an_object_and_whole_numbers_may_be_written_with_a_fraction() {
    let app = spawn_app().await;
    let tenant = app.tenant(1);
    let list = "/mec/developer/v2/vmimages/action/get-list";
    // Serde reads a struct from an array: `[]` was a valid list request.
    let reply = app
        .request("POST", list, Some(&tenant), Some(&json!([])), &[])
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("MALFORMED_JSON")),
        "{}",
        reply.body
    );
    // JSON's 10.0 is the integer 10 (and an OpenAPI integer); 10.5 is not.
    let body = json!({"queryCtrl": {"offset": 0.0, "limit": 10.0}});
    let reply = app
        .request("POST", list, Some(&tenant), Some(&body), &[])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = json!({"queryCtrl": {"offset": 0, "limit": 10.5}});
    let reply = app
        .request("POST", list, Some(&tenant), Some(&body), &[])
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
}

#[actix_web::test]
async fn writes_beyond_a_users_rate_answer_429_with_retry_after_and_change_nothing() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.write_rate_per_user = Some("0.2/3".parse().expect("rate"));
    })
    .await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    for n in 0..3 {
        let reply = app
            .create_app(&alice, &crate::helpers::app_body(&format!("rate-app-{n}")))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let before = app.event_count().await;
    let reply = app
        .create_app(&alice, &crate::helpers::app_body("rate-app-4"))
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (429, Some("TOO_MANY_REQUESTS")),
        "{}",
        reply.body
    );
    let retry: u32 = reply
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=5).contains(&retry), "Retry-After {retry}");
    assert_eq!(app.event_count().await, before);
    // Reads are not limited, and another user has their own bucket.
    let reply = app
        .request(
            "GET",
            "/mec/developer/v2/applications",
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 200);
    let reply = app
        .create_app(&bob, &crate::helpers::app_body("rate-app-bob"))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[actix_web::test]
async fn writes_beyond_an_addresss_rate_answer_429_before_the_token_is_read() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.write_rate_per_address = Some("0.2/2".parse().expect("rate"));
    })
    .await;
    let apps = "/mec/developer/v2/applications";
    // Without a token: the address's bucket is spent all the same (401 costs a token too).
    for _ in 0..2 {
        let reply = app.request("POST", apps, None, Some(&json!({})), &[]).await;
        assert_eq!(reply.status, 401, "{}", reply.body);
    }
    let reply = app
        .create_app(&app.tenant(1), &crate::helpers::app_body("addr-app"))
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (429, Some("TOO_MANY_REQUESTS")),
        "{}",
        reply.body
    );
    assert!(reply.headers.get("retry-after").is_some());
    let reply = app
        .request("GET", apps, Some(&app.tenant(1)), None, &[])
        .await;
    assert_eq!(reply.status, 200);
}

#[actix_web::test]
async fn no_accepted_value_stops_a_projection() {
    let app = spawn_app().await;
    let tenant = app.tenant(1);
    // A file reference longer than its column (tbl_app_project.icon_file_id) is refused by its
    // rule; one of the longest accepted length must still name a file. A host name padded with
    // spaces must fit tbl_service_host.name.
    let mut body = crate::helpers::app_body("widest-app");
    body["iconFileId"] = json!("f".repeat(50));
    let reply = app.create_app(&tenant, &body).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("INVALID_FILE_REFERENCE")),
        "{}",
        reply.body
    );
    body["name"] = json!("too-wide-app");
    body["iconFileId"] = json!("f".repeat(51));
    let reply = app.create_app(&tenant, &body).await;
    assert_eq!(
        (reply.status, reply.body["params"][0].as_str()),
        (400, Some("iconFileId")),
        "{}",
        reply.body
    );
    let host = json!({
        "name": format!("{}{}{}", " ".repeat(30), "h".repeat(50), " ".repeat(30)),
        "lcmIp": "10.250.0.9", "lcmPort": 30204, "architecture": "X86",
        "mecHostIp": "10.250.1.9", "vimType": "K8S"
    });
    let reply = app
        .request(
            "POST",
            "/mec/developer/v2/mephosts",
            Some(&app.admin()),
            Some(&host),
            &[],
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["name"], "h".repeat(50));
    crate::helpers::wait_caught_up(&app.pool).await;
    let statuses = app
        .request("GET", "/api/v1/projections", Some(&app.admin()), None, &[])
        .await
        .body;
    let failed: Vec<&serde_json::Value> = statuses
        .as_array()
        .expect("statuses")
        .iter()
        .filter(|p| p["status"] == "failed")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}
