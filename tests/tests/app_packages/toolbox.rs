//! The admin toolbox of released packages: a published package synchronised back from the app
//! store, listed, read, edited (re-packed at once, digests right), released again and deleted;
//! admins only; a package synchronised twice, or one the store lacks, refused.

use domain::ports::StoredApp;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::releasing::{release_app, tested};
use super::vm_application;
use crate::helpers::wait_caught_up;

const BASE: &str = "/mec/developer/v2/released-packages";

#[actix_web::test]
async fn a_released_package_is_synchronised_edited_released_again_and_deleted() {
    let app = release_app().await;
    let (alice, admin) = (app.tenant(1), app.admin());
    let app_id = vm_application(&app, &alice, "toolbox-vm").await;
    tested(&app, &alice, &app_id).await;
    let released = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/release"),
            Some(&alice),
            Some(&json!({"isFree": true})),
            &[],
        )
        .await;
    assert_eq!(released.status, 200, "{}", released.body);
    let item = json!([{"appId": released.body["appStoreAppId"], "packageId": released.body["appStorePackageId"]}]);

    let refused = app
        .request("POST", BASE, Some(&alice), Some(&item), &[])
        .await;
    assert_eq!(refused.status, 403, "admins only");
    let synced = app
        .request("POST", BASE, Some(&admin), Some(&item), &[])
        .await;
    assert_eq!(synced.status, 200, "{}", synced.body);
    let package = &synced.body[0];
    assert_eq!(
        (&package["name"], &package["version"], &package["signed"]),
        (&json!("toolbox-vm"), &json!("v1.0"), &json!(false))
    );
    let id = package["id"].as_str().expect("id").to_owned();
    let again = app
        .request("POST", BASE, Some(&admin), Some(&item), &[])
        .await;
    assert_eq!(
        (again.status, &again.body["code"]),
        (409, &json!("DUPLICATE_RELEASED_PACKAGE"))
    );
    let unknown = json!([{"appId": "nope", "packageId": "nothing"}]);
    let missing = app
        .request("POST", BASE, Some(&admin), Some(&unknown), &[])
        .await;
    assert_eq!(
        (
            missing.status,
            &missing.body["code"],
            &missing.body["retCode"]
        ),
        (404, &json!("STORE_PACKAGE_NOT_FOUND"), &json!(20007)),
        "{}",
        missing.body
    );

    let listed = app
        .request(
            "GET",
            &format!("{BASE}?name=TOOLBOX"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (listed.status, &listed.body["total"]),
        (200, &json!(1)),
        "{}",
        listed.body
    );
    let tree = app
        .request(
            "GET",
            &format!("{BASE}/{id}/action/get-pkg-structure"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(tree.body[0]["fileName"], json!("APPD"), "{}", tree.body);
    let template = "APPD/Definitions/MainServiceTemplate.yaml";
    let read = app
        .request(
            "POST",
            &format!("{BASE}/{id}/action/get-file-content"),
            Some(&admin),
            Some(&json!({"filePath": template})),
            &[],
        )
        .await;
    let edited = format!(
        "{}# edited in the toolbox\n",
        read.body["content"].as_str().expect("text")
    );
    let outside = app
        .request(
            "PUT",
            &format!("{BASE}/{id}/action/edit-file-content"),
            Some(&admin),
            Some(&json!({"filePath": "../x", "content": "x"})),
            &[],
        )
        .await;
    assert_eq!(
        (outside.status, &outside.body["code"]),
        (400, &json!("INVALID_FIELD"))
    );
    let edit = app
        .request(
            "PUT",
            &format!("{BASE}/{id}/action/edit-file-content"),
            Some(&admin),
            Some(&json!({"filePath": template, "content": edited})),
            &[],
        )
        .await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    // Re-packed at once: the manifest lists the edited file's digest.
    let manifest = app
        .request(
            "POST",
            &format!("{BASE}/{id}/action/get-file-content"),
            Some(&admin),
            Some(&json!({"filePath": "toolbox-vm_v1.0.mf"})),
            &[],
        )
        .await;
    let digest: String = Sha256::digest(edited.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        manifest.body["content"]
            .as_str()
            .unwrap_or_default()
            .contains(&digest),
        "{}",
        manifest.body
    );

    let republished = app
        .request(
            "POST",
            &format!("{BASE}/{id}/action/release"),
            Some(&admin),
            Some(&json!({"isFree": false, "price": 5})),
            &[],
        )
        .await;
    assert_eq!(republished.status, 200, "{}", republished.body);
    let stored = StoredApp {
        app_id: republished.body["republishedAppId"]
            .as_str()
            .expect("store app")
            .to_owned(),
        package_id: republished.body["republishedPackageId"]
            .as_str()
            .expect("store package")
            .to_owned(),
    };
    assert_ne!(
        json!(stored.package_id),
        released.body["appStorePackageId"],
        "a new store package"
    );
    let sim = app
        .server
        .state
        .app_store
        .simulator
        .clone()
        .expect("simulator");
    let kept = sim.stored(&stored).expect("stored");
    assert_eq!(kept.published, Some((false, 500)));
    let unpacked = workflows::package::Csar::read(&kept.bytes).expect("a CSAR");
    assert_eq!(unpacked.text(template).expect("text"), edited);

    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_released_package", "id").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (&rows[0]["republished_package_id"], &rows[0]["file_id"]),
        (&json!(stored.package_id), &republished.body["fileId"])
    );
    app.pool
        .execute("DELETE FROM tbl_released_package", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("released_packages")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_released_package", "id").await, rows);

    let deleted = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&admin), None, &[])
        .await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!(true)));
    let gone = app
        .request(
            "GET",
            &format!("{BASE}/{id}/action/get-pkg-structure"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (gone.status, &gone.body["code"]),
        (404, &json!("RELEASED_PACKAGE_NOT_FOUND"))
    );
    let listed: Value = app.request("GET", BASE, Some(&admin), None, &[]).await.body;
    assert_eq!(listed["total"], json!(0));
}
