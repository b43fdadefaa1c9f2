//! Container applications on K8S sandboxes: the whole flow (chart, host, launch, detail,
//! clean-env, launch again), the failure matrix of the container launch, refusals, and the
//! projections' rebuild.

use super::*;
use crate::helm_charts::tgz;
use crate::helpers::send_form;

const SHOP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n        - name: cache\n          image: redis:7\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop-svc\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      targetPort: 8080\n";

fn shop_chart() -> Vec<u8> {
    tgz(&[
        (
            "shop/Chart.yaml",
            b"apiVersion: v2\nname: shop\nversion: 0.2.0\n",
        ),
        ("shop/values.yaml", b"replicas: 2\n"),
        ("shop/templates/shop.yaml", SHOP.as_bytes()),
    ])
}

pub(super) fn k8s_host(name: &str, lcm_ip: &str, mec_ip: &str) -> Value {
    let mut body = host_body(name, lcm_ip, 30204, mec_ip);
    body["vimType"] = json!("K8S");
    body["networkParameter"] = json!("");
    body
}

/// A container application of `token` with the shop chart, its K8S host selected: its id.
pub(super) async fn charted_app(
    base: &str,
    token: &str,
    name: &str,
    host_id: Option<&str>,
) -> String {
    let mut body = app_body(name);
    body["appClass"] = json!("CONTAINER");
    let created = expect(
        base,
        "POST",
        "/mec/developer/v2/applications",
        token,
        Some(&body),
        201,
    )
    .await;
    let app_id = created["id"].as_str().expect("id").to_owned();
    let charts = format!("/mec/developer/v2/applications/{app_id}/helmcharts");
    let form = vec![("file", Some("shop.tgz".to_owned()), shop_chart())];
    let uploaded = send_form(base, "POST", &charts, token, &form).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    if let Some(host) = host_id {
        expect(
            base,
            "PUT",
            &format!("/mec/developer/v2/applications/{app_id}/action/sel-mephost"),
            token,
            Some(&json!({"mepHostId": host})),
            200,
        )
        .await;
    }
    app_id
}

pub(super) async fn launch_containers(base: &str, token: &str, app_id: &str) -> String {
    let path = format!("/mec/developer/v2/applications/{app_id}/containers/action/launch");
    let started = expect(base, "POST", &path, token, None, 200).await;
    started["operationId"]
        .as_str()
        .expect("operation")
        .to_owned()
}

pub(super) async fn detail(base: &str, token: &str, app_id: &str) -> Value {
    expect(
        base,
        "GET",
        &format!("/mec/developer/v2/applications/{app_id}/detail"),
        token,
        None,
        200,
    )
    .await
}

