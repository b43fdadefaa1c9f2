//! The capabilities of the ability centre: the catalogue's 52 seeded and queried by group, name,
//! English name and group type, with the group statistics; admins create (with uploaded files the
//! capability then holds and everyone may read, and a group by id or by name), update and delete;
//! names unique in any case; a group with capabilities is not deleted; a rebuild of
//! `tbl_capability` equals its incremental rows.

use domain::Role;
use serde_json::{json, Value};

use crate::helpers::{is_temp, raw_get, spawn_app, upload_file, wait_caught_up, TestApp};

const BASE: &str = "/mec/developer/v2/capabilities";
const QUERY: &str = "/mec/developer/v2/query";
/// The catalogue's "Telecom network" group (OPENMEP, 5 capabilities) and one of its capabilities.
const TELECOM: &str = "406593b4-c782-409c-8f46-a6fd5e1f6221";
const CONGESTION: &str = "e0eacedb-e94f-4f13-a616-e8a58335f017";

/// The files of a new capability, uploaded by `token`: api, guide, icon.
async fn files(app: &TestApp, token: &str) -> (String, String, String) {
    let api = b"openapi: 3.0.0\ninfo: {title: t, version: v1}\npaths: {}\n";
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    (
        upload_file(app, token, "api", "service.yaml", api).await,
        upload_file(app, token, "md", "guide.md", b"# Guide\n").await,
        upload_file(app, token, "icon", "icon.png", &png).await,
    )
}

fn body(name: &str, name_en: &str, files: &(String, String, String)) -> Value {
    json!({"name": name, "nameEn": name_en, "version": "v1", "description": "测试",
           "descriptionEn": "for tests", "provider": "edgedev", "groupId": TELECOM,
           "apiFileId": files.0, "guideFileId": files.1, "iconFileId": files.2,
           "host": "probe-service", "port": 8080, "protocol": "HTTP"})
}

