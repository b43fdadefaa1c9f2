//! Helm charts of container applications: uploads checked for real (archives and YAML
//! manifests), held archive files, inner files read and modified by re-packing, refusals that
//! change nothing, and the projection's rebuild.

use serde_json::{json, Value};

use crate::helpers::{app_body, is_temp, raw_get, send_form, spawn_app, wait_caught_up, TestApp};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"{{ .Values.image }}\"\n";

/// A gzip tar of raw entries (names written as given, even unsafe ones).
pub fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for (name, data) in entries {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, *data).expect("append");
    }
    builder
        .into_inner()
        .and_then(|e| e.finish())
        .expect("finish")
}

/// A valid chart `web` whose deployment runs `image`.
pub fn web_chart(image: &str) -> Vec<u8> {
    let values = format!("image: {image}\n");
    tgz(&[
        (
            "web/Chart.yaml",
            b"apiVersion: v2\nname: web\nversion: 1.0.0\n",
        ),
        ("web/values.yaml", values.as_bytes()),
        ("web/templates/deployment.yaml", DEPLOYMENT.as_bytes()),
    ])
}

/// A new application of `class` owned by `token`: its charts path.
pub async fn charts_of(app: &TestApp, token: &str, name: &str, class: &str) -> String {
    let mut body = app_body(name);
    body["appClass"] = json!(class);
    let created = app.create_app(token, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    format!(
        "/mec/developer/v2/applications/{}/helmcharts",
        created.body["id"].as_str().expect("id")
    )
}

fn form(name: &str, content: Vec<u8>) -> Vec<(&'static str, Option<String>, Vec<u8>)> {
    vec![("file", Some(name.to_owned()), content)]
}

async fn inner_file(app: &TestApp, chart: &str, token: &str, path: &str) -> (u16, String) {
    let (status, _, bytes) = raw_get(
        app,
        &format!("{chart}/action/get-inner-file?filePath={path}"),
        token,
    )
    .await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[actix_web::test]
async fn a_chart_is_checked_held_read_modified_by_repacking_and_deleted() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let charts = charts_of(&app, &alice, "charted-app", "CONTAINER").await;
    let archive = web_chart("nginx:1.25");
    let added = send_form(
        &app.base,
        "POST",
        &charts,
        &alice,
        &form("web.tgz", archive.clone()),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["name"], json!("web.tgz"));
    assert_eq!(added.body["chartName"], json!("web"));
    assert_eq!(added.body["images"], json!(["nginx:1.25"]));
    let tree = &added.body["helmChartFileList"];
    assert_eq!(tree[0]["name"], json!("web"));
    assert_eq!(tree[0]["children"][0]["name"], json!("templates"));
    assert_eq!(
        tree[0]["children"][0]["children"][0]["path"],
        json!("web/templates/deployment.yaml")
    );
    let application = charts.trim_end_matches("/helmcharts").to_owned();
    let got = app
        .request("GET", &application, Some(&alice), None, &[])
        .await;
    assert_eq!(got.body["status"], json!("CONFIGURED"), "{}", got.body);
    let file = added.body["helmChartFileId"]
        .as_str()
        .expect("file")
        .to_owned();
    assert_eq!(is_temp(&app, &file).await, Some(false));
    let chart = format!("{charts}/{}", added.body["id"].as_str().expect("id"));

    let downloaded = awc::Client::default()
        .post(format!("{}{chart}/action/download", app.base))
        .insert_header(("access_token", alice.as_str()))
        .send()
        .await
        .expect("sent")
        .body()
        .await
        .expect("body");
    assert_eq!(
        downloaded.to_vec(),
        archive,
        "the download is the uploaded archive"
    );
    assert_eq!(
        inner_file(&app, &chart, &alice, "web/values.yaml").await,
        (200, "image: nginx:1.25\n".to_owned())
    );
    assert_eq!(
        inner_file(&app, &chart, &alice, "web/nope.yaml").await.0,
        404
    );

    let modify = |path: &str, content: &str| json!({"innerFilePath": path, "content": content});
    let modified = app
        .request(
            "PUT",
            &format!("{chart}/action/modify-inner-file"),
            Some(&alice),
            Some(&modify("web/values.yaml", "image: nginx:1.27\n")),
            &[],
        )
        .await;
    assert_eq!(modified.status, 200, "{}", modified.body);
    assert_eq!(modified.body["images"], json!(["nginx:1.27"]));
    let new_file = modified.body["helmChartFileId"]
        .as_str()
        .expect("file")
        .to_owned();
    assert_ne!(new_file, file, "a modification is a new archive");
    assert_eq!(
        is_temp(&app, &file).await,
        Some(true),
        "the old archive is let go"
    );
    assert_eq!(is_temp(&app, &new_file).await, Some(false));
    assert_eq!(
        inner_file(&app, &chart, &alice, "web/values.yaml").await,
        (200, "image: nginx:1.27\n".to_owned())
    );
    let events = app.event_count().await;
    let broken = app
        .request(
            "PUT",
            &format!("{chart}/action/modify-inner-file"),
            Some(&alice),
            Some(&modify(
                "web/templates/deployment.yaml",
                "kind: Deployment\n",
            )),
            &[],
        )
        .await;
    assert_eq!(
        (broken.status, broken.body["code"].as_str()),
        (400, Some("INVALID_FIELD")),
        "{}",
        broken.body
    );
    let missing = app
        .request(
            "PUT",
            &format!("{chart}/action/modify-inner-file"),
            Some(&alice),
            Some(&modify("web/other.yaml", "x: 1\n")),
            &[],
        )
        .await;
    assert_eq!(missing.body["code"], json!("HELM_CHART_FILE_NOT_FOUND"));
    assert_eq!(
        app.event_count().await,
        events,
        "refused edits record nothing"
    );

    let second = send_form(
        &app.base,
        "POST",
        &charts,
        &alice,
        &form("web.tgz", web_chart("redis:7")),
    )
    .await;
    assert_eq!(
        (second.status, second.body["code"].as_str()),
        (409, Some("DUPLICATE_HELM_CHART"))
    );
    let manifests = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\nspec:\n  containers:\n    - name: c\n      image: redis:7\n";
    let from_yaml = send_form(
        &app.base,
        "POST",
        &charts,
        &alice,
        &form("Probe Pod.yaml", manifests.into()),
    )
    .await;
    assert_eq!(from_yaml.status, 201, "{}", from_yaml.body);
    assert_eq!(from_yaml.body["name"], json!("probe-pod.tgz"));
    assert_eq!(from_yaml.body["images"], json!(["redis:7"]));
    let yaml_chart = format!("{charts}/{}", from_yaml.body["id"].as_str().expect("id"));
    assert_eq!(
        inner_file(
            &app,
            &yaml_chart,
            &alice,
            "probe-pod/templates/probe-pod.yaml"
        )
        .await,
        (200, manifests.to_owned())
    );

    let listed = app.request("GET", &charts, Some(&alice), None, &[]).await;
    let names: Vec<&Value> = listed
        .body
        .as_array()
        .expect("list")
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(names, [&json!("web.tgz"), &json!("probe-pod.tgz")]);
    wait_caught_up(&app.pool).await;
    let templates = app.rows("tbl_helm_template_yaml", "file_id").await;
    let yaml_row = templates
        .iter()
        .find(|r| r["file_name"] == json!("probe-pod.tgz"))
        .expect("older model row");
    assert_eq!(yaml_row["content"], json!(manifests.trim_end()));

    let removed = app.request("DELETE", &chart, Some(&alice), None, &[]).await;
    assert_eq!((removed.status, &removed.body), (200, &json!(true)));
    assert_eq!(is_temp(&app, &new_file).await, Some(true));
    let gone = app.request("GET", &chart, Some(&alice), None, &[]).await;
    assert_eq!(gone.body["code"], json!("HELM_CHART_NOT_FOUND"));

    wait_caught_up(&app.pool).await;
    let charts_rows = app.rows("tbl_container_helm_chart", "id").await;
    let template_rows = app.rows("tbl_helm_template_yaml", "file_id").await;
    let image_rows = app.rows("tbl_project_image", "id").await;
    assert_eq!((charts_rows.len(), template_rows.len()), (1, 1));
    assert_eq!(image_rows.len(), 1, "{image_rows:?}");
    assert_eq!(image_rows[0]["image_info"], json!("redis:7"));
    assert_eq!(image_rows[0]["project_id"], charts_rows[0]["app_id"]);
    app.pool
        .execute("DELETE FROM tbl_container_helm_chart", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("helm_charts")
        .await
        .expect("rebuild");
    assert_eq!(
        app.rows("tbl_container_helm_chart", "id").await,
        charts_rows
    );
    assert_eq!(
        app.rows("tbl_helm_template_yaml", "file_id").await,
        template_rows
    );
}

/// What is refused: what it is, where, the file's name and content, the status and code.
type Case<'a> = (&'a str, &'a str, &'a str, Vec<u8>, u16, &'a str);

#[actix_web::test]
async fn uploads_that_are_not_charts_or_not_allowed_change_nothing() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let guest = app.token("u-guest", "guest", domain::identity::Role::Guest);
    let charts = charts_of(&app, &alice, "strict-app", "CONTAINER").await;
    let vm_charts = charts_of(&app, &alice, "vm-app", "VM").await;
    let valid = web_chart("nginx:1.25");
    let with = |extra: (&str, &[u8])| {
        tgz(&[
            (
                "web/Chart.yaml",
                b"apiVersion: v2\nname: web\nversion: 1.0.0\n",
            ),
            ("web/values.yaml", b"image: nginx\n"),
            ("web/templates/deployment.yaml", DEPLOYMENT.as_bytes()),
            extra,
        ])
    };
    let many: Vec<String> = (0..1001).map(|i| format!("web/f{i}")).collect();
    let mut crowded: Vec<(&str, &[u8])> = vec![
        (
            "web/Chart.yaml",
            b"apiVersion: v2\nname: web\nversion: 1.0.0\n",
        ),
        ("web/values.yaml", b"{}\n"),
    ];
    crowded.extend(many.iter().map(|n| (n.as_str(), &b""[..])));
    let events = app.event_count().await;
    let cases: Vec<Case> = vec![
        (
            "not gzip",
            &charts,
            "web.tgz",
            b"PK\x03\x04 not a chart".to_vec(),
            400,
            "INVALID_FILE",
        ),
        (
            "no Chart.yaml",
            &charts,
            "web.tgz",
            tgz(&[
                ("web/values.yaml", b"{}\n"),
                ("web/templates/a.yaml", b"kind: Pod\n"),
            ]),
            400,
            "INVALID_FILE",
        ),
        (
            "bad YAML",
            &charts,
            "web.tgz",
            with(("web/templates/bad.yaml", b"kind: [unclosed\n")),
            400,
            "INVALID_FILE",
        ),
        (
            "a .. entry",
            &charts,
            "web.tgz",
            with(("web/../../evil", b"x")),
            400,
            "INVALID_FILE",
        ),
        (
            "too many entries",
            &charts,
            "web.tgz",
            tgz(&crowded),
            400,
            "INVALID_FILE",
        ),
        (
            "oversize",
            &charts,
            "web.tgz",
            vec![0u8; 10 * 1024 * 1024 + 1],
            413,
            "FILE_TOO_LARGE",
        ),
        (
            "wrong suffix",
            &charts,
            "web.zip",
            valid.clone(),
            400,
            "INVALID_FILE",
        ),
        (
            "a VM application",
            &vm_charts,
            "web.tgz",
            valid.clone(),
            409,
            "NOT_A_CONTAINER_APPLICATION",
        ),
    ];
    for (what, path, name, content, status, code) in cases {
        let answer = send_form(&app.base, "POST", path, &alice, &form(name, content)).await;
        assert_eq!(
            (answer.status, answer.body["code"].as_str()),
            (status, Some(code)),
            "{what}: {}",
            answer.body
        );
    }
    for (who, token) in [("another tenant", &bob), ("a guest", &guest)] {
        let answer = send_form(
            &app.base,
            "POST",
            &charts,
            token,
            &form("web.tgz", valid.clone()),
        )
        .await;
        assert_eq!(answer.status, 403, "{who}: {}", answer.body);
    }
    assert_eq!(
        app.event_count().await,
        events,
        "refused uploads record nothing"
    );
    let vm_side = app
        .request(
            "GET",
            &format!("{}/vms", vm_charts.trim_end_matches("/helmcharts")),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(
        vm_side.status, 200,
        "a VM application keeps its VM endpoints"
    );
    let container_vms = app
        .request(
            "POST",
            &format!("{}/networks", charts.trim_end_matches("/helmcharts")),
            Some(&alice),
            Some(&json!({"name": "n1", "description": "x"})),
            &[],
        )
        .await;
    assert_eq!(
        container_vms.body["code"],
        json!("NOT_A_VM_APPLICATION"),
        "VM endpoints refuse a container application: {}",
        container_vms.body
    );
}
