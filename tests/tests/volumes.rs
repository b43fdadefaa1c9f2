//! A namespace's volumes (issue "Container platform II"): each type's own rules, a config map or
//! secret volume naming one of the namespace's, host_path only with `volumes:admin`, names unique
//! in the namespace, a namespace holding a volume refusing deletion, and a rebuild equal to the
//! incremental rows.

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

fn volumes(namespace: i64) -> String {
    format!("/api/v1/namespaces/{namespace}/volumes")
}

async fn create(app: &TestApp, token: &str, namespace: i64, body: Value) -> (u16, Value) {
    let reply = app
        .request("POST", &volumes(namespace), Some(token), Some(&body), &[])
        .await;
    (reply.status, reply.body)
}

#[actix_web::test]
async fn each_type_keeps_its_rules_and_names_only_what_the_namespace_has() {
    let app = spawn_app().await;
    let admin = app.admin();
    let tenant = app.tenant(1);
    let ns = namespace(&app, "storage").await;
    let config = app
        .request(
            "POST",
            &format!("/api/v1/namespaces/{ns}/configmaps"),
            Some(&admin),
            Some(&json!({ "name": "settings", "data": { "a": "b" } })),
            &[],
        )
        .await;
    assert_eq!(config.status, 201, "{}", config.body);

    let (status, claim) = create(
        &app,
        &tenant,
        ns,
        json!({ "name": "data", "type": "persistent_volume_claim", "size": "10Gi", "storageClass": "fast" }),
    )
    .await;
    assert_eq!(status, 201, "{claim}");
    assert_eq!(claim["accessMode"], "ReadWriteOnce");
    let (status, mounted) = create(
        &app,
        &tenant,
        ns,
        json!({ "name": "settings", "type": "config_map", "sourceName": "settings", "mountPath": "/etc/app" }),
    )
    .await;
    assert_eq!(status, 201, "{mounted}");
    let (status, scratch) = create(
        &app,
        &tenant,
        ns,
        json!({ "name": "scratch", "type": "empty_dir", "size": "512Mi" }),
    )
    .await;
    assert_eq!(status, 201, "{scratch}");

    let before = app.event_count().await;
    let refusals = [
        (
            json!({ "name": "nothing", "type": "secret", "sourceName": "absent" }),
            400,
            "sourceName",
        ),
        (
            json!({ "name": "c", "type": "config_map", "sourceName": "absent" }),
            400,
            "sourceName",
        ),
        (
            json!({ "name": "claim", "type": "persistent_volume_claim" }),
            400,
            "size",
        ),
        (
            json!({ "name": "e", "type": "empty_dir", "hostPath": "/tmp" }),
            400,
            "hostPath",
        ),
        (
            json!({ "name": "s", "type": "empty_dir", "size": "0" }),
            400,
            "size",
        ),
        (
            json!({ "name": "m", "type": "empty_dir", "mountPath": "/a/../b" }),
            400,
            "mountPath",
        ),
        (json!({ "name": "Bad", "type": "empty_dir" }), 400, "name"),
        (
            json!({ "name": "node", "type": "host_path", "hostPath": "/var/log" }),
            403,
            "volumes:admin",
        ),
    ];
    for (body, status, param) in refusals {
        let (got, answer) = create(&app, &tenant, ns, body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(answer["params"], json!([param]), "{body}");
    }
    assert_eq!(app.event_count().await, before, "refusals write nothing");
    // A taken name is found by the volume's own command, after the namespace admitted its id:
    // the namespace releases it again (ADR 0016), and nothing else is written.
    let (status, taken) = create(
        &app,
        &tenant,
        ns,
        json!({ "name": "data", "type": "empty_dir" }),
    )
    .await;
    assert_eq!(
        (status, taken["code"].clone()),
        (409, json!("DUPLICATE_VOLUME"))
    );
    assert_eq!(app.event_count().await, before + 2, "admitted and released");
    let (status, host) = create(
        &app,
        &admin,
        ns,
        json!({ "name": "node", "type": "host_path", "hostPath": "/var/log" }),
    )
    .await;
    assert_eq!(status, 201, "admins hold volumes:admin: {host}");
    let (status, escaping) = create(
        &app,
        &admin,
        ns,
        json!({ "name": "up", "type": "host_path", "hostPath": "/var/../etc" }),
    )
    .await;
    assert_eq!(
        (status, escaping["params"].clone()),
        (400, json!(["hostPath"]))
    );

    let page = app
        .request(
            "GET",
            &format!("{}?type=empty_dir", volumes(ns)),
            Some(&tenant),
            None,
            &[],
        )
        .await;
    assert_eq!(page.body["total"], 1, "{}", page.body);
    assert_eq!(page.body["results"][0]["size"], "512Mi");
    for bad in ["", "nfs"] {
        let refused = app
            .request(
                "GET",
                &format!("{}?type={bad}", volumes(ns)),
                Some(&tenant),
                None,
                &[],
            )
            .await;
        assert_eq!(
            (refused.status, refused.body["params"].clone()),
            (400, json!(["type"]))
        );
    }
    let one = app
        .request(
            "GET",
            &format!("{}/{}", volumes(ns), mounted["id"]),
            Some(&tenant),
            None,
            &[],
        )
        .await;
    assert_eq!(one.body["sourceName"], "settings");
    assert_eq!(one.body["type"], "config_map");
    assert_eq!(one.body["mountPath"], "/etc/app");
    let foreign = namespace(&app, "elsewhere").await;
    let wrong = app
        .request(
            "GET",
            &format!("{}/{}", volumes(foreign), mounted["id"]),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(wrong.status, 404);
}

#[actix_web::test]
async fn a_namespace_holding_a_volume_is_not_deleted_until_the_volume_is() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "held").await;
    let (status, volume) = create(
        &app,
        &admin,
        ns,
        json!({ "name": "tmp", "type": "empty_dir" }),
    )
    .await;
    assert_eq!(status, 201, "{volume}");
    let path = format!("/api/v1/namespaces/{ns}");
    let refused = app.request("DELETE", &path, Some(&admin), None, &[]).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.body["code"], "NAMESPACE_NOT_EMPTY");
    let volume_path = format!("{}/{}", volumes(ns), volume["id"]);
    let deleted = app
        .request("DELETE", &volume_path, Some(&admin), None, &[])
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        app.request("GET", &volume_path, Some(&admin), None, &[])
            .await
            .status,
        404
    );
    let emptied = app.request("DELETE", &path, Some(&admin), None, &[]).await;
    assert_eq!(emptied.status, 200, "{}", emptied.body);
}

