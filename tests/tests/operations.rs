//! Sandbox hosts, VMs and their long-running operations through the HTTP API: the failure matrix
//! of reference section 7, flows 3 and 5 of section 8, cancel, kill -9 resume (over the HTTP
//! client and `edgedev sim lcm`), and rebuilding the operation read models.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    app_body, call, fresh_database, spawn_app_with, wait_caught_up, ServerProcess, TestApp,
};

const PLANES: &str = "VDU1_APP_Plane01_IP=192.168.220.0/24;VDU1_APP_Plane02_IP=192.168.221.0/24;VDU1_APP_Plane03_IP=192.168.222.0/24";
const PASSWORD: &str = "Sup3r-secret'pw\"";

async fn fast_app() -> TestApp {
    spawn_app_with(|c| c.operations.poll = Duration::from_millis(20)).await
}

fn host_body(name: &str, lcm_ip: &str, lcm_port: u16, mec_ip: &str) -> Value {
    json!({
        "name": name, "lcmIp": lcm_ip, "lcmProtocol": "http", "lcmPort": lcm_port, "architecture": "X86",
        "status": "NORMAL", "mecHostIp": mec_ip, "vimType": "OpenStack", "mecHostUserName": "root",
        "mecHostPassword": "host-pass", "networkParameter": PLANES, "address": "Xi'an"
    })
}

/// Calls `base` and asserts the status.
async fn expect(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
    status: u16,
) -> Value {
    let reply = call(base, method, path, Some(token), body, &[]).await;
    assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
    reply.body
}

fn vm_app_body(name: &str) -> Value {
    let mut body = app_body(name);
    body["appClass"] = json!("VM");
    body
}

/// A VM application of `token` with one VM on two default networks, its host selected.
async fn configured_vm(base: &str, token: &str, name: &str, host_id: &str) -> (String, String) {
    let app = expect(
        base,
        "POST",
        "/mec/developer/v2/applications",
        token,
        Some(&vm_app_body(name)),
        201,
    )
    .await;
    let app_id = app["id"].as_str().expect("id").to_owned();
    let vm = json!({
        "name": "vm-1", "flavorId": "flavor-small", "imageId": 7, "userData": "#!/bin/sh\necho hi",
        "portList": [
            {"name": "eth0", "description": "n6", "networkName": "MEC_APP_N6"},
            {"name": "eth1", "description": "internet", "networkName": "MEC_APP_Internet"}
        ],
        "vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {"username": "ubuntu", "password": PASSWORD}}
    });
    let vm = expect(
        base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/vms"),
        token,
        Some(&vm),
        200,
    )
    .await;
    let vm_id = vm["id"].as_str().expect("vm id").to_owned();
    expect(
        base,
        "PUT",
        &format!("/mec/developer/v2/applications/{app_id}/action/sel-mephost"),
        token,
        Some(&json!({"mepHostId": host_id})),
        200,
    )
    .await;
    (app_id, vm_id)
}

/// Calls `base` and asserts the refusal: its status and stable code.
async fn refused(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
    status: u16,
    code: &str,
) -> Value {
    let reply = call(base, method, path, Some(token), body, &[]).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (status, Some(code)),
        "{method} {path}: {}",
        reply.body
    );
    reply.body
}

/// Registers a sandbox host as `admin`; returns the host.
async fn post_host(base: &str, admin: &str, body: Value) -> Value {
    expect(
        base,
        "POST",
        "/mec/developer/v2/mephosts",
        admin,
        Some(&body),
        201,
    )
    .await
}

/// Launches a VM; returns `{operationId}`.
async fn launch(base: &str, tenant: &str, app_id: &str, vm_id: &str) -> Value {
    let path = format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}/action/launch");
    expect(base, "POST", &path, tenant, None, 200).await
}