#[actix_web::test]
async fn a_container_app_is_launched_shown_cleaned_and_launched_again() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    let host = post_host(
        &app.base,
        &admin,
        k8s_host("k8s-host-1", "10.88.0.1", "10.88.1.1"),
    )
    .await;
    let host_id = host["id"].as_str().expect("host id");
    let app_id = charted_app(&app.base, &tenant, "shop-app", Some(host_id)).await;
    let op = finished(
        &app.base,
        &tenant,
        &launch_containers(&app.base, &tenant, &app_id).await,
    )
    .await;
    assert_eq!(op["status"], json!("SUCCESS"), "{op}");
    assert_eq!(op["operationName"], json!("ContainerApp launch"));
    assert_eq!(op["progress"], json!(100));
    assert_eq!(
        statuses(&op),
        [
            "Build Application Package:SUCCESS",
            "Distribute Application Package:SUCCESS",
            "Instantiate Application:SUCCESS"
        ]
    );
    let shown = detail(&app.base, &tenant, &app_id).await;
    assert_eq!(shown["vmApp"], Value::Null);
    let container_app = &shown["containerApp"];
    assert_eq!(container_app["helmChartList"][0]["name"], json!("shop.tgz"));
    let info = &container_app["instantiateInfo"];
    assert_eq!(info["status"], json!("SUCCESS"), "{info}");
    assert_eq!(info["operationId"], op["id"]);
    assert_eq!(info["distributedMecHost"], json!("10.88.1.1"));
    let pods = info["pods"].as_array().expect("pods");
    let names: Vec<&str> = pods.iter().filter_map(|p| p["podName"].as_str()).collect();
    assert_eq!(names, ["shop-0", "shop-1"]);
    for pod in pods {
        assert_eq!(pod["podStatus"], json!("Running"));
        let containers: Vec<&str> = pod["containerList"]
            .as_array()
            .expect("containers")
            .iter()
            .filter_map(|c| c["containerName"].as_str())
            .collect();
        assert_eq!(containers, ["cache", "web"]);
        assert!(
            pod["eventsInfo"]
                .as_str()
                .is_some_and(|e| e.contains("Started container web")),
            "{pod}"
        );
    }
    let service = &info["serviceList"][0];
    assert_eq!(
        (service["name"].as_str(), service["type"].as_str()),
        (Some("shop-svc"), Some("NodePort"))
    );
    assert_eq!(service["servicePortList"][0]["port"], json!("80"));
    assert_eq!(service["servicePortList"][0]["targetPort"], json!("8080"));
    assert_eq!(service["servicePortList"][0]["nodePort"], json!("30000"));
    let ssh = expect(
        &app.base,
        "GET",
        &format!("/mec/developer/v2/applications/{app_id}/containers/action/ssh"),
        &tenant,
        None,
        200,
    )
    .await;
    assert!(
        ssh["sshUrl"]
            .as_str()
            .is_some_and(|u| u.contains("hostname=10.88.1.1")),
        "{ssh}"
    );

    let again = format!("/mec/developer/v2/applications/{app_id}/containers/action/launch");
    refused(
        &app.base,
        "POST",
        &again,
        &tenant,
        None,
        409,
        "APP_INSTANTIATED",
    )
    .await;
    wait_caught_up(&app.pool).await;
    let tables = [
        ("tbl_container_app_instantiate_info", "app_id"),
        ("tbl_k8s_pod_instantiate_info", "name"),
        ("tbl_container_instantiate_info", "pod_name, name"),
        ("tbl_k8s_service_instantiate_info", "name"),
        ("tbl_k8s_service_port_instantiate_info", "port"),
    ];
    let mut before = Vec::new();
    for (table, order) in tables {
        before.push(app.rows(table, order).await);
    }
    assert_eq!(before[2].len(), 4, "two pods of two containers each");
    app.pool
        .execute("DELETE FROM tbl_k8s_pod_instantiate_info", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("container_instances")
        .await
        .expect("rebuild");
    for ((table, order), rows) in tables.iter().zip(&before) {
        assert_eq!(
            &app.rows(table, order).await,
            rows,
            "{table} after a rebuild"
        );
    }
    let logs = app.rows("tbl_host_log", "log_id").await;
    assert!(logs
        .iter()
        .any(|l| l["operation"] == json!("deploy") && l["project_id"] == json!(app_id)));

    let clean = expect(
        &app.base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/action/clean-env"),
        &tenant,
        None,
        200,
    )
    .await;
    let cleaned = finished(
        &app.base,
        &tenant,
        clean["operationId"].as_str().expect("op"),
    )
    .await;
    assert_eq!(cleaned["status"], json!("SUCCESS"), "{cleaned}");
    let shown = detail(&app.base, &tenant, &app_id).await;
    assert_eq!(
        shown["containerApp"]["instantiateInfo"],
        Value::Null,
        "{shown}"
    );
    assert_eq!(shown["status"], json!("CONFIGURED"));
    wait_caught_up(&app.pool).await;
    assert!(app
        .rows("tbl_k8s_pod_instantiate_info", "name")
        .await
        .is_empty());
    let relaunched = finished(
        &app.base,
        &tenant,
        &launch_containers(&app.base, &tenant, &app_id).await,
    )
    .await;
    assert_eq!(relaunched["status"], json!("SUCCESS"), "{relaunched}");
}

