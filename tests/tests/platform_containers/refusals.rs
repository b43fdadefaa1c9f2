//! Bad input refused with a code and no event; names, images and namespaces that do not fit.

use serde_json::{json, Value};

use super::{act, container, containers, post, spawn, spec, world};

#[actix_web::test]
async fn bad_input_is_refused_with_a_code_and_writes_nothing() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "strict").await;
    let (other, other_volume, _) = {
        let ns = post(&app, "/api/v1/namespaces", json!({ "name": "other" })).await["id"]
            .as_i64()
            .expect("ns");
        let v = post(
            &app,
            &format!("/api/v1/namespaces/{ns}/volumes"),
            json!({ "name": "theirs", "type": "empty_dir" }),
        )
        .await["id"]
            .as_i64()
            .expect("volume");
        (ns, v, ())
    };
    assert_ne!(other, ns);
    let before = app.event_count().await;
    let change = |edit: &dyn Fn(&mut Value)| {
        let mut body = spec(image, volume);
        edit(&mut body);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (change(&|b| b["cpuLimit"] = json!("lots")), "cpuLimit"),
        (change(&|b| b["cpuRequest"] = json!("2")), "cpuRequest"),
        (
            change(&|b| b["memoryRequest"] = json!("1Gi")),
            "memoryRequest",
        ),
        (
            change(&|b| b["ports"][1]["protocol"] = json!("TCP")),
            "containerPort",
        ),
        (
            change(&|b| b["ports"][0]["nodePort"] = json!(8080)),
            "nodePort",
        ),
        (
            change(&|b| b["env"][1]["valueFrom"]["key"] = json!("missing")),
            "valueFrom",
        ),
        (
            change(&|b| b["env"][1]["valueFrom"]["secret"] = json!("nope")),
            "valueFrom",
        ),
        (
            change(&|b| b["volumeMounts"][0]["subPath"] = json!("a/../../etc")),
            "subPath",
        ),
        (
            change(&|b| b["volumeMounts"][0]["volumeId"] = json!(other_volume)),
            "volumeId",
        ),
        (change(&|b| b["imageId"] = json!(999_999)), "imageId"),
        (change(&|b| b["name"] = json!("Web_1")), "name"),
    ];
    for (body, param) in cases {
        let reply = app
            .request(
                "POST",
                &containers(ns),
                Some(&app.tenant(1)),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(reply.status, 400, "{param}: {}", reply.body);
        assert_eq!(
            reply.body["code"], "INVALID_FIELD",
            "{param}: {}",
            reply.body
        );
        assert_eq!(reply.body["params"], json!([param]), "{}", reply.body);
    }
    let guest = app.token("guest-1", "guest1", domain::Role::Guest);
    let forbidden = app
        .request(
            "POST",
            &containers(ns),
            Some(&guest),
            Some(&spec(image, volume)),
            &[],
        )
        .await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    let missing = app
        .request(
            "POST",
            &containers(987_654),
            Some(&app.admin()),
            Some(&spec(image, volume)),
            &[],
        )
        .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(app.event_count().await, before, "no refusal wrote an event");

    let created = post(&app, &containers(ns), spec(image, volume)).await;
    let id = created["id"].as_i64().expect("id");
    let taken = app
        .request(
            "POST",
            &containers(ns),
            Some(&app.admin()),
            Some(&spec(image, volume)),
            &[],
        )
        .await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.body["code"], "DUPLICATE_CONTAINER");
    let (status, body) = act(&app, ns, id, "jump").await.expect_err("refused");
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("INVALID_FIELD"))
    );
    let (status, body) = act(&app, other, id, "start").await.expect_err("refused");
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("CONTAINER_NOT_FOUND"))
    );
    let renamed = app
        .request(
            "PUT",
            &format!("{}/{id}", containers(ns)),
            Some(&app.admin()),
            Some(&change(&|b| b["name"] = json!("api"))),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 400);
    assert_eq!(renamed.body["params"], json!(["name"]));
    let resized = app
        .request(
            "PUT",
            &format!("{}/{id}", containers(ns)),
            Some(&app.admin()),
            Some(&change(&|b| b["cpuLimit"] = json!("2"))),
            &[],
        )
        .await;
    assert_eq!(resized.status, 200, "{}", resized.body);
    assert_eq!(container(&app, ns, id).await["cpuLimit"], "2");
    let in_use = app
        .request(
            "DELETE",
            &format!("/api/v1/images/{image}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(in_use.status, 409, "{}", in_use.body);
    assert_eq!(in_use.body["code"], "PLATFORM_IMAGE_IN_USE");
}