/// Polls the operation until it ends (bounded) and returns it.
async fn finished(base: &str, token: &str, operation_id: &str) -> Value {
    for _ in 0..600 {
        let op = expect(
            base,
            "GET",
            &format!("/mec/developer/v2/operations/{operation_id}"),
            token,
            None,
            200,
        )
        .await;
        if op["status"] != "ONGOING" {
            return op;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("operation {operation_id} still ONGOING after 30 s");
}

async fn vm_view(base: &str, token: &str, app_id: &str, vm_id: &str) -> Value {
    expect(
        base,
        "GET",
        &format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}"),
        token,
        None,
        200,
    )
    .await
}

fn statuses(op: &Value) -> Vec<String> {
    op["actionStatusList"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            format!(
                "{}:{}",
                a["actionName"].as_str().unwrap_or_default(),
                a["status"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[actix_web::test]
async fn the_failure_matrix_of_a_vm_launch() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    // (row, failing call, final status, error starts with, actions, fields set, fields unset, instantiate status)
    type Row = (
        &'static str,
        Option<&'static str>,
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
        &'static str,
    );
    let rows: &[Row] = &[
        (
            "success",
            None,
            "SUCCESS",
            "",
            &[
                "Build Application Package:SUCCESS",
                "Distribute Application Package:SUCCESS",
                "Instantiate Application:SUCCESS",
            ],
            &[
                "appPackageId",
                "mepmPackageId",
                "distributedMecHost",
                "appInstanceId",
                "vmInstanceId",
                "vncUrl",
            ],
            &[],
            "SUCCESS",
        ),
        (
            "upload fails",
            Some("upload"),
            "FAILED",
            "upload package to lcm failed",
            &[
                "Build Application Package:SUCCESS",
                "Distribute Application Package:FAILED",
            ],
            &["appPackageId"],
            &[
                "mepmPackageId",
                "distributedMecHost",
                "appInstanceId",
                "vmInstanceId",
                "vncUrl",
            ],
            "PACKAGE_DISTRIBUTE_FAILED",
        ),
        (
            "distribute fails",
            Some("distribute"),
            "FAILED",
            "distribute package failed",
            &[
                "Build Application Package:SUCCESS",
                "Distribute Application Package:FAILED",
            ],
            &["appPackageId", "mepmPackageId"],
            &[
                "distributedMecHost",
                "appInstanceId",
                "vmInstanceId",
                "vncUrl",
            ],
            "PACKAGE_DISTRIBUTE_FAILED",
        ),
        (
            "distribute query fails",
            Some("distribution"),
            "FAILED",
            "query distribute status failed",
            &[
                "Build Application Package:SUCCESS",
                "Distribute Application Package:FAILED",
            ],
            &["appPackageId", "mepmPackageId", "distributedMecHost"],
            &["appInstanceId", "vmInstanceId", "vncUrl"],
            "PACKAGE_DISTRIBUTE_FAILED",
        ),
        (
            "instantiate fails",
            Some("instantiate"),
            "FAILED",
            "instantiate failed",
            &[
                "Build Application Package:SUCCESS",
                "Distribute Application Package:SUCCESS",
                "Instantiate Application:FAILED",
            ],
            &["appPackageId", "mepmPackageId", "distributedMecHost"],
            &["appInstanceId", "vmInstanceId", "vncUrl"],
            "INSTANTIATE_FAILED",
        ),
        (
            "workload query fails",
            Some("workload"),
            "FAILED",
            "query workload status failed",
            &[
                "Build Application Package:SUCCESS",
                "Distribute Application Package:SUCCESS",
                "Instantiate Application:FAILED",
            ],
            &[
                "appPackageId",
                "mepmPackageId",
                "distributedMecHost",
                "appInstanceId",
            ],
            &["vmInstanceId", "vncUrl"],
            "INSTANTIATE_FAILED",
        ),
    ];
    for (i, (row, fail, status, error, actions, set, unset, info_status)) in rows.iter().enumerate()
    {
        let lcm_ip = format!("10.77.0.{}", i + 1);
        let plan = json!({"fail": fail, "pendingPolls": 2});
        expect(
            &app.base,
            "PUT",
            &format!("/api/v1/simulators/lcm/{lcm_ip}"),
            &admin,
            Some(&plan),
            204,
        )
        .await;
        let host = post_host(
            &app.base,
            &admin,
            host_body(
                &format!("sandbox-{i}"),
                &lcm_ip,
                30204,
                &format!("10.88.0.{}", i + 1),
            ),
        )
        .await;
        let host_id = host["id"].as_str().expect("host id");
        let (app_id, vm_id) =
            configured_vm(&app.base, &tenant, &format!("matrix-{i}"), host_id).await;
        let started = launch(&app.base, &tenant, &app_id, &vm_id).await;
        let op = finished(
            &app.base,
            &tenant,
            started["operationId"].as_str().expect("operationId"),
        )
        .await;
        assert_eq!(op["status"], *status, "{row}: {op}");
        assert_eq!(op["operationName"], "VirtualMachine launch", "{row}");
        assert_eq!(op["objectType"], "APPLICATION_INSTANCE", "{row}");
        let message = op["errorMsg"].as_str().unwrap_or_default();
        assert!(message.starts_with(error), "{row}: error {message:?}");
        assert_eq!(statuses(&op), *actions, "{row}");
        if *status == "SUCCESS" {
            assert_eq!(op["progress"], 100, "{row}");
        } else {
            let failed = op["actionStatusList"]
                .as_array()
                .and_then(|a| a.last())
                .expect("failed action");
            assert_eq!(
                failed["errorMsg"], op["errorMsg"],
                "{row}: the failed action carries the error"
            );
        }
        let info = &vm_view(&app.base, &tenant, &app_id, &vm_id).await["vmInstantiateInfo"];
        for field in *set {
            assert!(
                info[field].as_str().is_some_and(|v| !v.is_empty()),
                "{row}: {field} should be set in {info}"
            );
        }
        for field in *unset {
            assert!(
                info[field].is_null(),
                "{row}: {field} should be unset in {info}"
            );
        }
        assert_eq!(info["status"], *info_status, "{row}");
        assert_eq!(info["operationId"], started["operationId"], "{row}");
    }
    // The deployment read models, rebuilt from zero in one batch, equal the incremental ones.
    wait_caught_up(&app.pool).await;
    let tables = [
        ("tbl_vm", "id"),
        ("tbl_vm_port", "id"),
        ("tbl_vm_certificate", "vm_id"),
        ("tbl_network", "id"),
        ("tbl_vm_instantiate_info", "vm_id"),
        ("tbl_vm_port_instantiate_info", "vm_id, network_name"),
        ("tbl_project_vm_create_config", "vm_id"),
        ("tbl_project_vm_package_config", "id"),
        ("tbl_operation_status", "id"),
        ("tbl_action_status", "id"),
    ];
    let mut before = Vec::new();
    for (table, order) in tables {
        let rows = app.rows(table, order).await;
        assert!(!rows.is_empty(), "{table} has rows to compare");
        before.push(rows);
    }
    for name in ["vms", "operations"] {
        app.server
            .state
            .runtime
            .rebuild(name)
            .await
            .expect("rebuild");
    }
    for ((table, order), rows) in tables.iter().zip(before) {
        assert_eq!(app.rows(table, order).await, rows, "{table} after rebuild");
    }
}

#[actix_web::test]
async fn flows_three_and_five_configure_launch_export_and_clean_a_vm() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    let base = app.base.as_str();
    let host = post_host(
        base,
        &admin,
        host_body("sandbox-flow", "10.9.0.1", 30204, "10.9.0.2"),
    )
    .await;
    assert_eq!(host["mecHostPassword"], "******");
    let host_id = host["id"].as_str().expect("host id").to_owned();
    // The same mecHostIp again is refused, and nothing is registered twice.
    refused(
        base,
        "POST",
        "/mec/developer/v2/mephosts",
        &admin,
        Some(&host_body("sandbox-two", "10.9.0.1", 30204, "10.9.0.2")),
        409,
        "DUPLICATE_MEC_HOST_IP",
    )
    .await;
    let hosts = expect(
        base,
        "GET",
        "/mec/developer/v2/mephosts?vimType=OpenStack&architecture=X86&limit=10&offset=0",
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(hosts["total"], 1);
    assert_eq!(hosts["results"][0]["mecHostPassword"], "******");

    let (app_id, vm_id) = configured_vm(base, &tenant, "flow-app", &host_id).await;
    let networks = expect(
        base,
        "GET",
        &format!("/mec/developer/v2/applications/{app_id}/networks"),
        &tenant,
        None,
        200,
    )
    .await;
    let names: Vec<&str> = networks
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert_eq!(names, ["MEC_APP_Internet", "MEC_APP_MP1", "MEC_APP_N6"]);
    let n6 = networks
        .as_array()
        .expect("list")
        .iter()
        .find(|n| n["name"] == "MEC_APP_N6")
        .expect("n6");
    refused(
        base,
        "DELETE",
        &format!(
            "/mec/developer/v2/applications/{app_id}/networks/{}",
            n6["id"].as_str().expect("id")
        ),
        &tenant,
        None,
        409,
        "NETWORK_IN_USE",
    )
    .await;
    let application = expect(
        base,
        "GET",
        &format!("/mec/developer/v2/applications/{app_id}"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(application["status"], "CONFIGURED");
    // A second VM on the same host must get other addresses.
    let second = json!({"name": "vm-2", "flavorId": "f", "imageId": 7, "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}]});
    let second = expect(
        base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/vms"),
        &tenant,
        Some(&second),
        200,
    )
    .await;
    let second_id = second["id"].as_str().expect("id").to_owned();

    let mut addresses = Vec::new();
    for vm in [&vm_id, &second_id] {
        let started = launch(base, &tenant, &app_id, vm).await;
        let op = finished(base, &tenant, started["operationId"].as_str().expect("op")).await;
        assert_eq!(op["status"], "SUCCESS", "{op}");
        let view = vm_view(base, &tenant, &app_id, vm).await;
        assert_eq!(view["status"], "DEPLOYED");
        let info = &view["vmInstantiateInfo"];
        assert_eq!(info["status"], "SUCCESS");
        assert!(
            info["vncUrl"]
                .as_str()
                .is_some_and(|u| u.contains("10.9.0.2")),
            "{info}"
        );
        let ports = info["portInstanceList"].as_array().expect("ports");
        assert!(!ports.is_empty(), "{info}");
        for port in ports {
            addresses.push(port["ipAddress"].as_str().expect("ip").to_owned());
        }
        let mut networks: Vec<&str> = ports
            .iter()
            .filter_map(|p| p["networkName"].as_str())
            .collect();
        networks.sort_unstable();
        let expected: &[&str] = if vm == &vm_id {
            &["MEC_APP_Internet", "MEC_APP_N6"]
        } else {
            &["MEC_APP_N6"]
        };
        assert_eq!(
            networks, expected,
            "one address per port, named by its network"
        );
        if vm == &vm_id {
            let n6_ip = ports
                .iter()
                .find(|p| p["networkName"] == "MEC_APP_N6")
                .expect("N6 port has an address");
            assert!(n6_ip["ipAddress"]
                .as_str()
                .expect("ip")
                .starts_with("192.168.220."));
        }
    }
    let unique: std::collections::BTreeSet<&String> = addresses.iter().collect();
    assert_eq!(
        unique.len(),
        addresses.len(),
        "no two live VMs on a host share an address: {addresses:?}"
    );
    let console = expect(
        base,
        "GET",
        &format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}/action/vnc"),
        &tenant,
        None,
        200,
    )
    .await;
    assert!(
        console["vncUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://10.9.0.2:6080/")),
        "{console}"
    );
    // A second launch while an instance lives is refused up front.
    refused(
        base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}/action/launch"),
        &tenant,
        None,
        400,
        "VM_INSTANTIATED",
    )
    .await;

    // Flow 5: export the image.
    let started = expect(
        base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}/action/export-image"),
        &tenant,
        None,
        200,
    )
    .await;
    let op = finished(base, &tenant, started["operationId"].as_str().expect("op")).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    assert_eq!(
        statuses(&op),
        ["Create Image:SUCCESS", "Download Image:SUCCESS"]
    );
    let view = vm_view(base, &tenant, &app_id, &vm_id).await;
    assert_eq!(view["status"], "EXPORTED");
    let export = &view["imageExportInfo"];
    assert_eq!(export["status"], "SUCCESS", "{export}");
    assert!(export["checkSum"].as_str().is_some_and(|s| s.len() == 32));
    assert!(export["downloadUrl"]
        .as_str()
        .is_some_and(|u| u.ends_with("/action/download")));
    let image_id = view["targetImageId"].as_i64().expect("target image");
    let image = expect(
        base,
        "GET",
        &format!("/mec/developer/v2/vmimages/{image_id}"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        (
            image["visibleType"].as_str(),
            image["status"].as_str(),
            image["imageSlimStatus"].as_str()
        ),
        (Some("private"), Some("PUBLISHED"), Some("SLIM_SUCCEED"))
    );
    let listed = expect(
        base,
        "POST",
        "/mec/developer/v2/vmimages/action/get-list",
        &tenant,
        Some(&json!({"visibleType": "private"})),
        200,
    )
    .await;
    assert_eq!(listed["totalCount"], 1);
    let other = call(
        base,
        "GET",
        &format!("/mec/developer/v2/vmimages/{image_id}"),
        Some(&app.tenant(2)),
        None,
        &[],
    )
    .await;
    assert_eq!(
        other.status, 404,
        "another tenant does not see a private image"
    );

    // The runner's work shows in the metrics.
    let metrics = call(base, "GET", "/metrics", None, None, &[]).await;
    let text = metrics.body.as_str().unwrap_or_default().to_owned();
    let steps: f64 = text
        .lines()
        .find(|l| l.starts_with("edgedev_operation_steps_total{aggregate=\"vm\",outcome=\"ok\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    assert!(
        steps >= 10.0,
        "two launches and an export took at least 10 steps: {steps}"
    );

    // A deployed application is not deleted before its sandbox is cleaned.
    refused(
        base,
        "DELETE",
        &format!("/mec/developer/v2/applications/{app_id}"),
        &tenant,
        None,
        409,
        "SANDBOX_NOT_CLEAN",
    )
    .await;

    // Flow 6: clean the sandbox.
    let started = expect(
        base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/action/clean-env"),
        &tenant,
        None,
        200,
    )
    .await;
    let op = finished(base, &tenant, started["operationId"].as_str().expect("op")).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    for vm in [&vm_id, &second_id] {
        let view = vm_view(base, &tenant, &app_id, vm).await;
        assert!(
            view["vmInstantiateInfo"].is_null() && view["imageExportInfo"].is_null(),
            "{view}"
        );
    }
    let held: i64 =
        sqlx::query_scalar("SELECT count(*) FROM unique_reservations WHERE scope = 'host.address'")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(held, 0, "clean-up returns the addresses");
    wait_caught_up(&app.pool).await;
    let logs = expect(
        base,
        "GET",
        &format!("/mec/developer/v2/mephosts/{host_id}/logs"),
        &admin,
        None,
        200,
    )
    .await;
    let operations: Vec<&str> = logs
        .as_array()
        .expect("logs")
        .iter()
        .filter_map(|l| l["operation"].as_str())
        .collect();
    assert_eq!(
        operations.iter().filter(|o| **o == "deploy").count(),
        2,
        "{logs}"
    );
    assert_eq!(
        operations.iter().filter(|o| **o == "clean").count(),
        2,
        "{logs}"
    );

    // The password never reached an event or a table in plain text.
    let leaks: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE payload::text LIKE '%Sup3r-secret%' OR metadata::text LIKE '%Sup3r-secret%'")
        .fetch_one(&app.pool).await.expect("count");
    assert_eq!(leaks, 0);
    let stored: String =
        sqlx::query_scalar("SELECT pwd_certificate FROM tbl_vm_certificate WHERE vm_id = $1")
            .bind(&vm_id)
            .fetch_one(&app.pool)
            .await
            .expect("certificate");
    assert!(
        stored.contains("enc:v1:") && !stored.contains("Sup3r"),
        "{stored}"
    );
    let shown = vm_view(base, &tenant, &app_id, &vm_id).await;
    assert_eq!(
        shown["vmCertificate"]["pwdCertificate"]["password"],
        "******"
    );

    // Rebuilding the operation and VM read models from zero gives the same rows.
    let tables = [
        ("tbl_operation_status", "id"),
        ("tbl_action_status", "id"),
        ("tbl_vm", "id"),
        ("tbl_vm_port", "id"),
        ("tbl_host_log", "log_id"),
        ("tbl_vm_image", "id"),
    ];
    let mut before = Vec::new();
    for (table, order) in tables {
        before.push(app.rows(table, order).await);
    }
    sqlx::raw_sql("UPDATE tbl_operation_status SET status = 'TAMPERED'; DELETE FROM tbl_action_status; DELETE FROM tbl_vm_port")
        .execute(&app.pool).await.expect("tamper");
    for name in ["operations", "vms", "hosts"] {
        app.server
            .state
            .runtime
            .rebuild(name)
            .await
            .expect("rebuild");
    }
    wait_caught_up(&app.pool).await;
    for ((table, order), rows) in tables.iter().zip(before) {
        assert_eq!(app.rows(table, order).await, rows, "{table} after rebuild");
    }
}

#[actix_web::test]
async fn cancelling_an_operation_stops_it_for_good() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    let base = app.base.as_str();
    expect(
        base,
        "PUT",
        "/api/v1/simulators/lcm/10.5.0.1",
        &admin,
        Some(&json!({"pendingPolls": 1000000})),
        204,
    )
    .await;
    let host = post_host(
        base,
        &admin,
        host_body("sandbox-cancel", "10.5.0.1", 30204, "10.5.0.2"),
    )
    .await;
    let (app_id, vm_id) = configured_vm(
        base,
        &tenant,
        "cancel-app",
        host["id"].as_str().expect("id"),
    )
    .await;
    let started = launch(base, &tenant, &app_id, &vm_id).await;
    let op_id = started["operationId"].as_str().expect("op").to_owned();
    // Wait until it polls the distribution (it never finishes on its own).
    for _ in 0..200 {
        let op = expect(
            base,
            "GET",
            &format!("/mec/developer/v2/operations/{op_id}"),
            &tenant,
            None,
            200,
        )
        .await;
        if op["progress"].as_i64().unwrap_or(0) >= 35 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let other = call(
        base,
        "POST",
        &format!("/api/v1/operations/{op_id}/cancel"),
        Some(&app.tenant(2)),
        None,
        &[],
    )
    .await;
    assert_eq!(other.status, 403, "{}", other.body);
    let cancelled = expect(
        base,
        "POST",
        &format!("/api/v1/operations/{op_id}/cancel"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "FAILED");
    assert_eq!(cancelled["errorMsg"], "Operation cancelled by tenant1");
    let running = cancelled["actionStatusList"]
        .as_array()
        .and_then(|a| a.last())
        .expect("action");
    assert_eq!(
        (running["status"].as_str(), running["errorMsg"].as_str()),
        (Some("FAILED"), Some("Operation cancelled by tenant1"))
    );
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM events WHERE aggregate_id = $1")
            .bind(&vm_id)
            .fetch_one(&app.pool)
            .await
            .expect("count")
    };
    let after_cancel = count().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        count().await,
        after_cancel,
        "the runner records nothing after the cancel"
    );
    refused(
        base,
        "POST",
        &format!("/api/v1/operations/{op_id}/cancel"),
        &tenant,
        None,
        409,
        "OPERATION_FINISHED",
    )
    .await;
    refused(
        base,
        "GET",
        &format!("/mec/developer/v2/operations/{}", uuid::Uuid::new_v4()),
        &tenant,
        None,
        404,
        "OPERATION_NOT_FOUND",
    )
    .await;
    // The half-made instance is removed by clean-env, after which a launch is allowed again.
    let clean = expect(
        base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/action/clean-env"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        finished(base, &tenant, clean["operationId"].as_str().expect("op")).await["status"],
        "SUCCESS"
    );
    launch(base, &tenant, &app_id, &vm_id).await;
}

/// A port in the LCM range (30000-32000) that is free now.
fn free_lcm_port() -> u16 {
    for port in 30_000 + (std::process::id() % 1500) as u16..32_000 {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between 30000 and 32000");
}

struct SimProcess(std::process::Child);

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl SimProcess {
    /// Starts `edgedev sim lcm` on a free port of the LCM range, with `pending_polls` "in
    /// progress" answers before each poll ends; returns it and its port.
    async fn start(pending_polls: u32) -> (Self, u16) {
        use std::io::{BufRead, BufReader};
        let port = free_lcm_port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"))
            .args(["sim", "lcm", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("simulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("listening line");
        assert!(line.contains("listening"), "{line}");
        let sim = SimProcess(child);
        let plan = call(
            &format!("http://127.0.0.1:{port}"),
            "PUT",
            "/simulator/plan",
            None,
            Some(&json!({ "pendingPolls": pending_polls })),
            &[],
        )
        .await;
        assert_eq!(plan.status, 204);
        (sim, port)
    }
}

/// The environment of a server process that talks to real (HTTP) LCM controllers.
fn http_lcm_env(database: &str, poll_ms: u32) -> [(&'static str, Option<String>); 4] {
    [
        ("DATABASE_URL", Some(database.to_owned())),
        ("EDGEDEV_LCM", Some("http".to_owned())),
        ("EDGEDEV_OPERATION_POLL_MS", Some(poll_ms.to_string())),
        (
            "EDGEDEV_SECRET_KEY",
            Some("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_owned()),
        ),
    ]
}

#[actix_web::test]
async fn a_launch_resumes_after_kill_9_over_the_http_client() {
    let (sim, port) = SimProcess::start(40).await;
    let database = fresh_database().await;
    let env = http_lcm_env(&database, 50);
    let mut server = ServerProcess::start(&env);
    let admin = crate::helpers::token_for("admin-1", "admin", domain::Role::Admin);
    let tenant = crate::helpers::token_for("tenant-1", "tenant1", domain::Role::Tenant);
    let host = post_host(
        &server.base,
        &admin,
        host_body("sandbox-http", "127.0.0.1", port, "10.6.0.2"),
    )
    .await;
    let (app_id, vm_id) = configured_vm(
        &server.base,
        &tenant,
        "resume-app",
        host["id"].as_str().expect("id"),
    )
    .await;
    let started = launch(&server.base, &tenant, &app_id, &vm_id).await;
    let op_id = started["operationId"].as_str().expect("op").to_owned();
    let mut progress = 0;
    for _ in 0..400 {
        let op = expect(
            &server.base,
            "GET",
            &format!("/mec/developer/v2/operations/{op_id}"),
            &tenant,
            None,
            200,
        )
        .await;
        progress = op["progress"].as_i64().unwrap_or(0);
        if progress >= 65 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        (65..100).contains(&progress),
        "killed while instantiating, at {progress}"
    );
    server.kill();
    let pool = sqlx::PgPool::connect(&database).await.expect("connect");
    let status: String =
        sqlx::query_scalar("SELECT status FROM tbl_operation_status WHERE id = $1")
            .bind(&op_id)
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_eq!(status, "ONGOING", "the crash left the operation unfinished");

    let restarted = ServerProcess::start(&env);
    let op = finished(&restarted.base, &tenant, &op_id).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    let info = &vm_view(&restarted.base, &tenant, &app_id, &vm_id).await["vmInstantiateInfo"];
    assert_eq!(info["status"], "SUCCESS");
    assert!(
        info["vmInstanceId"]
            .as_str()
            .is_some_and(|v| v.starts_with("vm-")),
        "{info}"
    );
    // Each step was recorded once: one start per action, one instantiate acceptance.
    let starts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE aggregate_id = $1 AND event_type = 'ActionStarted'",
    )
    .bind(&vm_id)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(starts, 3);
    // The console comes from the simulator over HTTP too.
    let console = expect(
        &restarted.base,
        "GET",
        &format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}/action/vnc"),
        &tenant,
        None,
        200,
    )
    .await;
    assert!(
        console["vncUrl"]
            .as_str()
            .is_some_and(|u| u.contains("10.6.0.2:6080")),
        "{console}"
    );
    drop(sim);
}

#[actix_web::test]
async fn sandbox_hosts_are_checked_like_the_original() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    let base = app.base.as_str();
    let before = app.event_count().await;
    let cases: Vec<(String, Value, u16, Option<u64>)> = vec![
        (
            "a tenant".into(),
            host_body("sandbox-x", "10.3.0.1", 30204, "10.3.0.2"),
            403,
            Some(20014),
        ),
        (
            "missing planes".into(),
            {
                let mut b = host_body("sandbox-x", "10.3.0.1", 30204, "10.3.0.2");
                b["networkParameter"] = json!("VDU1_APP_Plane01_IP=192.168.1.0/24");
                b
            },
            400,
            Some(20023),
        ),
        (
            "a plane that is no CIDR".into(),
            {
                let mut b = host_body("sandbox-x", "10.3.0.1", 30204, "10.3.0.2");
                b["networkParameter"] = json!(PLANES.replace("192.168.222.0/24", "192.168.222.1"));
                b
            },
            400,
            Some(20023),
        ),
        (
            "lcmPort out of range".into(),
            host_body("sandbox-x", "10.3.0.1", 8080, "10.3.0.2"),
            400,
            Some(20002),
        ),
        (
            "a short name".into(),
            host_body("sbx", "10.3.0.1", 30204, "10.3.0.2"),
            400,
            Some(20002),
        ),
        (
            "LCM unhealthy".into(),
            host_body("sandbox-x", "10.3.0.9", 30204, "10.3.0.2"),
            503,
            Some(20009),
        ),
        (
            "LCM refuses the host".into(),
            host_body("sandbox-x", "10.3.0.8", 30204, "10.3.0.2"),
            503,
            Some(20028),
        ),
    ];
    expect(
        base,
        "PUT",
        "/api/v1/simulators/lcm/10.3.0.9",
        &admin,
        Some(&json!({"fail": "health"})),
        204,
    )
    .await;
    expect(
        base,
        "PUT",
        "/api/v1/simulators/lcm/10.3.0.8",
        &admin,
        Some(&json!({"fail": "registerHost"})),
        204,
    )
    .await;
    for (case, body, status, ret_code) in cases {
        let token = if case == "a tenant" { &tenant } else { &admin };
        let reply = call(
            base,
            "POST",
            "/mec/developer/v2/mephosts",
            Some(token),
            Some(&body),
            &[],
        )
        .await;
        assert_eq!(reply.status, status, "{case}: {}", reply.body);
        assert_eq!(
            reply.body["retCode"].as_u64(),
            ret_code,
            "{case}: {}",
            reply.body
        );
    }
    assert_eq!(
        app.event_count().await,
        before,
        "a refused host changes nothing"
    );

    let k8s = json!({"name": "k8s-sandbox", "lcmIp": "10.3.1.1", "lcmPort": 31252, "architecture": "ARM",
        "mecHostIp": "10.3.1.2", "vimType": "K8S"});
    expect(
        base,
        "POST",
        "/mec/developer/v2/mephosts",
        &admin,
        Some(&k8s),
        201,
    )
    .await;
    let vm_host = post_host(
        base,
        &admin,
        host_body("openstack-1", "10.3.2.1", 30204, "10.3.2.2"),
    )
    .await;
    let id = vm_host["id"].as_str().expect("id");
    let only_k8s = expect(
        base,
        "GET",
        "/mec/developer/v2/mephosts?vimType=K8S",
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        (
            only_k8s["total"].as_i64(),
            only_k8s["results"][0]["name"].as_str()
        ),
        (Some(1), Some("k8s-sandbox"))
    );
    let others = expect(
        base,
        "GET",
        "/mec/developer/v2/mephosts?vimType=OpenStack&architecture=x86",
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        (
            others["total"].as_i64(),
            others["results"][0]["name"].as_str()
        ),
        (Some(1), Some("openstack-1"))
    );

    // An update without a password keeps the sealed one.
    let sealed = || async {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT password FROM tbl_service_host WHERE host_id = $1",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("row")
    };
    let before_update = sealed().await.expect("a sealed password");
    assert!(before_update.starts_with("enc:v1:") && !before_update.contains("host-pass"));
    let mut changed = host_body("openstack-renamed", "10.3.2.1", 30204, "10.3.2.2");
    changed
        .as_object_mut()
        .expect("object")
        .remove("mecHostPassword");
    let updated = expect(
        base,
        "PUT",
        &format!("/mec/developer/v2/mephosts/{id}"),
        &admin,
        Some(&changed),
        200,
    )
    .await;
    assert_eq!(
        (
            updated["name"].as_str(),
            updated["mecHostPassword"].as_str()
        ),
        (Some("openstack-renamed"), Some("******"))
    );
    assert_eq!(sealed().await.as_deref(), Some(before_update.as_str()));
    let by_tenant = call(
        base,
        "PUT",
        &format!("/mec/developer/v2/mephosts/{id}"),
        Some(&tenant),
        Some(&changed),
        &[],
    )
    .await;
    assert_eq!(by_tenant.status, 403);
    expect(
        base,
        "DELETE",
        &format!("/mec/developer/v2/mephosts/{id}"),
        &admin,
        None,
        200,
    )
    .await;
    refused(
        base,
        "GET",
        &format!("/mec/developer/v2/mephosts/{id}"),
        &tenant,
        None,
        404,
        "MEPHOST_NOT_FOUND",
    )
    .await;
}

#[actix_web::test]
async fn networks_and_vms_refuse_bad_input_and_other_callers() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    let base = app.base.as_str();
    let container = expect(
        base,
        "POST",
        "/mec/developer/v2/applications",
        &tenant,
        Some(&app_body("container-app")),
        201,
    )
    .await;
    let container_id = container["id"].as_str().expect("id");
    refused(
        base,
        "POST",
        &format!("/mec/developer/v2/applications/{container_id}/networks"),
        &tenant,
        Some(&json!({"name": "net-a"})),
        409,
        "NOT_A_VM_APPLICATION",
    )
    .await;

    let host = post_host(
        base,
        &admin,
        host_body("sandbox-del", "10.4.0.1", 30204, "10.4.0.2"),
    )
    .await;
    let (app_id, vm_id) =
        configured_vm(base, &tenant, "vm-rules", host["id"].as_str().expect("id")).await;
    let apps = format!("/mec/developer/v2/applications/{app_id}");
    let before = app.event_count().await;
    let good_vm = json!({"name": "vm-9", "flavorId": "f", "imageId": 3, "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}]});
    type Case<'a> = (
        &'a str,
        String,
        &'a str,
        Value,
        Option<&'a str>,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "bad network name",
            format!("{apps}/networks"),
            "POST",
            json!({"name": "bad name!"}),
            None,
            400,
            "INVALID_FIELD",
        ),
        (
            "duplicate network",
            format!("{apps}/networks"),
            "POST",
            json!({"name": "MEC_APP_N6"}),
            None,
            409,
            "DUPLICATE_NETWORK",
        ),
        (
            "port on no network",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-2", "flavorId": "f", "imageId": 1, "portList": [{"name": "eth0", "networkName": "nowhere"}]}),
            None,
            400,
            "UNKNOWN_NETWORK",
        ),
        (
            "no flavor",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-2", "imageId": 1}),
            None,
            400,
            "INVALID_FIELD",
        ),
        (
            "password missing",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-2", "flavorId": "f", "imageId": 1, "vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {"username": "u"}}}),
            None,
            400,
            "INVALID_FIELD",
        ),
        (
            "duplicate vm name",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-1", "flavorId": "f", "imageId": 1}),
            None,
            409,
            "DUPLICATE_VM",
        ),
        (
            "another tenant",
            format!("{apps}/vms"),
            "POST",
            good_vm.clone(),
            Some("other"),
            403,
            "FORBIDDEN",
        ),
        (
            "a guest",
            format!("{apps}/networks"),
            "POST",
            json!({"name": "net-b"}),
            Some("guest"),
            403,
            "FORBIDDEN",
        ),
        (
            "unknown vm",
            format!("{apps}/vms/{}", uuid::Uuid::new_v4()),
            "PUT",
            good_vm.clone(),
            None,
            404,
            "VM_NOT_FOUND",
        ),
        (
            "export without instance",
            format!("{apps}/vms/{vm_id}/action/export-image"),
            "POST",
            Value::Null,
            None,
            409,
            "VM_NOT_INSTANTIATED",
        ),
        (
            "vnc without instance",
            format!("{apps}/vms/{vm_id}/action/vnc"),
            "GET",
            Value::Null,
            None,
            409,
            "VM_NOT_INSTANTIATED",
        ),
    ];
    let other = app.tenant(2);
    let guest = app.token("guest-1", "guest", domain::Role::Guest);
    for (case, path, method, body, who, status, code) in cases {
        let token = match who {
            Some("other") => &other,
            Some("guest") => &guest,
            _ => &tenant,
        };
        let body = (!body.is_null()).then_some(&body);
        let reply = call(base, method, &path, Some(token), body, &[]).await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (status, Some(code)),
            "{case}: {}",
            reply.body
        );
    }
    assert_eq!(
        app.event_count().await,
        before,
        "refused requests change nothing"
    );
    let foreign = call(base, "GET", &format!("{apps}/vms"), Some(&other), None, &[]).await;
    assert_eq!(foreign.status, 403);

    // PUT without a password keeps the sealed one.
    let sealed = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT pwd_certificate FROM tbl_vm_certificate WHERE vm_id = $1",
        )
        .bind(&vm_id)
        .fetch_one(&app.pool)
        .await
        .expect("row")
    };
    let first = sealed().await;
    let update = json!({"name": "vm-1", "flavorId": "flavor-large", "imageId": 7, "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}],
        "vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {"username": "ubuntu", "password": "******"}}});
    let updated = expect(
        base,
        "PUT",
        &format!("{apps}/vms/{vm_id}"),
        &tenant,
        Some(&update),
        200,
    )
    .await;
    assert_eq!(updated["flavorId"], "flavor-large");
    assert_eq!(sealed().await, first);

    // Deleting a deployed VM cleans it off the host first.
    let started = expect(
        base,
        "POST",
        &format!("{apps}/vms/{vm_id}/action/launch"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        finished(base, &tenant, started["operationId"].as_str().expect("op")).await["status"],
        "SUCCESS"
    );
    expect(
        base,
        "DELETE",
        &format!("{apps}/vms/{vm_id}"),
        &tenant,
        None,
        200,
    )
    .await;
    let held: i64 =
        sqlx::query_scalar("SELECT count(*) FROM unique_reservations WHERE scope = 'host.address'")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(held, 0, "the deleted VM's addresses are free");
    let cleaned: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE aggregate_id = $1 AND event_type = 'InstanceCleaned'",
    )
    .bind(&vm_id)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(cleaned, 1);
    let gone = call(
        base,
        "GET",
        &format!("{apps}/vms/{vm_id}"),
        Some(&tenant),
        None,
        &[],
    )
    .await;
    assert_eq!(gone.status, 404);
    let networks = expect(base, "GET", &format!("{apps}/networks"), &tenant, None, 200).await;
    let n6 = networks
        .as_array()
        .expect("list")
        .iter()
        .find(|n| n["name"] == "MEC_APP_N6")
        .expect("n6");
    expect(
        base,
        "DELETE",
        &format!("{apps}/networks/{}", n6["id"].as_str().expect("id")),
        &tenant,
        None,
        200,
    )
    .await;
}

#[actix_web::test]
async fn two_server_processes_never_drive_one_operation_twice() {
    // Launches long enough (about a second) that the other process's 3 s sweeps meet them.
    let (_sim, port) = SimProcess::start(15).await;
    let database = fresh_database().await;
    let env = http_lcm_env(&database, 30);
    let servers = [ServerProcess::start(&env), ServerProcess::start(&env)];
    let admin = crate::helpers::token_for("admin-1", "admin", domain::Role::Admin);
    let tenant = crate::helpers::token_for("tenant-1", "tenant1", domain::Role::Tenant);
    let host = expect(
        &servers[0].base,
        "POST",
        "/mec/developer/v2/mephosts",
        &admin,
        Some(&host_body("sandbox-two", "127.0.0.1", port, "10.7.0.2")),
        201,
    )
    .await;
    let host_id = host["id"].as_str().expect("id").to_owned();
    let mut operations = Vec::new();
    for n in 0..6 {
        let server = &servers[n % 2];
        let (app_id, vm_id) =
            configured_vm(&server.base, &tenant, &format!("two-{n}"), &host_id).await;
        let started = launch(&server.base, &tenant, &app_id, &vm_id).await;
        operations.push(started["operationId"].as_str().expect("op").to_owned());
    }
    for (n, op) in operations.iter().enumerate() {
        let done = finished(&servers[(n + 1) % 2].base, &tenant, op).await;
        assert_eq!(done["status"], "SUCCESS", "{done}");
    }
    let pool = sqlx::PgPool::connect(&database).await.expect("connect");
    let repeated: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT coalesce(payload->>'operationId', aggregate_id), event_type || ':' || coalesce(payload->>'action', '') || ':' || coalesce(payload->>'progress', ''), count(*) \
         FROM events WHERE event_type IN ('ActionStarted', 'ActionProgressed', 'ActionSucceeded', 'AddressesAllocated', 'OperationSucceeded') \
         GROUP BY 1, 2 HAVING count(*) > 1",
    )
    .fetch_all(&pool)
    .await
    .expect("query");
    assert!(
        repeated.is_empty(),
        "every step is recorded once: {repeated:?}"
    );
    // Some process did find operations it could not lease: the exclusion was exercised.
    let mut busy = 0.0;
    for server in &servers {
        let metrics = call(&server.base, "GET", "/metrics", None, None, &[]).await;
        busy += metrics
            .body
            .as_str()
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("edgedev_operation_leases_busy_total "))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
    }
    assert!(
        busy > 0.0,
        "no process ever met an operation another one held"
    );
    let ips: Vec<String> =
        sqlx::query_scalar("SELECT ip_address FROM tbl_vm_port_instantiate_info")
            .fetch_all(&pool)
            .await
            .expect("ips");
    let unique: std::collections::BTreeSet<&String> = ips.iter().collect();
    assert_eq!(unique.len(), ips.len(), "{ips:?}");
}

#[actix_web::test]
async fn a_failed_export_is_recorded_and_can_be_retried() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    let base = app.base.as_str();
    let host = post_host(
        base,
        &admin,
        host_body("sandbox-export", "10.2.0.1", 30204, "10.2.0.2"),
    )
    .await;
    let (app_id, vm_id) = configured_vm(
        base,
        &tenant,
        "export-app",
        host["id"].as_str().expect("id"),
    )
    .await;
    let vm_path = format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}");
    let started = expect(
        base,
        "POST",
        &format!("{vm_path}/action/launch"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        finished(base, &tenant, started["operationId"].as_str().expect("op")).await["status"],
        "SUCCESS"
    );
    for (fail, error, actions) in [
        (
            "createImage",
            "create image failed",
            vec!["Create Image:FAILED"],
        ),
        ("image", "query image failed", vec!["Create Image:FAILED"]),
    ] {
        expect(
            base,
            "PUT",
            "/api/v1/simulators/lcm/10.2.0.1",
            &admin,
            Some(&json!({"fail": fail})),
            204,
        )
        .await;
        let started = expect(
            base,
            "POST",
            &format!("{vm_path}/action/export-image"),
            &tenant,
            None,
            200,
        )
        .await;
        let op = finished(base, &tenant, started["operationId"].as_str().expect("op")).await;
        assert_eq!(op["status"], "FAILED", "{fail}: {op}");
        assert!(
            op["errorMsg"]
                .as_str()
                .is_some_and(|m| m.starts_with(error)),
            "{fail}: {op}"
        );
        assert_eq!(statuses(&op), actions, "{fail}");
        let view = vm_view(base, &tenant, &app_id, &vm_id).await;
        assert_eq!(
            view["imageExportInfo"]["status"], "FAILED",
            "{fail}: {view}"
        );
        assert_eq!(
            view["imageExportInfo"]["operationId"],
            started["operationId"]
        );
        assert_eq!(
            view["status"], "DEPLOYED",
            "a failed export leaves the VM deployed"
        );
    }
    expect(
        base,
        "PUT",
        "/api/v1/simulators/lcm/10.2.0.1",
        &admin,
        Some(&json!({})),
        204,
    )
    .await;
    let started = expect(
        base,
        "POST",
        &format!("{vm_path}/action/export-image"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        finished(base, &tenant, started["operationId"].as_str().expect("op")).await["status"],
        "SUCCESS"
    );
    let view = vm_view(base, &tenant, &app_id, &vm_id).await;
    assert_eq!(
        (
            view["status"].as_str(),
            view["imageExportInfo"]["status"].as_str()
        ),
        (Some("EXPORTED"), Some("SUCCESS"))
    );
}
