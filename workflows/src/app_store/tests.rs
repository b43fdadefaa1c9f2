//! The app store's HTTP client against the simulator served over HTTP: an upload with its icon,
//! publishing, the metadata and the download, and a refusal whose `retCode` comes through.

use domain::ports::{AppStore, AppStoreError, StoreUpload};
use serde_json::json;

use super::http::HttpAppStore;

/// A package the simulator accepts: a CSAR whose manifest names the application.
fn package() -> Vec<u8> {
    let mut csar = crate::package::Csar::default();
    csar.files.insert(
        crate::package::csar::META.into(),
        b"TOSCA-Meta-File-Version: 1.0\nETSI-Entry-Manifest: demo.mf\n".to_vec(),
    );
    csar.files.insert(
        "demo.mf".into(),
        b"metadata:\napp_product_name: demo\napp_provider_id: edgedev\napp_package_version: v2\n"
            .to_vec(),
    );
    csar.zip().expect("zip")
}

fn upload() -> StoreUpload {
    StoreUpload {
        file_name: "demo_v2.csar".into(),
        package: package(),
        icon: ("icon.png".into(), vec![0x89, b'P', b'N', b'G']),
        app_type: "Video".into(),
        short_desc: "a demo".into(),
        affinity: "X86".into(),
        industry: "Smart Park".into(),
        test_task_id: "task-1".into(),
        user_id: "u 1".into(),
        user_name: "alice".into(),
    }
}

#[actix_web::test]
async fn the_client_uploads_publishes_reads_and_downloads_over_http() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let server = super::server::server(listener).expect("server");
    let handle = server.handle();
    tokio::spawn(server);
    let client = HttpAppStore::new(&base, Some("token".into())).expect("client");

    let stored = client.upload(upload()).await.expect("uploaded");
    client
        .publish(&stored, false, 1250)
        .await
        .expect("published");
    let meta = client.package(&stored).await.expect("metadata");
    assert_eq!(
        (
            meta.name.as_str(),
            meta.version.as_str(),
            meta.provider.as_str()
        ),
        ("demo", "v2", "edgedev")
    );
    assert_eq!(
        (meta.test_task_id.as_str(), meta.affinity.as_str()),
        ("task-1", "X86")
    );
    assert_eq!(client.download(&stored).await.expect("bytes"), package());
    let published = reqwest::get(format!(
        "{base}/simulator/packages/{}/{}",
        stored.app_id, stored.package_id
    ))
    .await
    .expect("asked")
    .text()
    .await
    .expect("text");
    let published: serde_json::Value = serde_json::from_str(&published).expect("json");
    assert_eq!(
        published,
        json!({"published": true, "isFree": false, "priceCents": 1250})
    );

    let plan = json!({"fail": "upload", "failRetCode": 20042});
    let set = reqwest::Client::new()
        .put(format!("{base}/simulator/plan"))
        .header("content-type", "application/json")
        .body(plan.to_string())
        .send()
        .await
        .expect("plan set");
    assert_eq!(set.status().as_u16(), 204);
    match client.upload(upload()).await {
        Err(AppStoreError::Rejected {
            status, ret_code, ..
        }) => assert_eq!((status, ret_code), (500, Some(20042))),
        other => panic!("expected the store's refusal, got {other:?}"),
    }
    handle.stop(false).await;
}
