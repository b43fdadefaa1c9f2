//! Container images against a real image registry (Debian's `docker-registry`, one per test on
//! a free port): a `docker save` tar uploaded in chunks and pushed, listed by visibility,
//! shared, pulled back with the same layers, refused twice, deleted from the registry, and
//! imported from it by a synchronization.

use std::io::Read;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{raw_get, send_form, spawn_app_with, temp_dir, wait_caught_up, TestApp};

const BASE: &str = "/mec/developer/v2/containerimages";

/// A registry process serving a temporary directory.
pub struct Registry {
    child: std::process::Child,
    pub url: String,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = temp_dir();
        let config = dir.join("registry.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.join("data").display()
            ),
        )
        .expect("config");
        let child = std::process::Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("docker-registry runs (scripts/test installs it)");
        let registry = Registry {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            let ok = awc::Client::default()
                .get(format!("{}/v2/", registry.url))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return registry;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the registry did not start");
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let mut response = awc::Client::default()
            .get(format!("{}{path}", self.url))
            .insert_header((
                "accept",
                "application/vnd.docker.distribution.manifest.v2+json",
            ))
            .send()
            .await
            .expect("registry answers");
        let body = response.body().await.expect("body");
        (
            response.status().as_u16(),
            serde_json::from_slice(&body).unwrap_or(Value::Null),
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, name, *data)
            .expect("entry");
    }
    builder.into_inner().expect("tar")
}

/// A `docker save` tar of `reference` with one tiny rootfs layer, and that layer.
pub fn saved_image(reference: &str, greeting: &str) -> (Vec<u8>, Vec<u8>) {
    let layer = tar_of(&[("hello.txt", greeting.as_bytes())]);
    let config = json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["cat", "/hello.txt"]},
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{}", hex(&layer))]}
    })
    .to_string();
    let config_name = format!("{}.json", hex(config.as_bytes()));
    let layer_name = format!("{}/layer.tar", hex(&layer));
    let manifest =
        json!([{"Config": config_name, "RepoTags": [reference], "Layers": [layer_name]}])
            .to_string();
    let saved = tar_of(&[
        (&config_name, config.as_bytes()),
        (&layer_name, &layer),
        ("manifest.json", manifest.as_bytes()),
    ]);
    (saved, layer)
}

/// Uploads `tar` as image `id` in two chunks and merges it.
pub async fn upload(app: &TestApp, token: &str, id: &str, tar: &[u8]) -> crate::helpers::Reply {
    let middle = tar.len() / 2;
    for (number, part) in [(1, &tar[..middle]), (2, &tar[middle..])] {
        let form = [("file", Some("part".to_owned()), part.to_vec())];
        let path = format!("{BASE}/{id}/action/upload?chunkNumber={number}");
        let sent = send_form(&app.base, "POST", &path, token, &form).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
    }
    app.request(
        "GET",
        &format!("{BASE}/{id}/action/merge?fileName=web.tar"),
        Some(token),
        None,
        &[],
    )
    .await
}

async fn listed(app: &TestApp, token: &str) -> Value {
    app.request(
        "POST",
        &format!("{BASE}/action/get-all-images"),
        Some(token),
        Some(&json!({})),
        &[],
    )
    .await
    .body
}

