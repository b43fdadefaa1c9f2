//! Operations across real server processes and the LCM simulator process: kill -9 resume over
//! the HTTP client, and two servers never driving one operation twice.

use super::*;

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
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    let status: String = pool
        .query_one(
            "SELECT status FROM tbl_operation_status WHERE id = $1",
            &[&op_id],
        )
        .await
        .and_then(db::scalar)
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
    let starts: i64 = pool
        .query_one(
            "SELECT count(*) FROM events WHERE aggregate_id = $1 AND event_type = 'ActionStarted'",
            &[&vm_id],
        )
        .await
        .and_then(db::scalar)
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
            .is_some_and(|u| u.starts_with("https://simulated-proxy:30200/vnc_auto.html")),
        "{console}"
    );
    drop(sim);
}

#[actix_web::test]
async fn a_container_launch_resumes_after_kill_9_over_the_http_client() {
    let (sim, port) = SimProcess::start(40).await;
    let database = fresh_database().await;
    let env = http_lcm_env(&database, 50);
    let mut server = ServerProcess::start(&env);
    let admin = crate::helpers::token_for("admin-1", "admin", domain::Role::Admin);
    let tenant = crate::helpers::token_for("tenant-1", "tenant1", domain::Role::Tenant);
    let mut host = super::containers::k8s_host("k8s-sandbox-http", "127.0.0.1", "10.6.1.2");
    host["lcmPort"] = json!(port);
    let host = post_host(&server.base, &admin, host).await;
    let app_id =
        super::containers::charted_app(&server.base, &tenant, "resume-shop", host["id"].as_str())
            .await;
    let op_id = super::containers::launch_containers(&server.base, &tenant, &app_id).await;
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
    let restarted = ServerProcess::start(&env);
    let op = finished(&restarted.base, &tenant, &op_id).await;
    assert_eq!(op["status"], "SUCCESS", "{op}");
    let shown = super::containers::detail(&restarted.base, &tenant, &app_id).await;
    let info = &shown["containerApp"]["instantiateInfo"];
    let pods: Vec<&str> = info["pods"]
        .as_array()
        .expect("pods")
        .iter()
        .filter_map(|p| p["podName"].as_str())
        .collect();
    assert_eq!(
        pods,
        ["shop-0", "shop-1"],
        "the pods came over HTTP: {info}"
    );
    assert_eq!(
        info["serviceList"][0]["servicePortList"][0]["nodePort"],
        json!("30000")
    );
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    let starts: i64 = pool
        .query_one(
            "SELECT count(*) FROM events WHERE aggregate_type = 'container' AND aggregate_id = $1 \
             AND event_type = 'ActionStarted'",
            &[&app_id],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(starts, 3, "each action started once");
    drop(sim);
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
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    let repeated: Vec<(String, String, i64)> = pool.query("SELECT coalesce(payload->>'operationId', aggregate_id), event_type || ':' || coalesce(payload->>'action', '') || ':' || coalesce(payload->>'progress', ''), count(*) \
         FROM events WHERE event_type IN ('ActionStarted', 'ActionProgressed', 'ActionSucceeded', 'AddressesAllocated', 'OperationSucceeded') \
         GROUP BY 1, 2 HAVING count(*) > 1", &[]).await.and_then(db::rows_as)
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
    let ips: Vec<String> = pool
        .query("SELECT ip_address FROM tbl_vm_port_instantiate_info", &[])
        .await
        .and_then(db::scalars)
        .expect("ips");
    let unique: std::collections::BTreeSet<&String> = ips.iter().collect();
    assert_eq!(unique.len(), ips.len(), "{ips:?}");
}
