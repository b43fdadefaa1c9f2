//! Plugins end to end: upload, catalogue, downloads, ratings, update, delete; every rejection
//! leaves nothing behind; a 50 MB upload streams without the server holding it in memory.

use std::path::{Path, PathBuf};

use domain::Role;
use serde_json::{json, Value};

use crate::helpers::{raw_get, send_form, spawn_app_with, temp_dir, wait_caught_up, Part, TestApp};

const PLUGINS: &str = "/mec/developer/v1/plugins";

/// A stored-method zip with `entries` entries of `content`, declaring `declared` unpacked bytes
/// per entry (the real size unless testing a bomb).
fn zip(entries: usize, content: &[u8], declared: Option<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for i in 0..entries {
        let name = format!("plugin/file{i}.txt");
        let offset = out.len() as u32;
        let size = declared.unwrap_or(content.len() as u32);
        let mut local = Vec::new();
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        local.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        local.extend_from_slice(&(content.len() as u32).to_le_bytes());
        local.extend_from_slice(&size.to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        local.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&local);
        out.extend_from_slice(content);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&(content.len() as u32).to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let directory_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(&[0; 64]);
    bytes
}

fn form(name: &str, package: Vec<u8>) -> Vec<Part> {
    vec![
        ("pluginName", None, name.as_bytes().to_vec()),
        ("codeLanguage", None, b"JAVA".to_vec()),
        ("pluginType", None, b"1".to_vec()),
        ("version", None, b"1.0.0".to_vec()),
        (
            "introduction",
            None,
            b"An IDE plugin for edge apps".to_vec(),
        ),
        ("pluginFile", Some(format!("{name}.zip")), package),
        ("logoFile", Some("logo.png".into()), png()),
        (
            "apiFile",
            Some("api.md".into()),
            b"# API\n\nGET /hello\n".to_vec(),
        ),
    ]
}

fn with(
    mut parts: Vec<Part>,
    field: &'static str,
    file_name: Option<&str>,
    content: Vec<u8>,
) -> Vec<Part> {
    parts.retain(|p| p.0 != field);
    parts.push((field, file_name.map(str::to_owned), content));
    parts
}

fn without(mut parts: Vec<Part>, field: &str) -> Vec<Part> {
    parts.retain(|p| p.0 != field);
    parts
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_in(&path));
        } else {
            found.push(path);
        }
    }
    found
}

async fn plugin_app() -> (TestApp, PathBuf) {
    let data_dir = temp_dir();
    let dir = data_dir.clone();
    let app = spawn_app_with(move |config| config.data_dir = dir).await;
    (app, data_dir)
}