fn count(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

#[actix_web::test]
async fn the_catalogue_capabilities_are_seeded_and_queried_every_way() {
    let app = spawn_app().await;
    wait_caught_up(&app.pool).await;
    let guest = app.token("guest-1", "guest", Role::Guest);
    let all = app.request("GET", BASE, Some(&guest), None, &[]).await;
    assert_eq!((all.status, count(&all.body)), (200, 52), "{}", all.body);
    let one = app
        .request(
            "GET",
            &format!("{BASE}/{CONGESTION}"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (
            &one.body["nameEn"],
            &one.body["groupId"],
            &one.body["group"]["nameEn"],
            &one.body["uploadTime"]
        ),
        (
            &json!("Congestion Detection"),
            &json!(TELECOM),
            &json!("Telecom network"),
            &json!(1628239515017_i64)
        ),
        "{}",
        one.body
    );
    let telecom = app
        .request(
            "GET",
            &format!("{QUERY}/capabilities/group-id/{TELECOM}"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(count(&telecom.body), 5);
    let standard = app
        .request(
            "GET",
            &format!("{QUERY}/capabilities/type/standard"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(count(&standard.body), 20, "3GPP 5 and ETSI 15");
    let page = app
        .request(
            "GET",
            &format!("{QUERY}/capabilities/name-en?nameEn=DETECTION&limit=2&offset=0"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (page.status, count(&page.body["results"])),
        (200, 2),
        "{}",
        page.body
    );
    let total = page.body["total"].as_i64().expect("total");
    assert!(total > 2, "{}", page.body);
    let rest = app
        .request(
            "GET",
            &format!("{QUERY}/capabilities/name-en?nameEn=detection&limit=500&offset=2"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(count(&rest.body["results"]) as i64, total - 2);
    let by_name = app
        .request(
            "GET",
            &format!("{QUERY}/capabilities/name?name=%E6%8B%A5%E5%A1%9E"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(
        by_name.body["results"][0]["id"],
        json!(CONGESTION),
        "{}",
        by_name.body
    );
    let stats = app
        .request(
            "GET",
            "/mec/developer/v2/capability-group-stats",
            Some(&guest),
            None,
            &[],
        )
        .await;
    let counted: i64 = stats
        .body
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|g| g["capabilityCount"].as_i64())
        .sum();
    assert_eq!((count(&stats.body), counted), (9, 52));
    let openmep = app
        .request(
            "GET",
            &format!("{QUERY}/capability-group-stats/type/OPENMEP"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    let telecom_stats = openmep
        .body
        .as_array()
        .expect("array")
        .iter()
        .find(|g| g["id"] == json!(TELECOM))
        .cloned();
    assert_eq!(
        telecom_stats.map(|g| g["capabilityCount"].clone()),
        Some(json!(5))
    );
    assert_eq!(count(&openmep.body), 7);
    let bad = app
        .request(
            "GET",
            &format!("{QUERY}/capabilities/type/other"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[actix_web::test]
async fn admins_create_capabilities_that_hold_their_files_for_everyone_to_read() {
    let app = spawn_app().await;
    let admin = app.admin();
    let tenant = app.tenant(1);
    let f = files(&app, &admin).await;
    let refused = app
        .request(
            "POST",
            BASE,
            Some(&tenant),
            Some(&body("探测", "Probe", &f)),
            &[],
        )
        .await;
    assert_eq!(refused.status, 403);
    let created = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&body("探测", "Probe", &f)),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        (
            &created.body["protocol"],
            &created.body["group"]["nameEn"],
            &created.body["selectCount"]
        ),
        (&json!("http"), &json!("Telecom network"), &json!(0))
    );
    let id = created.body["id"].as_str().expect("id").to_owned();
    for file in [&f.0, &f.1, &f.2] {
        assert_eq!(is_temp(&app, file).await, Some(false));
    }
    // A tenant reads the admin's API file once a capability holds it.
    let (status, _, _) = raw_get(
        &app,
        &format!(
            "/mec/developer/v2/upload-files/{}/action/get-file-stream",
            f.0
        ),
        &tenant,
    )
    .await;
    assert_eq!(status, 200);
    let read = app
        .request("GET", &format!("{BASE}/{id}"), Some(&tenant), None, &[])
        .await;
    assert_eq!(
        (read.status, &read.body["host"], &read.body["port"]),
        (200, &json!("probe-service"), &json!(8080))
    );

    // Names are unique in any case; groups and files must exist and be of the right type.
    let events = app.event_count().await;
    let f2 = files(&app, &admin).await;
    let events_after_upload = app.event_count().await;
    let duplicate = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&body("探测2", "PROBE", &f2)),
            &[],
        )
        .await;
    assert_eq!(
        (duplicate.status, duplicate.body["code"].as_str()),
        (409, Some("DUPLICATE_CAPABILITY")),
        "{}",
        duplicate.body
    );
    let mut unknown_group = body("探测3", "Probe 3", &f2);
    unknown_group["groupId"] = json!(uuid::Uuid::new_v4().to_string());
    let reply = app
        .request("POST", BASE, Some(&admin), Some(&unknown_group), &[])
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("UNKNOWN_CAPABILITY_GROUP"))
    );
    let mut wrong_type = body("探测4", "Probe 4", &f2);
    wrong_type["apiFileId"] = json!(f2.2);
    let reply = app
        .request("POST", BASE, Some(&admin), Some(&wrong_type), &[])
        .await;
    assert_eq!(
        (
            reply.status,
            reply.body["code"].as_str(),
            reply.body["params"][0].as_str()
        ),
        (400, Some("INVALID_FILE_REFERENCE"), Some("apiFileId"))
    );
    let mut bad_port = body("探测5", "Probe 5", &f2);
    bad_port["port"] = json!(70000);
    let reply = app
        .request("POST", BASE, Some(&admin), Some(&bad_port), &[])
        .await;
    assert_eq!(
        (reply.status, reply.body["params"][0].as_str()),
        (400, Some("port"))
    );
    assert!(events_after_upload > events);
    // The duplicate took the files before its command was refused, and let them go again.
    assert_eq!(is_temp(&app, &f2.0).await, Some(true));
    let all = app.request("GET", BASE, Some(&tenant), None, &[]).await;
    assert_eq!(
        count(&all.body),
        53,
        "only the first create added a capability"
    );
}

#[actix_web::test]
async fn a_group_named_by_name_is_found_or_created() {
    let app = spawn_app().await;
    let admin = app.admin();
    let f = files(&app, &admin).await;
    let mut existing = body("按名", "By name", &f);
    existing.as_object_mut().expect("object").remove("groupId");
    existing["group"] = json!({"name": "x", "nameEn": "telecom NETWORK", "type": "OPENMEP"});
    let created = app
        .request("POST", BASE, Some(&admin), Some(&existing), &[])
        .await;
    assert_eq!(
        (created.status, &created.body["groupId"]),
        (201, &json!(TELECOM)),
        "{}",
        created.body
    );
    let f2 = files(&app, &admin).await;
    let mut fresh = body("新组", "New group", &f2);
    fresh.as_object_mut().expect("object").remove("groupId");
    fresh["group"] = json!({"name": "边缘新组", "nameEn": "Edge new group", "type": "openmep_eco"});
    let created = app
        .request("POST", BASE, Some(&admin), Some(&fresh), &[])
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let group_id = created.body["groupId"]
        .as_str()
        .expect("group id")
        .to_owned();
    let group = app
        .request(
            "GET",
            &format!("/mec/developer/v2/capability-groups/{group_id}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (group.status, &group.body["type"]),
        (200, &json!("OPENMEP_ECO"))
    );
    // The capability is filed under its group: the group is not deleted until it moves away.
    let group_path = format!("/mec/developer/v2/capability-groups/{group_id}");
    let in_use = app
        .request("DELETE", &group_path, Some(&admin), None, &[])
        .await;
    assert_eq!(
        (in_use.status, in_use.body["code"].as_str()),
        (409, Some("CAPABILITY_GROUP_IN_USE")),
        "{}",
        in_use.body
    );
    let capability = created.body["id"].as_str().expect("id").to_owned();
    let mut moved = body("新组", "New group", &f2);
    moved["groupId"] = json!(TELECOM);
    let reply = app
        .request(
            "PUT",
            &format!("{BASE}/{capability}"),
            Some(&admin),
            Some(&moved),
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let removed = app
        .request("DELETE", &group_path, Some(&admin), None, &[])
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let mut neither = body("无组", "No group", &f2);
    neither.as_object_mut().expect("object").remove("groupId");
    let reply = app
        .request("POST", BASE, Some(&admin), Some(&neither), &[])
        .await;
    assert_eq!(
        (reply.status, reply.body["params"][0].as_str()),
        (400, Some("groupId"))
    );
}

#[actix_web::test]
async fn updates_and_deletes_let_go_of_the_files_no_longer_named() {
    let app = spawn_app().await;
    let admin = app.admin();
    let f = files(&app, &admin).await;
    let created = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&body("更新", "Update me", &f)),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 9];
    let new_icon = upload_file(&app, &admin, "icon", "new.png", &png).await;
    let mut changed = body("更新", "Update me", &f);
    changed["iconFileId"] = json!(new_icon);
    changed["port"] = json!(9090);
    let updated = app
        .request(
            "PUT",
            &format!("{BASE}/{id}"),
            Some(&admin),
            Some(&changed),
            &[],
        )
        .await;
    assert_eq!(
        (updated.status, &updated.body["port"]),
        (200, &json!(9090)),
        "{}",
        updated.body
    );
    assert_eq!(
        (is_temp(&app, &f.2).await, is_temp(&app, &new_icon).await),
        (Some(true), Some(false))
    );
    let read = app
        .request("GET", &format!("{BASE}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!(
        (&read.body["port"], &read.body["iconFileId"]),
        (&json!(9090), &json!(new_icon))
    );
    let deleted = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!(deleted.status, 200);
    for file in [&f.0, &f.1, &new_icon] {
        assert_eq!(is_temp(&app, file).await, Some(true));
    }
    let gone = app
        .request("GET", &format!("{BASE}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!(
        (gone.status, gone.body["code"].as_str()),
        (404, Some("CAPABILITY_NOT_FOUND"))
    );
}

#[actix_web::test]
async fn a_rebuild_of_the_capabilities_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let admin = app.admin();
    let f = files(&app, &admin).await;
    let created = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&body("重建", "Rebuild", &f)),
            &[],
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let mut changed = body("重建", "Rebuild", &f);
    changed["host"] = json!("rebuilt-host");
    let updated = app
        .request(
            "PUT",
            &format!("{BASE}/{id}"),
            Some(&admin),
            Some(&changed),
            &[],
        )
        .await;
    assert_eq!(updated.status, 200);
    // A seeded capability updated in a later batch than its creation.
    let seeded = app
        .request(
            "GET",
            &format!("{BASE}/{CONGESTION}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    let mut seeded_body = seeded.body.clone();
    seeded_body["port"] = json!(1234);
    let reply = app
        .request(
            "PUT",
            &format!("{BASE}/{CONGESTION}"),
            Some(&admin),
            Some(&seeded_body),
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let removed = app
        .request(
            "DELETE",
            &format!("{BASE}/{CONGESTION}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200);
    wait_caught_up(&app.pool).await;
    let before = app.rows("tbl_capability", "id").await;
    assert_eq!(before.len(), 52);
    assert!(before.iter().any(|r| r["host"] == json!("rebuilt-host")));
    app.pool
        .execute("UPDATE tbl_capability SET host = 'tampered'", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("capabilities")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_capability", "id").await, before);
}
