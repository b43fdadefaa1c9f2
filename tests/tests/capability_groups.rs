//! The capability groups of the ability centre: the catalogue's 9 seeded once, read by everyone
//! signed in, managed by admins, names unique in any case, and a rebuild of
//! `tbl_capability_group` equal to its incremental rows.

use domain::Role;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, wait_caught_up};

const BASE: &str = "/mec/developer/v2/capability-groups";
const BY_TYPE: &str = "/mec/developer/v2/query/capability-groups/type";
/// The catalogue's "Video processing" group.
const VIDEO: &str = "4dba5f43-d802-4ec2-89c5-a2b5d3ffa5fd";
/// The one catalogue capability filed under it ("Lossless compression").
const VIDEO_CAPABILITY: &str = "420bf209-b74a-4c37-99f6-6bcca97b0ee3";

/// Deletes the capability filed under the video group, so the group may be deleted.
async fn empty_the_video_group(app: &crate::helpers::TestApp) {
    let removed = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/capabilities/{VIDEO_CAPABILITY}"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
}

fn group(name: &str, name_en: &str) -> Value {
    json!({"name": name, "nameEn": name_en, "type": "openmep_eco", "description": "测试",
           "descriptionEn": "for tests"})
}

#[actix_web::test]
async fn the_catalogue_groups_are_seeded_and_read_by_everyone_signed_in() {
    let app = spawn_app().await;
    let seeded = commands::catalogue::capability_groups().expect("catalogue data");
    assert_eq!(seeded.len(), 9);
    assert!(
        seeded.iter().any(|g| g.id == VIDEO),
        "the test names a seeded group"
    );
    wait_caught_up(&app.pool).await;
    let guest = app.token("guest-1", "guest", Role::Guest);
    let all = app.request("GET", BASE, Some(&guest), None, &[]).await;
    assert_eq!(all.status, 200, "{}", all.body);
    let mut ids: Vec<&str> = all
        .body
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    ids.sort_unstable();
    let mut expected: Vec<&str> = seeded.iter().map(|g| g.id.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    for (group_type, count) in [("OPENMEP", 7), ("standard", 2), ("OPENMEP_ECO", 0)] {
        let reply = app
            .request(
                "GET",
                &format!("{BY_TYPE}/{group_type}"),
                Some(&guest),
                None,
                &[],
            )
            .await;
        assert_eq!(
            (reply.status, reply.body.as_array().map(Vec::len)),
            (200, Some(count)),
            "{group_type}"
        );
    }
    let bad_type = app
        .request("GET", &format!("{BY_TYPE}/OTHER"), Some(&guest), None, &[])
        .await;
    assert_eq!(bad_type.status, 400);
    let video = app
        .request("GET", &format!("{BASE}/{VIDEO}"), Some(&guest), None, &[])
        .await;
    assert_eq!(
        (
            &video.body["nameEn"],
            &video.body["type"],
            &video.body["author"],
            &video.body["createTime"]
        ),
        (
            &json!("Video processing"),
            &json!("OPENMEP"),
            &json!("admin"),
            &json!(1_628_239_515_017_i64)
        )
    );
}

#[actix_web::test]
async fn admins_manage_groups_whose_names_are_unique_in_any_case() {
    let app = spawn_app().await;
    let admin = app.admin();
    let refused = app
        .request(
            "POST",
            BASE,
            Some(&app.tenant(1)),
            Some(&group("边缘", "Edge")),
            &[],
        )
        .await;
    assert_eq!(refused.status, 403);
    let created = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&group("边缘", "Edge")),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        (&created.body["type"], &created.body["author"]),
        (&json!("OPENMEP_ECO"), &json!("admin"))
    );
    let events = app.event_count().await;
    let taken = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&group("另一个", "video PROCESSING")),
            &[],
        )
        .await;
    assert_eq!(
        (taken.status, &taken.body["code"], &taken.body["params"]),
        (
            409,
            &json!("DUPLICATE_CAPABILITY_GROUP"),
            &json!(["nameEn"])
        ),
        "{}",
        taken.body
    );
    let bad = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&json!({"name": "x", "nameEn": "y", "type": "OTHER"})),
            &[],
        )
        .await;
    assert_eq!((bad.status, &bad.body["params"]), (400, &json!(["type"])));
    assert_eq!(
        app.event_count().await,
        events,
        "refused creates append nothing"
    );

    let in_use = app
        .request(
            "DELETE",
            &format!("{BASE}/{VIDEO}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (in_use.status, in_use.body["code"].as_str()),
        (409, Some("CAPABILITY_GROUP_IN_USE"))
    );
    empty_the_video_group(&app).await;
    let removed = app
        .request(
            "DELETE",
            &format!("{BASE}/{VIDEO}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let freed = app
        .request(
            "POST",
            BASE,
            Some(&admin),
            Some(&group("视频处理", "Video processing")),
            &[],
        )
        .await;
    assert_eq!(
        freed.status, 201,
        "the deleted group's names are free: {}",
        freed.body
    );
    let gone = app
        .request("GET", &format!("{BASE}/{VIDEO}"), Some(&admin), None, &[])
        .await;
    assert_eq!(gone.body["code"], "CAPABILITY_GROUP_NOT_FOUND");
    let seeded =
        commands::catalogue::seed(&commands::CommandExecutor::new(app.pool.clone()), &app.pool)
            .await
            .expect("seed");
    assert_eq!(
        seeded.capability_groups, 0,
        "a deleted catalogue group stays deleted"
    );
}

#[actix_web::test]
async fn a_rebuild_of_the_capability_groups_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let admin = app.admin();
    for n in 0..3 {
        let created = app
            .request(
                "POST",
                BASE,
                Some(&admin),
                Some(&group(&format!("组{n}"), &format!("Group {n}"))),
                &[],
            )
            .await;
        assert_eq!(created.status, 201);
    }
    empty_the_video_group(&app).await;
    let removed = app
        .request(
            "DELETE",
            &format!("{BASE}/{VIDEO}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200);
    wait_caught_up(&app.pool).await;
    let before = app.rows("tbl_capability_group", "id").await;
    assert_eq!(before.len(), 11);
    app.pool
        .execute(
            "DELETE FROM tbl_capability_group WHERE name_en = 'Group 1'",
            &[],
        )
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("capability_groups")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_capability_group", "id").await, before);
}