#[actix_web::test]
async fn a_plugin_is_uploaded_listed_downloaded_rated_updated_and_deleted() {
    let (app, data_dir) = plugin_app().await;
    let alice = app.tenant(1);
    let bob = app.tenant(2);
    let package = zip(3, b"class Plugin {}", None);
    let uploaded = send_form(
        &app.base,
        "POST",
        PLUGINS,
        &alice,
        &form("idea-plugin", package.clone()),
    )
    .await;
    assert_eq!(uploaded.status, 201, "{:?}", uploaded.body);
    let id = uploaded.body["pluginId"].as_str().expect("id").to_owned();
    assert_eq!(id.len(), 32);
    assert_eq!(uploaded.body["satisfaction"], 3.0);
    assert_eq!(uploaded.body["pluginSize"], package.len());
    assert_eq!(
        files_in(&data_dir.join("files/sha256")).len(),
        3,
        "package, logo and API file stored"
    );

    let guest = app.token("guest-1", "guest", Role::Guest);
    let listed = app
        .request(
            "GET",
            &format!("{PLUGINS}?pluginType=1&codeLanguage=java&pluginName=IDEA"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["total"], 1);
    assert_eq!(
        listed.body["results"][0], uploaded.body,
        "the catalogue shows what the upload answered"
    );
    let sdks = app
        .request(
            "GET",
            &format!("{PLUGINS}?pluginType=2"),
            Some(&guest),
            None,
            &[],
        )
        .await;
    assert_eq!(sdks.body["total"], 0);

    let (status, headers, bytes) =
        raw_get(&app, &format!("{PLUGINS}/{id}/action/download"), &guest).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, package);
    assert_eq!(
        headers.get("content-length").and_then(|v| v.to_str().ok()),
        Some(package.len().to_string().as_str())
    );
    assert!(headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("idea-plugin.zip")));
    raw_get(&app, &format!("{PLUGINS}/{id}/action/download"), &alice).await;
    let (logo_status, _, logo) =
        raw_get(&app, &format!("{PLUGINS}/{id}/action/get-logofile"), &guest).await;
    assert_eq!((logo_status, logo), (200, png()));
    let content = app
        .request(
            "GET",
            &format!("{PLUGINS}/{id}/action/content"),
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert_eq!(content.body, "# API\n\nGET /hello\n");

    for (token, score) in [(&alice, "2"), (&alice, "4"), (&bob, "5")] {
        let rated = app
            .request(
                "PUT",
                &format!("{PLUGINS}/{id}/action/score?score={score}"),
                Some(token),
                None,
                &[],
            )
            .await;
        assert_eq!(rated.status, 200, "{:?}", rated.body);
    }
    let row = &app
        .request("GET", PLUGINS, Some(&alice), None, &[])
        .await
        .body["results"][0];
    assert_eq!(row["downloadCount"], 2);
    assert_eq!(row["scoreCount"], 2, "one rating per user");
    assert_eq!(
        row["satisfaction"], 4.5,
        "mean of the current ratings 4 and 5"
    );
    let records: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM tbl_downloadrecord WHERE pluginid = $1 AND scoretype = 1",
            &[&id],
        )
        .await
        .and_then(db::scalar)
        .expect("records");
    assert_eq!(records, 2, "one record per download");

    let updated = send_form(
        &app.base,
        "PUT",
        &format!("{PLUGINS}/{id}"),
        &alice,
        &[("version", None, b"2.0.0".to_vec())],
    )
    .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["version"], "2.0.0");
    assert_eq!(updated.body["pluginName"], "idea-plugin");

    let deleted = app
        .request(
            "DELETE",
            &format!("{PLUGINS}/{id}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (deleted.status, deleted.body.clone()),
        (200, Value::Bool(true))
    );
    wait_caught_up(&app.pool).await;
    assert_eq!(
        app.request("GET", PLUGINS, Some(&alice), None, &[])
            .await
            .body["total"],
        0
    );
    let left: i64 = app
        .pool
        .query_one("SELECT count(*) FROM tbl_downloadrecord", &[])
        .await
        .and_then(db::scalar)
        .expect("rows");
    assert_eq!(left, 0, "its records go with it");
    let swept = api::files::sweep_orphans(
        &app.pool,
        &app.server.state.files,
        std::time::Duration::ZERO,
    )
    .await
    .expect("sweep");
    assert_eq!(swept, 3);
    assert!(
        files_in(&data_dir.join("files/sha256")).is_empty(),
        "its files are removed once nothing refers to them"
    );
}