#[actix_web::test]
async fn a_rebuild_of_the_namespaces_with_volumes_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "rebuilt").await;
    let mut ids = Vec::new();
    for (name, size) in [("a", "1Gi"), ("b", "2Gi"), ("c", "3Gi")] {
        let body = json!({ "name": name, "type": "persistent_volume_claim", "size": size, "accessMode": "ReadWriteMany" });
        let (status, created) = create(&app, &admin, ns, body).await;
        assert_eq!(status, 201, "{created}");
        ids.push(created["id"].as_i64().expect("id"));
    }
    let deleted = app
        .request(
            "DELETE",
            &format!("{}/{}", volumes(ns), ids[0]),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    wait_caught_up(&app.pool).await;
    let before = app.rows("volumes", "id").await;
    assert_eq!(before.len(), 2);
    assert_eq!(before[0]["access_mode"], "ReadWriteMany");
    app.pool
        .execute("UPDATE volumes SET status = 'failed'", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("namespaces")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("volumes", "id").await, before);
}

#[actix_web::test]
async fn a_claim_grows_and_keeps_everything_else() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ns = namespace(&app, "growing").await;
    let body = json!({ "name": "data", "type": "persistent_volume_claim", "size": "1Gi" });
    let (status, created) = create(&app, &admin, ns, body.clone()).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("{}/{}", volumes(ns), created["id"]);
    let put = |body: Value| {
        let app = &app;
        let path = path.clone();
        let admin = admin.clone();
        async move {
            app.request("PUT", &path, Some(&admin), Some(&body), &[])
                .await
        }
    };
    let mut grown = body.clone();
    grown["size"] = json!("2Gi");
    grown["mountPath"] = json!("/var/data");
    let reply = put(grown).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["size"], "2Gi");
    let before = app.event_count().await;
    for (change, param) in [
        (json!({ "size": "500Mi" }), "size"),
        (json!({ "type": "empty_dir", "size": "2Gi" }), "type"),
        (
            json!({ "storageClass": "fast", "size": "2Gi" }),
            "storageClass",
        ),
    ] {
        let mut next = body.clone();
        for (key, value) in change.as_object().expect("object") {
            next[key] = value.clone();
        }
        let reply = put(next).await;
        assert_eq!(reply.status, 400, "{param}: {}", reply.body);
        assert_eq!(reply.body["params"], json!([param]), "{}", reply.body);
    }
    assert_eq!(app.event_count().await, before);
    wait_caught_up(&app.pool).await;
    let rows = app.rows("volumes", "id").await;
    assert_eq!(rows[0]["size"], "2Gi");
    assert_eq!(rows[0]["mount_path"], "/var/data");
    app.server
        .state
        .runtime
        .rebuild("namespaces")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("volumes", "id").await, rows);
}
