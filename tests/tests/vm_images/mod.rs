//! VM images (`/mec/developer/v2/vmimages`): the chunked upload resumed after a dropped chunk,
//! the merge with its check and every failure type, the download, slimming (success, failure,
//! cancel), visibility across tenants, and a rebuild of `tbl_vm_image` and `tbl_vm_system` that
//! equals the incremental rows.

mod catalogue;
mod failures;
mod over_http;

use std::time::Duration;

use md5::{Digest, Md5};
use serde_json::{json, Value};

use crate::helpers::{raw_get, send_form, spawn_app_with, wait_caught_up, TestApp};

const BASE: &str = "/mec/developer/v2/vmimages";

pub async fn image_app() -> TestApp {
    spawn_app_with(|c| c.operations.poll = Duration::from_millis(20)).await
}

/// A qcow2 file of `size` bytes (at least 32) announcing a virtual size of 1 GiB.
pub fn qcow2(size: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; size];
    bytes[..4].copy_from_slice(b"QFI\xfb");
    bytes[24..32].copy_from_slice(&(1u64 << 30).to_be_bytes());
    for (i, b) in bytes.iter_mut().enumerate().skip(32) {
        *b = (i % 251) as u8;
    }
    bytes
}

/// An ISO 9660 image: the volume descriptor's magic at 0x8001.
pub fn iso() -> Vec<u8> {
    let mut bytes = vec![0u8; 0x8800];
    bytes[0x8001..0x8006].copy_from_slice(b"CD001");
    bytes
}

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates an image named `name` for `token`; answers its id.
pub async fn create_image(app: &TestApp, token: &str, name: &str) -> i64 {
    let reply = app
        .request(
            "POST",
            BASE,
            Some(token),
            Some(&json!({"name": name, "osType": "ubuntu", "osVersion": "22.04", "systemDiskSize": 40})),
            &[],
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["status"], "UPLOAD_WAIT");
    reply.body["id"].as_i64().expect("image id")
}

/// Sends chunk `number` of `total` of upload `identifier`.
pub async fn send_chunk(
    app: &TestApp,
    token: &str,
    id: i64,
    identifier: &str,
    file_name: &str,
    (number, total): (usize, usize),
    bytes: &[u8],
) -> crate::helpers::Reply {
    send_form(
        &app.base,
        "POST",
        &format!("{BASE}/{id}/action/upload"),
        token,
        &[
            ("identifier", None, identifier.as_bytes().to_vec()),
            ("chunkNumber", None, number.to_string().into_bytes()),
            ("totalChunks", None, total.to_string().into_bytes()),
            ("filename", None, file_name.as_bytes().to_vec()),
            ("file", Some("blob".into()), bytes.to_vec()),
        ],
    )
    .await
}