#[actix_web::test]
async fn every_rejection_has_its_status_and_leaves_nothing_behind() {
    let (app, data_dir) = plugin_app().await;
    let alice = app.tenant(1);
    let original = send_form(
        &app.base,
        "POST",
        PLUGINS,
        &alice,
        &form("first-plugin", zip(1, b"v1", None)),
    )
    .await;
    assert_eq!(original.status, 201);
    let id = original.body["pluginId"].as_str().expect("id").to_owned();
    let events = app.event_count().await;
    let stored = files_in(&data_dir.join("files/sha256")).len();

    let base = || form("second-plugin", zip(2, b"other content", None));
    let cases: Vec<(&str, Vec<Part>, u16, &str)> = vec![
        (
            "package of the wrong type",
            with(base(), "pluginFile", Some("plugin.exe"), zip(1, b"x", None)),
            400,
            "INVALID_FILE",
        ),
        (
            "a package that is not a zip",
            with(
                base(),
                "pluginFile",
                Some("plugin.zip"),
                b"not a zip".to_vec(),
            ),
            400,
            "INVALID_FILE",
        ),
        (
            "a zip bomb",
            with(
                base(),
                "pluginFile",
                Some("bomb.zip"),
                zip(2, b"x", Some(60 << 20)),
            ),
            400,
            "INVALID_FILE",
        ),
        (
            "too many entries",
            with(
                base(),
                "pluginFile",
                Some("crowd.zip"),
                zip(1025, b"", None),
            ),
            400,
            "INVALID_FILE",
        ),
        (
            "a logo that is not an image",
            with(base(), "logoFile", Some("logo.png"), b"<svg/>".to_vec()),
            400,
            "INVALID_FILE",
        ),
        (
            "a logo with a wrong extension",
            with(base(), "logoFile", Some("logo.gif"), png()),
            400,
            "INVALID_FILE",
        ),
        (
            "an API file that is not Markdown",
            with(base(), "apiFile", Some("api.yaml"), b"a: b".to_vec()),
            400,
            "INVALID_FILE",
        ),
        (
            "a missing package",
            without(base(), "pluginFile"),
            400,
            "INVALID_FILE",
        ),
        (
            "an unknown language",
            with(base(), "codeLanguage", None, b"COBOL".to_vec()),
            400,
            "INVALID_FIELD",
        ),
        (
            "an unknown type",
            with(base(), "pluginType", None, b"3".to_vec()),
            400,
            "INVALID_FIELD",
        ),
        (
            "a duplicate package",
            form("copy-plugin", zip(1, b"v1", None)),
            409,
            "DUPLICATE_PLUGIN",
        ),
        (
            "a mismatched userId",
            with(base(), "userId", None, b"tenant-2".to_vec()),
            401,
            "UNAUTHORIZED",
        ),
        (
            "an oversize logo",
            with(
                base(),
                "logoFile",
                Some("logo.png"),
                vec![0x42; (10 << 20) + 1],
            ),
            413,
            "FILE_TOO_LARGE",
        ),
    ];
    for (what, parts, status, code) in cases {
        let reply = send_form(&app.base, "POST", PLUGINS, &alice, &parts).await;
        assert_eq!(reply.status, status, "{what}: {:?}", reply.body);
        assert_eq!(reply.body["code"], code, "{what}");
    }
    let bob = app.tenant(2);
    let foreign_update = send_form(
        &app.base,
        "PUT",
        &format!("{PLUGINS}/{id}"),
        &bob,
        &[("version", None, b"9".to_vec())],
    )
    .await;
    assert_eq!(foreign_update.status, 403);
    assert_eq!(
        app.request("DELETE", &format!("{PLUGINS}/{id}"), Some(&bob), None, &[])
            .await
            .status,
        403
    );
    for bad in ["0", "6", "x", ""] {
        let reply = app
            .request(
                "PUT",
                &format!("{PLUGINS}/{id}/action/score?score={bad}"),
                Some(&bob),
                None,
                &[],
            )
            .await;
        assert_eq!(reply.status, 400, "score {bad:?}");
    }
    let mismatched = app
        .request(
            "PUT",
            &format!("{PLUGINS}/{id}/action/score?score=4&userId=tenant-1"),
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert_eq!(mismatched.status, 401);
    let guest = app.token("guest-1", "guest", Role::Guest);
    assert_eq!(
        send_form(&app.base, "POST", PLUGINS, &guest, &base())
            .await
            .status,
        403
    );
    assert_eq!(
        app.request(
            "GET",
            &format!("{PLUGINS}/not-an-id/action/download"),
            Some(&bob),
            None,
            &[]
        )
        .await
        .status,
        400
    );
    let unknown = app
        .request(
            "GET",
            &format!("{PLUGINS}/{}/action/download", "0".repeat(32)),
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert_eq!(unknown.status, 404);

    assert_eq!(
        app.event_count().await,
        events,
        "no rejection appended anything"
    );
    assert_eq!(
        files_in(&data_dir.join("files/sha256")).len(),
        stored,
        "no rejection stored a file"
    );
    assert!(
        files_in(&data_dir.join("files/tmp")).is_empty(),
        "no staged upload is left behind"
    );
    let row = &app
        .request("GET", PLUGINS, Some(&alice), None, &[])
        .await
        .body["results"][0];
    assert_eq!(row["version"], "1.0.0");
}

#[actix_web::test]
async fn the_openapi_document_describes_the_multipart_bodies() {
    let (app, _) = plugin_app().await;
    let doc = app
        .request("GET", "/api-docs/openapi.json", None, None, &[])
        .await;
    let body = &doc.body["paths"]["/mec/developer/v1/plugins"]["post"]["requestBody"]["content"]
        ["multipart/form-data"];
    assert!(
        body.is_object(),
        "{}",
        doc.body["paths"]["/mec/developer/v1/plugins"]
    );
    let schema = &doc.body["components"]["schemas"]["PluginUpload"]["properties"];
    assert_eq!(schema["pluginFile"]["format"], json!("binary"));
    // Every documented part is one the server reads (a generated client can upload).
    let mut documented: Vec<&str> = schema
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    assert_eq!(
        documented,
        [
            "apiFile",
            "codeLanguage",
            "introduction",
            "logoFile",
            "pluginFile",
            "pluginName",
            "pluginType",
            "userId",
            "userName",
            "version"
        ]
    );
}

/// Peak resident memory (VmHWM) of a process, in KiB.
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[actix_web::test]
async fn a_fifty_megabyte_upload_streams_through_without_growing_the_server_by_its_size() {
    let url = crate::helpers::fresh_database().await;
    let server = crate::helpers::ServerProcess::start(&[("DATABASE_URL", Some(url.to_string()))]);
    let base = server.base.clone();
    let token = crate::helpers::token_for("tenant-1", "tenant1", Role::Tenant);
    // Warm up: one small upload, so allocator pools and caches exist before measuring.
    let small = send_form(
        &base,
        "POST",
        PLUGINS,
        &token,
        &form("warm-up", zip(1, b"warm", None)),
    )
    .await;
    assert_eq!(small.status, 201, "{:?}", small.body);
    let before = peak_kib(server.child.id());
    let content = vec![0x5A; 50 * 1024 * 1024 - 4096];
    let large = send_form(
        &base,
        "POST",
        PLUGINS,
        &token,
        &form("large-plugin", zip(1, &content, None)),
    )
    .await;
    assert_eq!(large.status, 201, "{:?}", large.body);
    let after = peak_kib(server.child.id());
    drop(server);
    eprintln!(
        "50 MB upload: server peak RSS {before} KiB -> {after} KiB (+{} KiB)",
        after.saturating_sub(before)
    );
    assert!(
        after.saturating_sub(before) < 16 * 1024,
        "peak RSS grew by {} KiB for a 50 MB upload",
        after - before
    );
}

#[actix_web::test]
async fn a_form_with_too_many_parts_is_refused_and_unknown_parts_are_not_kept() {
    let (app, _data_dir) = plugin_app().await;
    let alice = app.tenant(1);
    let extra = |count: usize| -> Vec<Part> {
        (0..count)
            .map(|i| {
                let name: &'static str = Box::leak(format!("junk{i}").into_boxed_str());
                (name, None, vec![b'x'; 4000])
            })
            .collect()
    };
    // The valid form has eight parts; 9 extra parts make 17.
    let mut crowded = form("crowded-plugin", zip(2, b"class A {}", None));
    crowded.extend(extra(9));
    let refused = send_form(&app.base, "POST", PLUGINS, &alice, &crowded).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (400, Some("MALFORMED_MULTIPART")),
        "{:?}",
        refused.body
    );
    assert_eq!(app.event_count().await, 0);
    // A few unknown parts are read past and dropped: the plugin is shared without them.
    let mut padded = form("padded-plugin", zip(2, b"class B {}", None));
    padded.extend(extra(8));
    let uploaded = send_form(&app.base, "POST", PLUGINS, &alice, &padded).await;
    assert_eq!(uploaded.status, 201, "{:?}", uploaded.body);
    assert_eq!(uploaded.body["pluginName"], "padded-plugin");
}

#[actix_web::test]
async fn a_nul_character_in_a_form_field_is_a_400_that_stores_nothing() {
    let (app, _data_dir) = plugin_app().await;
    let alice = app.tenant(1);
    let parts = with(
        form("nul-plugin", zip(2, b"class N {}", None)),
        "introduction",
        None,
        b"before\0after".to_vec(),
    );
    let refused = send_form(&app.base, "POST", PLUGINS, &alice, &parts).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (400, Some("INVALID_TEXT")),
        "{:?}",
        refused.body
    );
    assert_eq!(app.event_count().await, 0);
}

