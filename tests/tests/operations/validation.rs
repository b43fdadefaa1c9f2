//! Sandbox hosts checked like the original, and networks and VMs refusing bad input and other
//! callers.

use super::*;

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
        app.pool
            .query_one(
                "SELECT password FROM tbl_service_host WHERE host_id = $1",
                &[&id],
            )
            .await
            .and_then(db::scalar::<Option<String>>)
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
    let image = crate::helpers::vm_image_for(base, &tenant).await;
    let foreign_image = crate::helpers::vm_image_for(base, &app.tenant(2)).await;
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
    let good_vm = json!({"name": "vm-9", "flavorId": FLAVOR, "imageId": image, "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}]});
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
            json!({"name": "vm-2", "flavorId": FLAVOR, "imageId": image, "portList": [{"name": "eth0", "networkName": "nowhere"}]}),
            None,
            400,
            "UNKNOWN_NETWORK",
        ),
        (
            "unknown image",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-2", "flavorId": FLAVOR, "imageId": 999_999}),
            None,
            400,
            "UNKNOWN_VM_IMAGE",
        ),
        (
            "another tenant's private image",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-2", "flavorId": FLAVOR, "imageId": foreign_image}),
            None,
            400,
            "UNKNOWN_VM_IMAGE",
        ),
        (
            "no flavor",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-2", "imageId": image}),
            None,
            400,
            "INVALID_FIELD",
        ),
        (
            "password missing",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-2", "flavorId": FLAVOR, "imageId": image, "vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {"username": "u"}}}),
            None,
            400,
            "INVALID_FIELD",
        ),
        (
            "duplicate vm name",
            format!("{apps}/vms"),
            "POST",
            json!({"name": "vm-1", "flavorId": FLAVOR, "imageId": image}),
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
    // A bad body is refused for itself, before a stale If-Match is compared.
    let networks = call(
        base,
        "GET",
        &format!("{apps}/networks"),
        Some(&tenant),
        None,
        &[],
    )
    .await;
    let network_id = networks.body[0]["id"].as_str().expect("a default network");
    for (path, body) in [
        (
            format!("{apps}/vms/{vm_id}"),
            json!({"name": "bad name!", "flavorId": FLAVOR, "imageId": image}),
        ),
        (
            format!("{apps}/networks/{network_id}"),
            json!({"name": "bad name!"}),
        ),
    ] {
        let reply = call(
            base,
            "PUT",
            &path,
            Some(&tenant),
            Some(&body),
            &[("if-match", "\"999\"")],
        )
        .await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some("INVALID_FIELD")),
            "PUT {path}: {}",
            reply.body
        );
    }
    assert_eq!(app.event_count().await, before);
    let foreign = call(base, "GET", &format!("{apps}/vms"), Some(&other), None, &[]).await;
    assert_eq!(foreign.status, 403);

    // PUT without a password keeps the sealed one.
    let sealed = || async {
        app.pool
            .query_one(
                "SELECT pwd_certificate FROM tbl_vm_certificate WHERE vm_id = $1",
                &[&vm_id],
            )
            .await
            .and_then(db::scalar::<String>)
            .expect("row")
    };
    let first = sealed().await;
    let update = json!({"name": "vm-1", "flavorId": LARGER_FLAVOR, "imageId": image, "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}],
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
    assert_eq!(updated["flavorId"], LARGER_FLAVOR);
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
    let held: i64 = app
        .pool
        .query_one(
            "SELECT count(*) FROM unique_reservations WHERE scope = 'host.address'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("count");
    assert_eq!(held, 0, "the deleted VM's addresses are free");
    let cleaned: i64 = app.pool.query_one("SELECT count(*) FROM events WHERE aggregate_id = $1 AND event_type = 'InstanceCleaned'", &[&vm_id]).await.and_then(db::scalar)
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
