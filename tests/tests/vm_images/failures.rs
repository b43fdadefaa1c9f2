//! What goes wrong with an image: each merge failure type of reference 2.5, a chunk the file
//! server refuses, a cancelled upload, a reset, an ISO that cannot be slimmed, a slim that fails
//! and one that is cancelled.

use serde_json::json;

use super::{
    create_image, finished, image, image_app, iso, merge, qcow2, send_chunk, set_plan, upload_all,
    BASE,
};

#[actix_web::test]
async fn each_merge_failure_is_recorded_with_its_error_type_and_a_reset_starts_over() {
    let app = image_app().await;
    let alice = app.tenant(1);
    let cases = [
        (
            json!({"fail": "merge"}),
            qcow2(100),
            "fileSystemMergeFailed",
        ),
        (
            json!({"checkStatus": 3}),
            qcow2(100),
            "filesystemCheckFailed",
        ),
        (json!({"checkStatus": 6}), qcow2(100), "zipFileOpenFailed"),
        // Not a qcow2 at all, though its name says so: the real check finds it out.
        (
            json!({}),
            b"just some text, no image".to_vec(),
            "formatMistake",
        ),
        // The check takes a few polls before it fails.
        (
            json!({"checkStatus": 5, "pendingPolls": 3}),
            qcow2(100),
            "formatMistake",
        ),
    ];
    for (n, (plan, content, error_type)) in cases.into_iter().enumerate() {
        set_plan(&app, plan.clone()).await;
        let id = create_image(&app, &alice, &format!("image-{n}")).await;
        upload_all(&app, &alice, id, "disk.qcow2", &content, 1).await;
        let op = finished(&app, &alice, &merge(&app, &alice, id, "disk.qcow2").await).await;
        assert_eq!(op["status"], "FAILED", "{plan}: {op}");
        let failed = image(&app, &alice, id).await.body;
        assert_eq!(failed["status"], "UPLOAD_FAILED", "{plan}: {failed}");
        assert_eq!(failed["errorType"], error_type, "{plan}");
        // Reset forgets the failed upload; the image takes a new one.
        set_plan(&app, json!({})).await;
        let reset = app
            .request(
                "PUT",
                &format!("{BASE}/{id}/action/reset"),
                Some(&alice),
                None,
                &[],
            )
            .await;
        assert_eq!(reset.status, 200, "{}", reset.body);
        assert_eq!(reset.body["status"], "UPLOAD_WAIT");
        assert_eq!(reset.body["errorType"], serde_json::Value::Null);
    }
    // An ISO named .qcow2 is a format mistake too.
    let id = create_image(&app, &alice, "iso-in-disguise").await;
    upload_all(&app, &alice, id, "disk.qcow2", &iso(), 1).await;
    finished(&app, &alice, &merge(&app, &alice, id, "disk.qcow2").await).await;
    assert_eq!(
        image(&app, &alice, id).await.body["errorType"],
        "formatMistake"
    );
}

#[actix_web::test]
async fn a_refused_chunk_fails_the_upload_and_bad_chunks_change_nothing() {
    let app = image_app().await;
    let alice = app.tenant(1);
    let id = create_image(&app, &alice, "refused").await;
    set_plan(&app, json!({"fail": "upload"})).await;
    let refused = send_chunk(&app, &alice, id, "up-1", "disk.qcow2", (1, 2), &qcow2(64)).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (502, Some("FILE_SERVER_REJECTED"))
    );
    let failed = image(&app, &alice, id).await.body;
    assert_eq!(
        (failed["status"].as_str(), failed["errorType"].as_str()),
        (Some("UPLOAD_FAILED"), Some("failedOnUploadToFS"))
    );
    set_plan(&app, json!({})).await;
    let after = send_chunk(&app, &alice, id, "up-1", "disk.qcow2", (1, 2), &qcow2(64)).await;
    assert_eq!(
        (after.status, after.body["code"].as_str()),
        (409, Some("VM_IMAGE_STATUS"))
    );
    // Bad chunks are refused before anything travels.
    let other = create_image(&app, &alice, "bad-chunks").await;
    let zip = send_chunk(&app, &alice, other, "up-1", "disk.zip", (1, 1), b"PK").await;
    assert_eq!(
        (zip.status, zip.body["code"].as_str()),
        (400, Some("INVALID_FILE"))
    );
    let beyond = send_chunk(&app, &alice, other, "up-1", "disk.qcow2", (3, 2), b"x").await;
    assert_eq!(beyond.status, 400);
    assert_eq!(
        image(&app, &alice, other).await.body["status"],
        "UPLOAD_WAIT"
    );
}