#[actix_web::test]
async fn a_container_launch_is_refused_without_chart_host_or_k8s_and_to_others() {
    let app = fast_app().await;
    let (admin, tenant, other) = (app.admin(), app.tenant(1), app.tenant(2));
    let openstack = post_host(
        &app.base,
        &admin,
        host_body("openstack-1", "10.89.0.1", 30204, "10.89.1.1"),
    )
    .await;
    let mut body = app_body("bare-app");
    body["appClass"] = json!("CONTAINER");
    let bare = expect(
        &app.base,
        "POST",
        "/mec/developer/v2/applications",
        &tenant,
        Some(&body),
        201,
    )
    .await;
    let launch_of =
        |id: &str| format!("/mec/developer/v2/applications/{id}/containers/action/launch");
    let bare_id = bare["id"].as_str().expect("id");
    let no_host = charted_app(&app.base, &tenant, "hostless-app", None).await;
    let on_openstack = charted_app(&app.base, &tenant, "os-app", openstack["id"].as_str()).await;
    let vm_app = expect(
        &app.base,
        "POST",
        "/mec/developer/v2/applications",
        &tenant,
        Some(&vm_app_body("vm-app")),
        201,
    )
    .await;
    let events = app.event_count().await;
    refused(
        &app.base,
        "POST",
        &launch_of(bare_id),
        &tenant,
        None,
        409,
        "NO_HELM_CHART",
    )
    .await;
    refused(
        &app.base,
        "POST",
        &launch_of(&no_host),
        &tenant,
        None,
        400,
        "NO_SANDBOX_HOST",
    )
    .await;
    let body = refused(
        &app.base,
        "POST",
        &launch_of(&on_openstack),
        &tenant,
        None,
        400,
        "NO_SANDBOX_HOST",
    )
    .await;
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains("K8S")),
        "{body}"
    );
    let forbidden = call(
        &app.base,
        "POST",
        &launch_of(&on_openstack),
        Some(&other),
        None,
        &[],
    )
    .await;
    assert_eq!(forbidden.status, 403);
    refused(
        &app.base,
        "POST",
        &launch_of(vm_app["id"].as_str().expect("id")),
        &tenant,
        None,
        409,
        "NOT_A_CONTAINER_APPLICATION",
    )
    .await;
    assert_eq!(
        app.event_count().await,
        events,
        "refused launches record nothing"
    );
    let ssh = format!("/mec/developer/v2/applications/{no_host}/containers/action/ssh");
    refused(
        &app.base,
        "GET",
        &ssh,
        &tenant,
        None,
        409,
        "APP_NOT_INSTANTIATED",
    )
    .await;
}

#[actix_web::test]
async fn the_failure_matrix_of_a_container_launch() {
    let app = spawn_app_with(|c| {
        c.operations.poll = Duration::from_millis(20);
        c.operations.deadlines.instantiate = Duration::from_millis(600);
    })
    .await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    // (row, simulator plan, error starts with, actions, instantiate status)
    let rows: &[(&str, Value, &str, &[&str], &str)] = &[
        ("upload fails", json!({"fail": "upload"}), "upload package to lcm failed", &["Build Application Package:SUCCESS", "Distribute Application Package:FAILED"], "PACKAGE_DISTRIBUTE_FAILED"),
        ("distribute fails", json!({"fail": "distribute"}), "distribute package failed", &["Build Application Package:SUCCESS", "Distribute Application Package:FAILED"], "PACKAGE_DISTRIBUTE_FAILED"),
        ("distribute query fails", json!({"fail": "distribution"}), "query distribute status failed", &["Build Application Package:SUCCESS", "Distribute Application Package:FAILED"], "PACKAGE_DISTRIBUTE_FAILED"),
        ("distribution killed", json!({"distributionStatus": "killed"}), "distribute package failed on host", &["Build Application Package:SUCCESS", "Distribute Application Package:FAILED"], "PACKAGE_DISTRIBUTE_FAILED"),
        ("instantiate fails", json!({"fail": "instantiate"}), "instantiate failed", &["Build Application Package:SUCCESS", "Distribute Application Package:SUCCESS", "Instantiate Application:FAILED"], "INSTANTIATE_FAILED"),
        ("workload query fails", json!({"fail": "workload"}), "query workload status failed", &["Build Application Package:SUCCESS", "Distribute Application Package:SUCCESS", "Instantiate Application:FAILED"], "INSTANTIATE_FAILED"),
        ("workload fails", json!({"workloadStatus": "Failure"}), "instantiate failed: simulated workload Failure", &["Build Application Package:SUCCESS", "Distribute Application Package:SUCCESS", "Instantiate Application:FAILED"], "INSTANTIATE_FAILED"),
        ("workload events fail", json!({"fail": "workloadEvents"}), "query workload events failed", &["Build Application Package:SUCCESS", "Distribute Application Package:SUCCESS", "Instantiate Application:FAILED"], "INSTANTIATE_FAILED"),
        ("a pod never runs", json!({"podStatus": "CrashLoopBackOff"}), "instantiate timed out: pods not running: shop-0 (CrashLoopBackOff), shop-1 (CrashLoopBackOff)", &["Build Application Package:SUCCESS", "Distribute Application Package:SUCCESS", "Instantiate Application:FAILED"], "INSTANTIATE_FAILED"),
    ];
    for (i, (row, plan, error, actions, info_status)) in rows.iter().enumerate() {
        let lcm_ip = format!("10.90.0.{}", i + 1);
        let mut plan = plan.clone();
        plan["pendingPolls"] = json!(1);
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
            k8s_host(
                &format!("k8s-host-{i}"),
                &lcm_ip,
                &format!("10.91.0.{}", i + 1),
            ),
        )
        .await;
        let app_id = charted_app(
            &app.base,
            &tenant,
            &format!("matrix-{i}"),
            host["id"].as_str(),
        )
        .await;
        let op = finished(
            &app.base,
            &tenant,
            &launch_containers(&app.base, &tenant, &app_id).await,
        )
        .await;
        assert_eq!(op["status"], json!("FAILED"), "{row}: {op}");
        assert!(
            op["errorMsg"]
                .as_str()
                .is_some_and(|m| m.starts_with(error)),
            "{row}: {}",
            op["errorMsg"]
        );
        assert_eq!(statuses(&op), *actions, "{row}");
        let shown = detail(&app.base, &tenant, &app_id).await;
        let info = &shown["containerApp"]["instantiateInfo"];
        assert_eq!(info["status"], json!(info_status), "{row}: {info}");
        assert_eq!(
            info["pods"],
            json!([]),
            "{row}: a failed launch records no pods"
        );
        let again = format!("/mec/developer/v2/applications/{app_id}/containers/action/launch");
        refused(
            &app.base,
            "POST",
            &again,
            &tenant,
            None,
            409,
            "APP_INSTANTIATED",
        )
        .await;
    }
}

