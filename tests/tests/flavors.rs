//! The flavor catalogue (and the package specifications beside it): seeded once at first start
//! (also with two seeders at once), never re-seeded after an admin deleted a row, admins manage
//! flavors, tenants read them, VMs must name one, and a rebuild of `tbl_vm_flavor` equals its
//! incremental rows.

use commands::catalogue;
use commands::CommandExecutor;
use serde_json::{json, Value};

use crate::helpers::{app_body, spawn_app, wait_caught_up};

const BASE: &str = "/mec/developer/v2/flavors";
/// A seeded X86 flavor ("General Computing-1").
const SEEDED: &str = crate::helpers::FLAVOR;

fn flavor_body(name: &str) -> Value {
    json!({"name": name, "description": "for tests", "architecture": "arm", "cpu": 2, "memory": 8,
           "systemDiskSize": 50, "dataDiskSize": 0, "gpuExtraInfo": "", "otherExtraInfo": "npu"})
}

async fn flavor_events(app: &crate::helpers::TestApp) -> i64 {
    app.pool
        .query_one(
            "SELECT count(*) FROM events WHERE aggregate_type = 'flavor'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count")
}

#[actix_web::test]
async fn the_catalogue_flavors_are_seeded_once_and_listed_by_architecture() {
    let app = spawn_app().await;
    let seed_rows = catalogue::flavors().expect("catalogue data");
    assert_eq!(seed_rows.len(), 16);
    wait_caught_up(&app.pool).await;
    let token = app.tenant(1);
    let all = app.request("GET", BASE, Some(&token), None, &[]).await;
    assert_eq!(all.status, 200, "{}", all.body);
    let listed = all.body.as_array().expect("array");
    assert_eq!(listed.len(), 16);
    let mut ids: Vec<&str> = listed.iter().filter_map(|f| f["id"].as_str()).collect();
    ids.sort_unstable();
    let mut expected: Vec<&str> = seed_rows.iter().map(|(id, _)| id.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    let x86 = app
        .request(
            "GET",
            &format!("{BASE}?architecture=x86"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(x86.body.as_array().map(Vec::len), Some(8));
    let one = app
        .request("GET", &format!("{BASE}/{SEEDED}"), Some(&token), None, &[])
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(
        (
            &one.body["name"],
            &one.body["cpu"],
            &one.body["memory"],
            &one.body["systemDiskSize"]
        ),
        (
            &json!("General Computing-1"),
            &json!(1),
            &json!(1),
            &json!(20)
        )
    );

    // A second start (and a second process) adds nothing: two seeders race on the same log.
    let first = CommandExecutor::new(app.pool.clone());
    let second = CommandExecutor::new(app.pool.clone());
    let (a, b) = tokio::join!(
        catalogue::seed(&first, &app.pool),
        catalogue::seed(&second, &app.pool)
    );
    assert_eq!((a.expect("seed").flavors, b.expect("seed").flavors), (0, 0));
    assert_eq!(flavor_events(&app).await, 16);
}

#[actix_web::test]
async fn two_seeders_on_an_empty_catalogue_create_each_flavor_once() {
    let app = spawn_app().await;
    // Empty the catalogue's log as if this were a first start, then seed twice at once.
    app.pool
        .execute("DELETE FROM events WHERE aggregate_type = 'flavor'", &[])
        .await
        .expect("empty the catalogue");
    let first = CommandExecutor::new(app.pool.clone());
    let second = CommandExecutor::new(app.pool.clone());
    let (a, b) = tokio::join!(
        catalogue::seed(&first, &app.pool),
        catalogue::seed(&second, &app.pool)
    );
    let created = a.expect("seed").flavors + b.expect("seed").flavors;
    assert_eq!(created, 16);
    assert_eq!(flavor_events(&app).await, 16);
}

#[actix_web::test]
async fn admins_create_and_delete_flavors_and_a_deleted_seed_row_stays_deleted() {
    let app = spawn_app().await;
    let admin = app.admin();
    let tenant = app.tenant(1);
    let refused = app
        .request(
            "POST",
            BASE,
            Some(&tenant),
            Some(&flavor_body("tenant-flavor")),
            &[],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let created = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&flavor_body("AI-Inference-1")),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["architecture"], "ARM");
    let id = created.body["id"].as_str().expect("id").to_owned();
    let read = app
        .request("GET", &format!("{BASE}/{id}"), Some(&tenant), None, &[])
        .await;
    assert_eq!(
        (read.status, &read.body["otherExtraInfo"]),
        (200, &json!("npu"))
    );

    let removed = app
        .request(
            "DELETE",
            &format!("{BASE}/{SEEDED}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let gone = app
        .request("GET", &format!("{BASE}/{SEEDED}"), Some(&tenant), None, &[])
        .await;
    assert_eq!(
        (gone.status, &gone.body["code"]),
        (404, &json!("FLAVOR_NOT_FOUND"))
    );
    let again = app
        .request(
            "DELETE",
            &format!("{BASE}/{SEEDED}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(again.status, 404);
    // A restart does not bring the deleted catalogue row back.
    let seeded = catalogue::seed(&CommandExecutor::new(app.pool.clone()), &app.pool)
        .await
        .expect("seed");
    assert_eq!(seeded.flavors, 0);
    let all = app.request("GET", BASE, Some(&tenant), None, &[]).await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(16));
}

#[actix_web::test]
async fn a_bad_flavor_is_refused_naming_its_field_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin();
    let events = app.event_count().await;
    let cases = [
        ("name", json!(" ")),
        ("architecture", json!("mips")),
        ("cpu", json!(0)),
        ("memory", json!(65_537)),
        ("systemDiskSize", Value::Null),
        ("dataDiskSize", json!(-1)),
        ("description", json!("d".repeat(256))),
    ];
    for (field, value) in cases {
        let mut body = flavor_body("bad-flavor");
        body[field] = value;
        let reply = app
            .request("POST", BASE, Some(&admin), Some(&body), &[])
            .await;
        assert_eq!(
            (reply.status, &reply.body["code"], &reply.body["params"]),
            (400, &json!("INVALID_FIELD"), &json!([field])),
            "{field}: {}",
            reply.body
        );
    }
    let bad_id = app
        .request(
            "GET",
            &format!("{BASE}/not-a-uuid"),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(bad_id.status, 400);
    assert_eq!(app.event_count().await, events);
}

#[actix_web::test]
async fn a_rebuild_of_the_flavors_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let admin = app.admin();
    for n in 0..3 {
        let created = app
            .request(
                "POST",
                BASE,
                Some(&admin),
                Some(&flavor_body(&format!("extra-{n}"))),
                &[],
            )
            .await;
        assert_eq!(created.status, 201);
    }
    let removed = app
        .request(
            "DELETE",
            &format!("{BASE}/{SEEDED}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200);
    wait_caught_up(&app.pool).await;
    let before = app.rows("tbl_vm_flavor", "id").await;
    assert_eq!(before.len(), 18);
    app.pool
        .execute("UPDATE tbl_vm_flavor SET name = 'tampered'", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("flavors")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_vm_flavor", "id").await, before);
}

#[actix_web::test]
async fn a_vm_must_name_a_flavor_of_the_catalogue_and_may_keep_one_since_removed() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let mut body = app_body("flavor-check");
    body["appClass"] = json!("VM");
    let created = app.create_app(&token, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let vms = format!(
        "/mec/developer/v2/applications/{}/vms",
        created.body["id"].as_str().expect("id")
    );
    let image = crate::helpers::vm_image_for(&app.base, &token).await;
    let vm = |flavor: &str| {
        json!({"name": "vm-1", "flavorId": flavor, "imageId": image,
               "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}]})
    };
    let events = app.event_count().await;
    let unknown = app
        .request("POST", &vms, Some(&token), Some(&vm("no-such-flavor")), &[])
        .await;
    assert_eq!(
        (
            unknown.status,
            &unknown.body["code"],
            &unknown.body["params"]
        ),
        (400, &json!("UNKNOWN_FLAVOR"), &json!(["flavorId"])),
        "{}",
        unknown.body
    );
    assert_eq!(
        app.event_count().await,
        events,
        "a refused VM appends nothing"
    );
    let configured = app
        .request("POST", &vms, Some(&token), Some(&vm(SEEDED)), &[])
        .await;
    assert_eq!(configured.status, 200, "{}", configured.body);
    let vm_path = format!("{vms}/{}", configured.body["id"].as_str().expect("vm id"));

    let removed = app
        .request(
            "DELETE",
            &format!("{BASE}/{SEEDED}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200);
    let mut renamed = vm(SEEDED);
    renamed["name"] = json!("vm-renamed");
    let kept = app
        .request("PUT", &vm_path, Some(&token), Some(&renamed), &[])
        .await;
    assert_eq!(kept.status, 200, "keeping its flavor: {}", kept.body);
    let second = app
        .request("POST", &vms, Some(&token), Some(&vm(SEEDED)), &[])
        .await;
    assert_eq!(second.body["code"], "UNKNOWN_FLAVOR", "{}", second.body);
}

#[actix_web::test]
async fn the_package_specifications_and_the_use_scene_are_answered_to_tenants() {
    let app = spawn_app().await;
    let token = app.tenant(1);
    let specs = app
        .request(
            "GET",
            "/mec/developer/v2/pkg-specs",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(specs.status, 200, "{}", specs.body);
    let n6: Vec<(&str, &str)> = specs
        .body
        .as_array()
        .expect("array")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or_default(),
                s["specifications"]["appdSpecs"]["networkNameSpecs"]["networkNameN6"]
                    .as_str()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        n6,
        [
            ("PKG_SPEC_SUPPORT_DYNAMIC_FLAVOR", "APP_Private"),
            ("PKG_SPEC_SUPPORT_FIXED_FLAVOR", "APP_N6")
        ]
    );
    let scene = app
        .request(
            "GET",
            "/mec/developer/v2/pkg-specs/useScenes",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!((scene.status, &scene.body), (200, &json!("edgeGallery")));
    let guest = app.token("guest-1", "guest", domain::Role::Guest);
    let refused = app
        .request(
            "GET",
            "/mec/developer/v2/pkg-specs",
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(refused.status, 403);
}
