//! A sandbox host's kubeconfig (`POST /mec/developer/v2/mephosts/action/upload-config-file`):
//! checked as a config file (no extension, YAML with `clusters`), named by a host's `configId`,
//! sent to the host's LCM when the host is registered or its config changes, and held by the
//! host (not temporary) until it names another one or is deleted.

use serde_json::{json, Value};

use crate::helpers::{is_temp, send_form, spawn_app, TestApp};

const KUBECONFIG: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: edge\n  cluster:\n    server: https://10.0.0.1:6443\ncontexts: []\nusers: []\n";

async fn upload_config(
    app: &TestApp,
    token: &str,
    name: &str,
    content: &str,
) -> crate::helpers::Reply {
    send_form(
        &app.base,
        "POST",
        "/mec/developer/v2/mephosts/action/upload-config-file",
        token,
        &[("file", Some(name.to_owned()), content.as_bytes().to_vec())],
    )
    .await
}

fn host(name: &str, mec_ip: &str, config_id: Option<&str>) -> Value {
    json!({
        "name": name, "lcmIp": "10.250.0.9", "lcmPort": 30204, "architecture": "X86",
        "mecHostIp": mec_ip, "vimType": "K8S", "configId": config_id
    })
}

fn sent_to_lcm(app: &TestApp, mec_ip: &str) -> Option<String> {
    let sim = app
        .server
        .state
        .lcm
        .simulator
        .as_ref()
        .expect("simulated LCM");
    sim.config_of(mec_ip)
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
}

#[actix_web::test]
async fn a_kubeconfig_is_checked_sent_to_lcm_and_held_by_its_host() {
    let app = spawn_app().await;
    let admin = app.admin();
    let uploaded = upload_config(&app, &admin, "config", KUBECONFIG).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    assert_eq!(uploaded.body["fileType"], "config");
    let first = uploaded.body["fileId"].as_str().expect("id").to_owned();
    for (name, content, code) in [
        ("config.yaml", KUBECONFIG, "INVALID_FILE"),
        ("config", "just: [a, mapping]\n", "INVALID_FILE"),
        ("config", "{ not yaml", "INVALID_FILE"),
    ] {
        let refused = upload_config(&app, &admin, name, content).await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (400, Some(code)),
            "{name}: {}",
            refused.body
        );
    }

    let created = app
        .request(
            "POST",
            "/mec/developer/v2/mephosts",
            Some(&admin),
            Some(&host("sandbox-k8s", "10.251.0.1", Some(&first))),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["configId"], first.as_str());
    let host_id = created.body["id"].as_str().expect("host").to_owned();
    assert_eq!(sent_to_lcm(&app, "10.251.0.1").as_deref(), Some(KUBECONFIG));
    assert_eq!(
        is_temp(&app, &first).await,
        Some(false),
        "the host holds its kubeconfig"
    );
    let delete_file = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/upload-files/{first}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (delete_file.status, delete_file.body["code"].as_str()),
        (409, Some("FILE_IN_USE"))
    );

    // Another kubeconfig replaces it: sent again, and the first one is let go.
    let second_text = KUBECONFIG.replace("10.0.0.1", "10.0.0.2");
    let second = upload_config(&app, &admin, "kubeconfig", &second_text)
        .await
        .body["fileId"]
        .as_str()
        .expect("id")
        .to_owned();
    let updated = app
        .request(
            "PUT",
            &format!("/mec/developer/v2/mephosts/{host_id}"),
            Some(&admin),
            Some(&host("sandbox-k8s", "10.251.0.1", Some(&second))),
            &[],
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(
        sent_to_lcm(&app, "10.251.0.1").as_deref(),
        Some(second_text.as_str())
    );
    assert_eq!(is_temp(&app, &first).await, Some(true));
    assert_eq!(is_temp(&app, &second).await, Some(false));
    let deleted = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/mephosts/{host_id}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        is_temp(&app, &second).await,
        Some(true),
        "a deleted host lets its kubeconfig go"
    );
}

#[actix_web::test]
async fn a_bad_config_reference_or_an_lcm_refusal_registers_no_host() {
    let app = spawn_app().await;
    let admin = app.admin();
    let icon = crate::helpers::upload_file(
        &app,
        &admin,
        "icon",
        "logo.png",
        &crate::upload_files::png(),
    )
    .await;
    for (config, code) in [
        (icon.as_str(), "INVALID_FILE_REFERENCE"),
        (
            "7d2b9f0e-1c1b-4b7e-9a55-000000000000",
            "INVALID_FILE_REFERENCE",
        ),
    ] {
        let refused = app
            .request(
                "POST",
                "/mec/developer/v2/mephosts",
                Some(&admin),
                Some(&host("sandbox-bad", "10.252.0.1", Some(config))),
                &[],
            )
            .await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (400, Some(code)),
            "{}",
            refused.body
        );
    }
    let config = upload_config(&app, &admin, "config", KUBECONFIG).await.body["fileId"]
        .as_str()
        .expect("id")
        .to_owned();
    let plan = app
        .request(
            "PUT",
            "/api/v1/simulators/lcm/*",
            Some(&admin),
            Some(&json!({"fail": "uploadConfig"})),
            &[],
        )
        .await;
    assert_eq!(plan.status, 204);
    let refused = app
        .request(
            "POST",
            "/mec/developer/v2/mephosts",
            Some(&admin),
            Some(&host("sandbox-bad", "10.252.0.1", Some(&config))),
            &[],
        )
        .await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(
        is_temp(&app, &config).await,
        Some(true),
        "the refused host holds nothing"
    );
    let hosts = app
        .request("GET", "/mec/developer/v2/mephosts", Some(&admin), None, &[])
        .await;
    assert_eq!(hosts.body["total"], 0, "{}", hosts.body);
}