#[actix_web::test]
async fn a_cancelled_container_launch_ends_for_good_and_clean_env_lets_it_launch_again() {
    let app = fast_app().await;
    let (admin, tenant) = (app.admin(), app.tenant(1));
    expect(
        &app.base,
        "PUT",
        "/api/v1/simulators/lcm/10.92.0.1",
        &admin,
        Some(&json!({"pendingPolls": 1000000})),
        204,
    )
    .await;
    let host = post_host(
        &app.base,
        &admin,
        k8s_host("k8s-cancel", "10.92.0.1", "10.92.1.1"),
    )
    .await;
    let app_id = charted_app(&app.base, &tenant, "cancel-shop", host["id"].as_str()).await;
    let op_id = launch_containers(&app.base, &tenant, &app_id).await;
    for _ in 0..200 {
        let op = expect(
            &app.base,
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
    let cancel = format!("/api/v1/operations/{op_id}/cancel");
    let foreign = call(&app.base, "POST", &cancel, Some(&app.tenant(2)), None, &[]).await;
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    let cancelled = expect(&app.base, "POST", &cancel, &tenant, None, 200).await;
    assert_eq!(cancelled["status"], json!("FAILED"));
    assert_eq!(
        cancelled["errorMsg"],
        json!("Operation cancelled by tenant1")
    );
    refused(
        &app.base,
        "POST",
        &cancel,
        &tenant,
        None,
        409,
        "OPERATION_FINISHED",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let op = expect(
        &app.base,
        "GET",
        &format!("/mec/developer/v2/operations/{op_id}"),
        &tenant,
        None,
        200,
    )
    .await;
    assert_eq!(
        op["status"],
        json!("FAILED"),
        "the runner does not take it up again: {op}"
    );
    let again = format!("/mec/developer/v2/applications/{app_id}/containers/action/launch");
    refused(
        &app.base,
        "POST",
        &again,
        &tenant,
        None,
        409,
        "APP_INSTANTIATED",
    )
    .await;
    let clean = expect(
        &app.base,
        "POST",
        &format!("/mec/developer/v2/applications/{app_id}/action/clean-env"),
        &tenant,
        None,
        200,
    )
    .await;
    let cleaned = finished(
        &app.base,
        &tenant,
        clean["operationId"].as_str().expect("op"),
    )
    .await;
    assert_eq!(cleaned["status"], json!("SUCCESS"), "{cleaned}");
    expect(&app.base, "POST", &again, &tenant, None, 200).await;
}
