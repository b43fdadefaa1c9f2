//! Launching, exporting, cleaning and cancelling: the failure matrix of reference section 7,
//! flows 3 and 5 of section 8, cancel, and a failed export and its retry.

use super::*;

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
    let image = crate::helpers::vm_image_for(base, &tenant).await;
    let second = json!({"name": "vm-2", "flavorId": FLAVOR, "imageId": image, "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}]});
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
    // The console goes through the host's reverse proxy route (to the host's port 6080).
    wait_caught_up(&app.pool).await;
    let proxies = app.rows("tbl_reverse_proxy", "id").await;
    let route = proxies
        .iter()
        .find(|r| r["dest_host_id"] == host_id.as_str())
        .expect("the host's reverse proxy route");
    assert_eq!(route["dest_host_port"], 6080);
    let through = format!(
        "https://simulated-proxy:{}/vnc_auto.html?",
        route["proxy_port"]
    );
    assert!(
        console["vncUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with(&through) && u.contains("token")),
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
    // The exported image, beside the two made for the VMs to name.
    assert_eq!(listed["totalCount"], 3);
    let exported = listed["imageList"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|i| i["id"] == image_id)
        .count();
    assert_eq!(exported, 1, "{listed}");
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

    // Another tenant learns nothing of the deployed VMs: 403, not the 409 naming them.
    let intruder = app.tenant(2);
    let denied = refused(
        base,
        "DELETE",
        &format!("/mec/developer/v2/applications/{app_id}"),
        &intruder,
        None,
        403,
        "FORBIDDEN",
    )
    .await;
    assert!(!denied.to_string().contains("vm-1"), "{denied}");

    // The host holds the instance's addresses: it is not deleted while they live.
    refused(
        base,
        "DELETE",
        &format!("/mec/developer/v2/mephosts/{host_id}"),
        &admin,
        None,
        409,
        "HOST_IN_USE",
    )
    .await;

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
    let held: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM unique_reservations WHERE scope = 'host.address'",
            &[],
        )
        .await
        .and_then(db::scalar)
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
    let leaks: i64 = app.pool.query_one("SELECT count(*) FROM events WHERE payload::text LIKE '%Sup3r-secret%' OR metadata::text LIKE '%Sup3r-secret%'", &[]).await.and_then(db::scalar).expect("count");
    assert_eq!(leaks, 0);
    let stored: String = app
        .pool
        .query_one(
            "SELECT pwd_certificate FROM tbl_vm_certificate WHERE vm_id = $1",
            &[&vm_id],
        )
        .await
        .and_then(db::scalar)
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
    app.pool.batch("UPDATE tbl_operation_status SET status = 'TAMPERED'; DELETE FROM tbl_action_status; DELETE FROM tbl_vm_port")
        .await.expect("tamper");
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
        app.pool
            .query_one(
                "SELECT count(*) FROM events WHERE aggregate_id = $1",
                &[&vm_id],
            )
            .await
            .and_then(db::scalar::<i64>)
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
