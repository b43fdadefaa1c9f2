//! Sandbox hosts, VMs and their long-running operations through the HTTP API, and the helpers
//! the flows share.
//!
//! - [`containers`]: container applications launched on K8S hosts, the failure matrix.
//! - [`launch`]: the failure matrix of reference section 7, flows 3 and 5 of section 8, cancel,
//!   a failed export and its retry.
//! - [`processes`]: real server processes and `edgedev sim lcm`: kill -9 resume over the HTTP
//!   client, two servers never driving one operation twice.
//! - [`validation`]: sandbox host checks, and networks and VMs refusing bad input and other
//!   callers.

mod containers;
mod launch;
mod processes;
mod validation;

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    app_body, call, fresh_database, spawn_app_with, vm_image_for, wait_caught_up, ServerProcess,
    TestApp, FLAVOR, LARGER_FLAVOR,
};

const PLANES: &str = "VDU1_APP_Plane01_IP=192.168.220.0/24;VDU1_APP_Plane02_IP=192.168.221.0/24;VDU1_APP_Plane03_IP=192.168.222.0/24";
pub(crate) const PASSWORD: &str = "Sup3r-secret'pw\"";

pub(crate) async fn fast_app() -> TestApp {
    spawn_app_with(|c| c.operations.poll = Duration::from_millis(20)).await
}

pub(crate) fn host_body(name: &str, lcm_ip: &str, lcm_port: u16, mec_ip: &str) -> Value {
    json!({
        "name": name, "lcmIp": lcm_ip, "lcmProtocol": "http", "lcmPort": lcm_port, "architecture": "X86",
        "status": "NORMAL", "mecHostIp": mec_ip, "vimType": "OpenStack", "mecHostUserName": "root",
        "mecHostPassword": "host-pass", "networkParameter": PLANES, "address": "Xi'an"
    })
}

/// Calls `base` and asserts the status.
pub(crate) async fn expect(
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
pub(crate) async fn configured_vm(
    base: &str,
    token: &str,
    name: &str,
    host_id: &str,
) -> (String, String) {
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
    let image = vm_image_for(base, token).await;
    let vm = json!({
        "name": "vm-1", "flavorId": FLAVOR, "imageId": image, "userData": "#!/bin/sh\necho hi",
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
pub(crate) async fn refused(
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
pub(crate) async fn post_host(base: &str, admin: &str, body: Value) -> Value {
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
pub(crate) async fn launch(base: &str, tenant: &str, app_id: &str, vm_id: &str) -> Value {
    let path = format!("/mec/developer/v2/applications/{app_id}/vms/{vm_id}/action/launch");
    expect(base, "POST", &path, tenant, None, 200).await
}

/// Polls the operation until it ends (bounded) and returns it.
pub(crate) async fn finished(base: &str, token: &str, operation_id: &str) -> Value {
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