#[actix_web::test]
async fn an_upload_is_cancelled_and_another_upload_cannot_interleave() {
    let app = image_app().await;
    let alice = app.tenant(1);
    let id = create_image(&app, &alice, "cancelled").await;
    let first = send_chunk(&app, &alice, id, "up-1", "disk.qcow2", (1, 2), &qcow2(64)).await;
    assert_eq!(first.status, 200);
    let interleaved = send_chunk(&app, &alice, id, "up-2", "disk.qcow2", (1, 2), &qcow2(64)).await;
    assert_eq!(
        (interleaved.status, interleaved.body["code"].as_str()),
        (409, Some("UPLOAD_IN_PROGRESS"))
    );
    let cancel = app
        .request(
            "DELETE",
            &format!("{BASE}/{id}/action/upload?identifier=up-1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.body);
    assert_eq!(cancel.body["status"], "UPLOAD_CANCELLED");
    let listed = app
        .request(
            "GET",
            &format!("{BASE}/{id}/action/upload?identifier=up-1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(listed.body["uploadedChunks"], json!([]));
    // A query that is not an identifier is refused before the version (If-Match) is weighed.
    let bad_query = app
        .request(
            "GET",
            &format!("{BASE}/{id}/action/merge?fileName=disk.qcow2&identifier=bad%2Fid"),
            Some(&alice),
            None,
            &[("If-Match", "99")],
        )
        .await;
    assert_eq!(
        (bad_query.status, bad_query.body["code"].as_str()),
        (400, Some("INVALID_QUERY")),
        "{}",
        bad_query.body
    );
    // A new upload starts from the cancelled state and completes.
    upload_all(&app, &alice, id, "disk.qcow2", &qcow2(200), 2).await;
    let op = finished(&app, &alice, &merge(&app, &alice, id, "disk.qcow2").await).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    let merging_cancel = app
        .request(
            "DELETE",
            &format!("{BASE}/{id}/action/upload?identifier=up-1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(merging_cancel.status, 409);
}

#[actix_web::test]
async fn slimming_refuses_isos_fails_visibly_and_can_be_cancelled() {
    let app = image_app().await;
    let alice = app.tenant(1);
    let cd = create_image(&app, &alice, "cd").await;
    upload_all(&app, &alice, cd, "install.iso", &iso(), 3).await;
    let op = finished(&app, &alice, &merge(&app, &alice, cd, "install.iso").await).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    assert_eq!(image(&app, &alice, cd).await.body["imageFormat"], "iso");
    let slim_iso = app
        .request(
            "POST",
            &format!("{BASE}/{cd}/action/slim"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (slim_iso.status, slim_iso.body["code"].as_str()),
        (409, Some("IMAGE_NOT_SLIMMABLE"))
    );

    let disk = create_image(&app, &alice, "disk").await;
    upload_all(&app, &alice, disk, "disk.qcow2", &qcow2(300), 1).await;
    finished(&app, &alice, &merge(&app, &alice, disk, "disk.qcow2").await).await;
    set_plan(&app, json!({"slimFails": true})).await;
    let slim = app
        .request(
            "POST",
            &format!("{BASE}/{disk}/action/slim"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    let op = finished(&app, &alice, slim.body["operationId"].as_str().expect("op")).await;
    assert_eq!(op["status"], "FAILED", "{op}");
    assert_eq!(
        image(&app, &alice, disk).await.body["imageSlimStatus"],
        "SLIM_FAILED"
    );

    // A slim that keeps running is cancelled; the image waits to be slimmed again.
    set_plan(&app, json!({"pendingPolls": 1000})).await;
    let slim = app
        .request(
            "POST",
            &format!("{BASE}/{disk}/action/slim"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(slim.status, 200, "{}", slim.body);
    let operation = slim.body["operationId"].as_str().expect("op").to_owned();
    let delete_while_running = app
        .request("DELETE", &format!("{BASE}/{disk}"), Some(&alice), None, &[])
        .await;
    assert_eq!(
        (
            delete_while_running.status,
            delete_while_running.body["code"].as_str()
        ),
        (409, Some("OPERATION_RUNNING"))
    );
    let cancelled = app
        .request(
            "POST",
            &format!("/api/v1/operations/{operation}/cancel"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "FAILED");
    assert!(cancelled.body["errorMsg"]
        .as_str()
        .unwrap_or_default()
        .contains("cancelled"));
    assert_eq!(
        image(&app, &alice, disk).await.body["imageSlimStatus"],
        "SLIM_WAIT"
    );
}
