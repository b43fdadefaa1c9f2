//! The file server's HTTP client against the simulator served over a socket on the real API's
//! paths: an upload merged, checked, downloaded, slimmed and deleted; and a file server nobody
//! answers for, which refuses a chunk with 503 and records nothing.

use std::time::Duration;

use serde_json::json;

use super::{create_image, finished, image, md5_hex, merge, qcow2, send_chunk, upload_all, BASE};
use crate::helpers::{raw_get, spawn_app_with, temp_dir};

#[actix_web::test]
async fn the_http_client_uploads_merges_downloads_slims_and_deletes_over_a_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let server = workflows::file_server::server::server(listener, &temp_dir()).expect("server");
    actix_web::rt::spawn(server);
    let app = spawn_app_with(|c| {
        c.operations.poll = Duration::from_millis(20);
        c.operations.file_server_url = Some(url.clone());
    })
    .await;
    let alice = app.tenant(1);
    let id = create_image(&app, &alice, "over-http").await;
    let content = qcow2(5000);
    upload_all(&app, &alice, id, "disk.qcow2", &content, 3).await;
    let op = finished(&app, &alice, &merge(&app, &alice, id, "disk.qcow2").await).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    let merged = image(&app, &alice, id).await.body;
    assert_eq!(merged["fileMd5"], md5_hex(&content));
    assert!(
        merged["downLoadUrl"]
            .as_str()
            .unwrap_or_default()
            .starts_with(&url),
        "{merged}"
    );
    let (status, _, bytes) = raw_get(&app, &format!("{BASE}/{id}/action/download"), &alice).await;
    assert_eq!((status, bytes == content), (200, true));
    let slim = app
        .request(
            "POST",
            &format!("{BASE}/{id}/action/slim"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    let op = finished(&app, &alice, slim.body["operationId"].as_str().expect("op")).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    let deleted = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&alice), None, &[])
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    // The file is gone from the file server too.
    let fs_id = merged["downLoadUrl"]
        .as_str()
        .and_then(|u| u.strip_suffix("/action/download"))
        .and_then(|u| u.rsplit_once('/'))
        .map(|(_, id)| id.to_owned())
        .expect("the download URL names the file server's image");
    assert!(fs_id.starts_with("sim-image-"), "{fs_id}");
    let gone = awc::Client::default()
        .get(format!("{url}/image-management/v1/images/{fs_id}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(gone.status().as_u16(), 404);
}

#[actix_web::test]
async fn an_unreachable_file_server_answers_503_and_records_nothing() {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let app = spawn_app_with(|c| c.operations.file_server_url = Some(url.clone())).await;
    let alice = app.tenant(1);
    let id = create_image(&app, &alice, "nowhere").await;
    let events = app.event_count().await;
    let chunk = send_chunk(&app, &alice, id, "up-1", "disk.qcow2", (1, 1), &qcow2(64)).await;
    assert_eq!(
        (chunk.status, chunk.body["code"].as_str()),
        (503, Some("SERVICE_UNAVAILABLE")),
        "{}",
        chunk.body
    );
    assert_eq!(app.event_count().await, events, "nothing was recorded");
    assert_eq!(image(&app, &alice, id).await.body["status"], "UPLOAD_WAIT");
    let plan = app
        .request(
            "PUT",
            "/api/v1/simulators/file-server",
            Some(&app.admin()),
            Some(&json!({})),
            &[],
        )
        .await;
    assert_eq!(
        (plan.status, plan.body["code"].as_str()),
        (409, Some("SIMULATOR_NOT_IN_USE"))
    );
}
