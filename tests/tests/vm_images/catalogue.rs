//! The catalogue side of VM images: visibility across tenants (private until published, names
//! unique per owner, strangers refused), filtering, delete, and a rebuild of `tbl_vm_image` and
//! `tbl_vm_system` that equals the incremental rows.

use serde_json::json;

use super::{create_image, finished, image, image_app, merge, qcow2, send_chunk, upload_all, BASE};
use crate::helpers::wait_caught_up;

#[actix_web::test]
async fn images_are_private_to_their_owner_until_an_admin_publishes_them() {
    let app = image_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let id = create_image(&app, &alice, "shared").await;
    assert_eq!(image(&app, &bob, id).await.status, 404);
    let list = |token: String| {
        let app = &app;
        async move {
            app.request(
                "POST",
                &format!("{BASE}/action/get-list"),
                Some(&token),
                Some(&json!({})),
                &[],
            )
            .await
            .body
        }
    };
    assert_eq!(list(bob.clone()).await["totalCount"], 0);
    assert_eq!(list(alice.clone()).await["totalCount"], 1);
    // Names are unique per owner only.
    let taken = app
        .request("POST", BASE, Some(&alice), Some(&json!({"name": "shared", "osType": "ubuntu", "osVersion": "1", "systemDiskSize": 5})), &[])
        .await;
    assert_eq!(
        (taken.status, taken.body["code"].as_str()),
        (409, Some("DUPLICATE_VM_IMAGE"))
    );
    create_image(&app, &bob, "shared").await;
    // A stranger may not upload into it, even once it is public; nor change or delete it.
    let chunk = send_chunk(&app, &bob, id, "up-1", "disk.qcow2", (1, 1), &qcow2(64)).await;
    assert_eq!(chunk.status, 404);
    upload_all(&app, &alice, id, "disk.qcow2", &qcow2(64), 1).await;
    let op = merge(&app, &alice, id, "disk.qcow2").await;
    assert_eq!(finished(&app, &alice, &op).await["status"], "SUCCESS");
    let by_tenant = app
        .request(
            "PUT",
            &format!("{BASE}/{id}/action/publish"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(by_tenant.status, 403);
    let published = app
        .request(
            "PUT",
            &format!("{BASE}/{id}/action/publish"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(published.body["visibleType"], "public");
    assert_eq!(image(&app, &bob, id).await.status, 200);
    assert_eq!(list(bob.clone()).await["totalCount"], 2);
    let edit = app
        .request(
            "PUT",
            &format!("{BASE}/{id}"),
            Some(&bob),
            Some(
                &json!({"name": "mine", "osType": "ubuntu", "osVersion": "1", "systemDiskSize": 5}),
            ),
            &[],
        )
        .await;
    assert_eq!(edit.status, 403);
    let delete = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&bob), None, &[])
        .await;
    assert_eq!(delete.status, 403);
    let filtered = app
        .request("POST", &format!("{BASE}/action/get-list"), Some(&app.admin()),
            Some(&json!({"status": "PUBLISHED", "queryCtrl": {"sortBy": "userName", "sortOrder": "ASC"}})), &[])
        .await;
    assert_eq!(filtered.body["totalCount"], 1, "{}", filtered.body);
    // The owner deletes it: gone from the catalogue and from the file server.
    let deleted = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&alice), None, &[])
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(image(&app, &alice, id).await.status, 404);
}

#[actix_web::test]
async fn a_rebuild_of_the_vm_images_equals_the_incremental_rows() {
    let app = image_app().await;
    let alice = app.tenant(1);
    let kept = create_image(&app, &alice, "kept").await;
    upload_all(&app, &alice, kept, "disk.qcow2", &qcow2(500), 2).await;
    let op = merge(&app, &alice, kept, "disk.qcow2").await;
    finished(&app, &alice, &op).await;
    let waiting = create_image(&app, &alice, "waiting").await;
    let renamed = app
        .request("PUT", &format!("{BASE}/{waiting}"), Some(&alice),
            Some(&json!({"name": "renamed", "osType": "centos", "osVersion": "7", "systemDiskSize": 20, "diskBus": "ide", "visibleType": "public"})), &[])
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let removed = create_image(&app, &alice, "removed").await;
    let deleted = app
        .request(
            "DELETE",
            &format!("{BASE}/{removed}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200);
    wait_caught_up(&app.pool).await;
    let images = app.rows("tbl_vm_image", "id").await;
    let systems = app.rows("tbl_vm_system", "system_id").await;
    assert_eq!(images.len(), 2);
    assert_eq!(systems.len(), 2);
    app.pool
        .execute(
            "UPDATE tbl_vm_image SET name = name || '-tampered', status = 'X'",
            &[],
        )
        .await
        .expect("tamper");
    app.pool
        .execute("DELETE FROM tbl_vm_system", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("vm_images")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_vm_image", "id").await, images);
    assert_eq!(app.rows("tbl_vm_system", "system_id").await, systems);
}
