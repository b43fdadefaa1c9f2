//! Packages, tests and releases of applications: what they share (a VM application with a VM,
//! reading a downloaded CSAR, the application's status).
//!
//! - [`packaging`]: generate, edit, re-pack, sign; refusals; the projection's rebuild.
//! - [`testing`]: test tasks on the test platform, polled to their end; failures and guards.

mod packaging;
mod processes;
mod releasing;
mod testing;
mod toolbox;

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{app_body, raw_get, spawn_app_with, temp_dir, vm_image_for, TestApp, FLAVOR};

/// An Ed25519 key made with `openssl genpkey -algorithm ed25519` (for tests only), and the
/// public key `openssl pkey -pubout` printed for it.
pub(super) const SIGNING_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMSL3CmFbQfVc+NofKgLlSD7ZcFRgcgICYcH98seklCK\n-----END PRIVATE KEY-----\n";
pub(super) const PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAYLCJI6g0uAufzYRoogIa6M4ozxev16zS+LSWtQJwCqw=\n-----END PUBLIC KEY-----\n";
pub(super) const PASSWORD: &str = "Secret-pa55word!";

pub(super) async fn signing_app() -> TestApp {
    let key = temp_dir().join("package-signing.pem");
    std::fs::write(&key, SIGNING_KEY).expect("key written");
    spawn_app_with(|config| {
        config.package_signing_key = Some(key.to_string_lossy().into_owned());
    })
    .await
}

/// A VM application with one VM (a password login): its id.
pub(super) async fn vm_application(app: &TestApp, token: &str, name: &str) -> String {
    let mut body = app_body(name);
    body["appClass"] = json!("VM");
    body["iconFileId"] = json!(icon(app, token).await);
    let created = app.create_app(token, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let image = vm_image_for(&app.base, token).await;
    let vm = json!({
        "name": "vm-1", "flavorId": FLAVOR, "imageId": image, "userData": "#!/bin/sh\necho hi",
        "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}],
        "vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {"username": "ubuntu", "password": PASSWORD}},
    });
    let added = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{id}/vms"),
            Some(token),
            Some(&vm),
            &[],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    id
}

pub(super) fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read");
        files.insert(entry.name().expect("name").into_owned(), data);
    }
    files
}

/// Whether every file but the manifest and its signature is listed with its right digest.
pub(super) fn manifest_matches(files: &BTreeMap<String, Vec<u8>>, manifest: &str) -> bool {
    let text = String::from_utf8(files[manifest].clone()).expect("text");
    let mut listed = BTreeMap::new();
    for block in text.split("\n\n").skip(1) {
        let source = block.lines().find_map(|l| l.strip_prefix("Source: "));
        let hash = block.lines().find_map(|l| l.strip_prefix("Hash: "));
        listed.insert(
            source.expect("source").to_owned(),
            hash.expect("hash").to_owned(),
        );
    }
    let actual: BTreeMap<String, String> = files
        .iter()
        .filter(|(path, _)| **path != manifest && **path != format!("{manifest}.sig"))
        .map(|(path, data)| {
            let digest: String = Sha256::digest(data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (path.clone(), digest)
        })
        .collect();
    listed == actual
}

pub(super) async fn download(
    app: &TestApp,
    package: &str,
    token: &str,
) -> BTreeMap<String, Vec<u8>> {
    let (status, headers, bytes) = raw_get(
        app,
        &format!("/mec/developer/v2/apppackages/{package}/action/download"),
        token,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        headers
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default()),
        Some("application/zip")
    );
    unzip(&bytes)
}

pub(super) async fn status_of(app: &TestApp, token: &str, app_id: &str) -> Value {
    let got = app
        .request(
            "GET",
            &format!("/mec/developer/v2/applications/{app_id}"),
            Some(token),
            None,
            &[],
        )
        .await;
    got.body["status"].clone()
}

/// Generates and re-packs the application's package: its id.
pub(super) async fn packaged(app: &TestApp, token: &str, app_id: &str) -> String {
    let generated = app
        .request(
            "POST",
            &format!("/mec/developer/v2/applications/{app_id}/action/generate-package"),
            Some(token),
            None,
            &[],
        )
        .await;
    assert_eq!(generated.status, 200, "{}", generated.body);
    let package = generated.body["id"].as_str().expect("id").to_owned();
    let zipped = app
        .request(
            "POST",
            &format!("/mec/developer/v2/apppackages/{package}/action/zip-package"),
            Some(token),
            None,
            &[],
        )
        .await;
    assert_eq!(zipped.status, 200, "{}", zipped.body);
    package
}

/// Waits until operation `id` is no longer ONGOING; answers it.
pub(super) async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let op = app
            .request(
                "GET",
                &format!("/mec/developer/v2/operations/{id}"),
                Some(token),
                None,
                &[],
            )
            .await;
        assert_eq!(op.status, 200, "{}", op.body);
        if op.body["status"] != "ONGOING" {
            return op.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("operation {id} still ONGOING after 30 s");
}

/// An uploaded icon of the caller's (the catalogue's icons have no content to release).
pub(super) async fn icon(app: &TestApp, token: &str) -> String {
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    crate::helpers::upload_file(app, token, "icon", "icon.png", &png).await
}