/// The layers of a `docker save` tar, by its manifest.
fn layers_of(tar: &[u8]) -> Vec<Vec<u8>> {
    let mut files = std::collections::HashMap::new();
    let mut archive = tar::Archive::new(tar);
    for entry in archive.entries().expect("tar") {
        let mut entry = entry.expect("entry");
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read");
        files.insert(name, data);
    }
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    manifest[0]["Layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| files[l.as_str().expect("name")].clone())
        .collect()
}

#[actix_web::test]
async fn images_are_pushed_shared_pulled_back_deleted_and_synchronized() {
    let registry = Registry::start().await;
    let url = registry.url.clone();
    let app = spawn_app_with(move |c| {
        c.operations.registry = Some(workflows::registry::RegistryConfig {
            url,
            project: "edgedev".into(),
            user: None,
            password: None,
        })
    })
    .await;
    let (alice, bob, admin) = (app.tenant(1), app.tenant(2), app.admin());
    let (tar, layer) = saved_image("shop/web:1.0", "hello from the layer\n");
    let id = uuid::Uuid::new_v4().to_string();
    let pushed = upload(&app, &alice, &id, &tar).await;
    assert_eq!(pushed.status, 200, "{}", pushed.body);
    assert_eq!(pushed.body["imageName"], json!("shop/web"));
    assert_eq!(pushed.body["imageVersion"], json!("1.0"));
    assert_eq!(pushed.body["imageStatus"], json!("UPLOAD_SUCCEED"));
    let host = registry.url.trim_start_matches("http://");
    assert_eq!(
        pushed.body["imagePath"],
        json!(format!("{host}/edgedev/shop/web:1.0"))
    );
    let (status, tags) = registry.get("/v2/edgedev/shop/web/tags/list").await;
    assert_eq!(
        (status, &tags["tags"]),
        (200, &json!(["1.0"])),
        "the registry holds it"
    );

    assert_eq!(listed(&app, &alice).await["total"], json!(1));
    assert_eq!(
        listed(&app, &bob).await["total"],
        json!(0),
        "private to its owner"
    );
    let hidden = app
        .request("GET", &format!("{BASE}/{id}"), Some(&bob), None, &[])
        .await;
    assert_eq!(hidden.body["code"], json!("CONTAINER_IMAGE_NOT_FOUND"));
    let made_public = app
        .request(
            "PUT",
            &format!("{BASE}/{id}"),
            Some(&alice),
            Some(&json!({"imageType": "public"})),
            &[],
        )
        .await;
    assert_eq!(
        made_public.body["imageType"],
        json!("public"),
        "{}",
        made_public.body
    );
    assert_eq!(
        listed(&app, &bob).await["total"],
        json!(1),
        "public images are listed to all"
    );

    let (status, _, pulled) = raw_get(&app, &format!("{BASE}/{id}/action/download"), &bob).await;
    assert_eq!(status, 200);
    assert_eq!(
        layers_of(&pulled),
        vec![layer],
        "the pulled layers equal the uploaded ones"
    );

    // A chart naming images of this registry is told which of them the registry lacks.
    let charts = crate::helm_charts::charts_of(&app, &alice, "registry-app", "CONTAINER").await;
    let manifest = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: {host}/edgedev/shop/web:1.0\n    - name: b\n      image: {host}/edgedev/shop/absent:9\n    - name: c\n      image: nginx:1.25\n"
    );
    let form = [("file", Some("pod.yaml".to_owned()), manifest.into_bytes())];
    let chart = send_form(&app.base, "POST", &charts, &alice, &form).await;
    assert_eq!(chart.status, 201, "{}", chart.body);
    assert_eq!(
        chart.body["missingImages"],
        json!([format!("{host}/edgedev/shop/absent:9")])
    );

    let twice = upload(&app, &alice, &uuid::Uuid::new_v4().to_string(), &tar).await;
    assert_eq!(
        twice.body["code"],
        json!("DUPLICATE_CONTAINER_IMAGE"),
        "{}",
        twice.body
    );
    let not_an_image = upload(
        &app,
        &alice,
        &uuid::Uuid::new_v4().to_string(),
        b"not a tar at all",
    )
    .await;
    assert_eq!(not_an_image.status, 400, "{}", not_an_image.body);

    wait_caught_up(&app.pool).await;
    let rows = app.rows("tbl_container_image", "image_id").await;
    app.pool
        .execute("DELETE FROM tbl_container_image", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("container_images")
        .await
        .expect("rebuild");
    assert_eq!(app.rows("tbl_container_image", "image_id").await, rows);

    let foreign = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&bob), None, &[])
        .await;
    assert_eq!(foreign.status, 403);
    let deleted = app
        .request("DELETE", &format!("{BASE}/{id}"), Some(&alice), None, &[])
        .await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!(true)));
    let (status, _) = registry.get("/v2/edgedev/shop/web/manifests/1.0").await;
    assert_eq!(status, 404, "the registry no longer has it");

    // An image pushed to the registry by someone else is imported by a synchronization.
    let client = workflows::registry::RegistryClient::new(workflows::registry::RegistryConfig {
        url: registry.url.clone(),
        project: "edgedev".into(),
        user: None,
        password: None,
    })
    .expect("client");
    let (other, _) = saved_image("tools/probe:2", "probe\n");
    let path = temp_dir().join("probe.tar");
    std::fs::write(&path, other).expect("write");
    let image = workflows::registry::image_tar::read_saved(&path).expect("read");
    let push = workflows::registry::image_tar::to_push(&image);
    let repo = client.repository("tools/probe");
    client
        .push_blob(&repo, &push.config_digest, image.config.clone())
        .await
        .expect("config");
    for (digest, blob) in push.layers {
        client.push_blob(&repo, &digest, blob).await.expect("layer");
    }
    client
        .put_manifest(&repo, "2", push.manifest)
        .await
        .expect("manifest");
    let synced = app
        .request(
            "GET",
            &format!("{BASE}/action/synchronize"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        synced.body["imported"],
        json!([format!("{host}/edgedev/tools/probe:2")]),
        "{}",
        synced.body
    );
    let again = app
        .request(
            "GET",
            &format!("{BASE}/action/synchronize"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        again.body["imported"],
        json!([]),
        "a second synchronization imports nothing"
    );
    let refused = app
        .request(
            "GET",
            &format!("{BASE}/action/synchronize"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(refused.status, 403);
}