#[actix_web::test]
async fn uploads_beyond_the_cap_answer_429_with_retry_after() {
    use tokio::io::AsyncWriteExt;
    let data_dir = temp_dir();
    let app = crate::helpers::spawn_app_with(move |c| {
        c.data_dir = data_dir;
        c.max_uploads = 1;
    })
    .await;
    let alice = app.tenant(1);
    // A first upload that sends its head and then waits: it holds the one permit. On a loaded
    // machine the server may take that connection up only after a probe upload has taken the
    // permit; the slow one is then answered 429 itself, and the test opens a new one.
    let address = app.base.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST {PLUGINS} HTTP/1.1\r\nHost: {address}\r\naccess_token: {alice}\r\n\
         content-type: multipart/form-data; boundary=slow\r\ncontent-length: 100000\r\n\r\n--slow\r\n"
    );
    let mut slow: Option<tokio::net::TcpStream> = None;
    let mut second = None;
    let mut seen = Vec::new();
    for attempt in 0..50 {
        let answered = slow.as_ref().is_some_and(|s| {
            let mut byte = [0u8; 1];
            !matches!(s.try_read(&mut byte), Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock)
        });
        if slow.is_none() || answered {
            let mut stream = tokio::net::TcpStream::connect(&address)
                .await
                .expect("connect");
            stream.write_all(head.as_bytes()).await.expect("head");
            slow = Some(stream);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let reply = send_form(
            &app.base,
            "POST",
            PLUGINS,
            &alice,
            &form(
                &format!("second-plugin-{attempt}"),
                zip(2, b"class S {}", None),
            ),
        )
        .await;
        seen.push(reply.status);
        if reply.status == 429 {
            second = Some(reply);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let second = second.unwrap_or_else(|| {
        panic!("the second upload is refused while the first runs; answers seen: {seen:?}")
    });
    assert_eq!(second.body["code"], "TOO_MANY_REQUESTS");
    assert_eq!(
        second
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    // The first one gives up; its permit is free again.
    drop(slow);
    let mut uploaded = 0;
    for _ in 0..50 {
        let reply = send_form(
            &app.base,
            "POST",
            PLUGINS,
            &alice,
            &form("third-plugin", zip(2, b"class T {}", None)),
        )
        .await;
        uploaded = reply.status;
        if uploaded == 201 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(uploaded, 201);
}