/// Uploads `content` in `chunks` chunks, all of them, in order.
pub async fn upload_all(
    app: &TestApp,
    token: &str,
    id: i64,
    file_name: &str,
    content: &[u8],
    chunks: usize,
) {
    let size = content.len().div_ceil(chunks);
    for (i, piece) in content.chunks(size).enumerate() {
        let reply = send_chunk(app, token, id, "up-1", file_name, (i + 1, chunks), piece).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
}

/// Asks for a merge; answers the operation's id.
pub async fn merge(app: &TestApp, token: &str, id: i64, file_name: &str) -> String {
    let reply = app
        .request(
            "GET",
            &format!("{BASE}/{id}/action/merge?fileName={file_name}&identifier=up-1"),
            Some(token),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["operationId"]
        .as_str()
        .expect("operation")
        .to_owned()
}

/// Polls an operation until it ends; answers it.
pub async fn finished(app: &TestApp, token: &str, operation: &str) -> Value {
    for _ in 0..600 {
        let reply = app
            .request(
                "GET",
                &format!("/mec/developer/v2/operations/{operation}"),
                Some(token),
                None,
                &[],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        if reply.body["status"] != "ONGOING" {
            return reply.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("operation {operation} did not end");
}

pub async fn image(app: &TestApp, token: &str, id: i64) -> crate::helpers::Reply {
    app.request("GET", &format!("{BASE}/{id}"), Some(token), None, &[])
        .await
}

pub async fn set_plan(app: &TestApp, plan: Value) {
    let reply = app
        .request(
            "PUT",
            "/api/v1/simulators/file-server",
            Some(&app.admin()),
            Some(&plan),
            &[],
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
}

#[actix_web::test]
async fn an_image_is_uploaded_resumed_merged_downloaded_and_slimmed() {
    let app = image_app().await;
    let alice = app.tenant(1);
    let id = create_image(&app, &alice, "ubuntu-base").await;
    assert!(
        id >= 100_000,
        "ids come from the write side's sequence: {id}"
    );
    let content = qcow2(3000);
    let pieces: Vec<&[u8]> = content.chunks(1000).collect();
    // Chunk 2 is "dropped": the list says what arrived, so the client sends only that one.
    for number in [1, 3] {
        let sent = send_chunk(
            &app,
            &alice,
            id,
            "up-1",
            "disk.qcow2",
            (number, 3),
            pieces[number - 1],
        )
        .await;
        assert_eq!(sent.status, 200, "{}", sent.body);
    }
    assert_eq!(image(&app, &alice, id).await.body["status"], "UPLOADING");
    let received = app
        .request(
            "GET",
            &format!("{BASE}/{id}/action/upload?identifier=up-1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(received.body["uploadedChunks"], json!([1, 3]));
    assert_eq!(received.body["totalChunks"], 3);
    let early = app
        .request(
            "GET",
            &format!("{BASE}/{id}/action/merge?fileName=disk.qcow2&identifier=up-1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (early.status, early.body["code"].as_str()),
        (409, Some("CHUNKS_MISSING"))
    );
    for number in [2, 3] {
        let sent = send_chunk(
            &app,
            &alice,
            id,
            "up-1",
            "disk.qcow2",
            (number, 3),
            pieces[number - 1],
        )
        .await;
        assert_eq!(sent.status, 200, "{}", sent.body);
    }
    assert_eq!(sent_list(&app, &alice, id).await, json!([1, 2, 3]));

    let operation = merge(&app, &alice, id, "disk.qcow2").await;
    let op = finished(&app, &alice, &operation).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    assert_eq!(op["operationName"], "vm image merge");
    assert_eq!(op["progress"], 100);
    let merged = image(&app, &alice, id).await.body;
    assert_eq!(merged["status"], "PUBLISHED", "{merged}");
    assert_eq!(merged["imageSlimStatus"], "SLIM_WAIT");
    assert_eq!(merged["imageFormat"], "qcow2");
    assert_eq!(merged["imageSize"], 3000);
    assert_eq!(merged["virtualSize"], 1u64 << 30);
    assert_eq!(merged["fileMd5"], md5_hex(&content));
    assert_eq!(merged["imageFileName"], "disk.qcow2");

    let (status, headers, bytes) =
        raw_get(&app, &format!("{BASE}/{id}/action/download"), &alice).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, content, "the download is the uploaded file");
    let disposition = headers
        .get("content-disposition")
        .expect("disposition")
        .to_str()
        .unwrap_or_default();
    assert!(disposition.contains("disk.qcow2"), "{disposition}");

    let slim = app
        .request(
            "POST",
            &format!("{BASE}/{id}/action/slim"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(slim.status, 200, "{}", slim.body);
    let op = finished(&app, &alice, slim.body["operationId"].as_str().expect("op")).await;
    assert_eq!(
        (
            op["status"].as_str(),
            op["operationName"].as_str(),
            op["objectType"].as_str()
        ),
        (Some("SUCCESS"), Some("vm image slim"), Some("VM"))
    );
    assert_eq!(
        image(&app, &alice, id).await.body["imageSlimStatus"],
        "SLIM_SUCCEED"
    );
    let again = app
        .request(
            "POST",
            &format!("{BASE}/{id}/action/slim"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (again.status, again.body["code"].as_str()),
        (409, Some("VM_IMAGE_STATUS"))
    );

    // The older model carries the same facts.
    wait_caught_up(&app.pool).await;
    let systems = app.rows("tbl_vm_system", "system_id").await;
    assert_eq!(systems.len(), 1);
    assert_eq!(systems[0]["system_name"], "ubuntu-base");
    assert_eq!(systems[0]["file_md5"], md5_hex(&content));
    assert_eq!(systems[0]["system_slim"], "SLIM_SUCCEED");
}

async fn sent_list(app: &TestApp, token: &str, id: i64) -> Value {
    app.request(
        "GET",
        &format!("{BASE}/{id}/action/upload?identifier=up-1"),
        Some(token),
        None,
        &[],
    )
    .await
    .body["uploadedChunks"]
        .clone()
}
