//! An application's MEC rules: traffic and DNS rules declared, listed, replaced and removed by the
//! owner (or an admin); ids unique per application; addresses, ports and enumerations checked,
//! each refusal naming the field by its path and changing nothing; an application's deletion
//! removes its rules; a rebuild of the rule tables equals their incremental rows.

use serde_json::{json, Value};

use crate::helpers::{app_body, spawn_app, wait_caught_up, TestApp};

fn rules(app_id: &str, kind: &str) -> String {
    format!("/mec/developer/v2/applications/{app_id}/appconfiguration/{kind}")
}

fn traffic_rule(id: &str) -> Value {
    json!({"trafficRuleId": id, "action": "drop", "priority": 1, "filterType": "flow",
           "trafficFilter": [{"srcAddress": ["192.168.1.0/24"], "dstAddress": [], "srcPort": ["8080", "9000-9100"],
                              "dstPort": [], "protocol": ["ANY"], "tag": [], "qCI": 1, "dSCP": 0, "tC": 1}],
           "dstInterface": [{"interfaceType": "TUNNEL", "tunnelInfo": {"tunnelType": "GTP_U",
                              "tunnelDstAddress": "", "tunnelSrcAddress": "", "tunnelSpecificData": ""},
                             "srcMacAddress": "", "dstMacAddress": "", "dstIpAddress": ""}]})
}

fn dns_rule(id: &str) -> Value {
    json!({"dnsRuleId": id, "domainName": "app.example.com", "ipAddressType": "IP_V4",
           "ipAddress": "10.0.0.1", "ttl": 60})
}

async fn new_app(app: &TestApp, token: &str, name: &str) -> String {
    let created = app.create_app(token, &app_body(name)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

#[actix_web::test]
async fn traffic_rules_are_declared_replaced_and_removed_by_the_owner() {
    let app = spawn_app().await;
    let (alice, bob) = (app.tenant(1), app.tenant(2));
    let id = new_app(&app, &alice, "rules-app").await;
    let path = rules(&id, "trafficrules");
    let added = app
        .request(
            "POST",
            &path,
            Some(&alice),
            Some(&traffic_rule("rule-1")),
            &[],
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(
        (&added.body["action"], &added.body["filterType"]),
        (&json!("DROP"), &json!("FLOW"))
    );
    let listed = app.request("GET", &path, Some(&alice), None, &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));
    assert_eq!(
        listed.body[0]["trafficFilter"][0]["srcPort"],
        json!(["8080", "9000-9100"])
    );
    assert_eq!(listed.body[0]["priority"], json!(1));

    let events = app.event_count().await;
    let duplicate = app
        .request(
            "POST",
            &path,
            Some(&alice),
            Some(&traffic_rule("rule-1")),
            &[],
        )
        .await;
    assert_eq!(
        (duplicate.status, duplicate.body["code"].as_str()),
        (409, Some("DUPLICATE_RULE"))
    );
    let mut bad = traffic_rule("rule-2");
    for (field, value, path_of_field) in [
        (
            "srcAddress",
            json!(["192.168.1.0/33"]),
            "trafficFilter[0].srcAddress[0]",
        ),
        (
            "srcPort",
            json!(["8080", "70000"]),
            "trafficFilter[0].srcPort[1]",
        ),
    ] {
        bad["trafficFilter"][0][field] = value;
        let reply = app
            .request("POST", &path, Some(&alice), Some(&bad), &[])
            .await;
        assert_eq!(
            (
                reply.status,
                reply.body["code"].as_str(),
                reply.body["params"][0].as_str()
            ),
            (400, Some("INVALID_FIELD"), Some(path_of_field)),
            "{}",
            reply.body
        );
        bad = traffic_rule("rule-2");
    }
    bad["action"] = json!("ALLOW");
    let reply = app
        .request("POST", &path, Some(&alice), Some(&bad), &[])
        .await;
    assert_eq!(
        (reply.status, reply.body["params"][0].as_str()),
        (400, Some("action"))
    );
    let foreign = app
        .request(
            "POST",
            &path,
            Some(&bob),
            Some(&traffic_rule("rule-3")),
            &[],
        )
        .await;
    assert_eq!(foreign.status, 403);
    let foreign_list = app.request("GET", &path, Some(&bob), None, &[]).await;
    assert_eq!(foreign_list.status, 403);
    assert_eq!(app.event_count().await, events, "refusals change nothing");

    let mut changed = traffic_rule("ignored");
    changed["priority"] = json!(7);
    let updated = app
        .request(
            "PUT",
            &format!("{path}/rule-1"),
            Some(&alice),
            Some(&changed),
            &[],
        )
        .await;
    assert_eq!(
        (
            updated.status,
            &updated.body["priority"],
            &updated.body["trafficRuleId"]
        ),
        (200, &json!(7), &json!("rule-1"))
    );
    let missing = app
        .request(
            "PUT",
            &format!("{path}/rule-9"),
            Some(&alice),
            Some(&changed),
            &[],
        )
        .await;
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (404, Some("RULE_NOT_FOUND"))
    );
    let listed = app.request("GET", &path, Some(&alice), None, &[]).await;
    assert_eq!(listed.body[0]["priority"], json!(7));
    let removed = app
        .request("DELETE", &format!("{path}/rule-1"), Some(&alice), None, &[])
        .await;
    assert_eq!((removed.status, &removed.body), (200, &json!(true)));
    let listed = app.request("GET", &path, Some(&alice), None, &[]).await;
    assert_eq!(listed.body, json!([]));
}

#[actix_web::test]
async fn dns_rules_check_their_address_against_its_type() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let id = new_app(&app, &alice, "dns-app").await;
    let path = rules(&id, "dnsrules");
    let added = app
        .request("POST", &path, Some(&alice), Some(&dns_rule("dns-1")), &[])
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let mut v6 = dns_rule("dns-2");
    v6["ipAddress"] = json!("fe80::1");
    let reply = app
        .request("POST", &path, Some(&alice), Some(&v6), &[])
        .await;
    assert_eq!(
        (reply.status, reply.body["params"][0].as_str()),
        (400, Some("ipAddress"))
    );
    v6["ipAddressType"] = json!("ip_v6");
    let reply = app
        .request("POST", &path, Some(&alice), Some(&v6), &[])
        .await;
    assert_eq!(
        (reply.status, &reply.body["ipAddressType"]),
        (201, &json!("IP_V6"))
    );
    let listed = app.request("GET", &path, Some(&alice), None, &[]).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(2));
    assert_eq!(listed.body[0]["ttl"], json!(60));
    let bad_path = app
        .request(
            "DELETE",
            &format!("{path}/bad%20id"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(bad_path.status, 400);
}

#[actix_web::test]
async fn deleting_the_application_removes_its_rules_and_a_rebuild_equals_the_incremental_rows() {
    let app = spawn_app().await;
    let alice = app.tenant(1);
    let kept = new_app(&app, &alice, "kept-app").await;
    let gone = new_app(&app, &alice, "gone-app").await;
    for app_id in [&kept, &gone] {
        for n in 0..2 {
            let t = app
                .request(
                    "POST",
                    &rules(app_id, "trafficrules"),
                    Some(&alice),
                    Some(&traffic_rule(&format!("t{n}"))),
                    &[],
                )
                .await;
            assert_eq!(t.status, 201, "{}", t.body);
            let d = app
                .request(
                    "POST",
                    &rules(app_id, "dnsrules"),
                    Some(&alice),
                    Some(&dns_rule(&format!("d{n}"))),
                    &[],
                )
                .await;
            assert_eq!(d.status, 201, "{}", d.body);
        }
    }
    let mut changed = dns_rule("d0");
    changed["domainName"] = json!("changed.example.com");
    assert_eq!(
        app.request(
            "PUT",
            &format!("{}/d0", rules(&kept, "dnsrules")),
            Some(&alice),
            Some(&changed),
            &[]
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.request(
            "DELETE",
            &format!("{}/t1", rules(&kept, "trafficrules")),
            Some(&alice),
            None,
            &[]
        )
        .await
        .status,
        200
    );
    let deleted = app
        .request(
            "DELETE",
            &format!("/mec/developer/v2/applications/{gone}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    wait_caught_up(&app.pool).await;
    let traffic = app
        .rows("tbl_app_traffic_rule", "app_id, traffic_rule_id")
        .await;
    let dns = app.rows("tbl_app_dns_rule", "app_id, dns_rule_id").await;
    assert_eq!((traffic.len(), dns.len()), (1, 2));
    assert!(dns
        .iter()
        .any(|r| r["domain_name"] == json!("changed.example.com")));
    app.pool
        .execute("DELETE FROM tbl_app_dns_rule", &[])
        .await
        .expect("tamper");
    app.pool
        .execute("UPDATE tbl_app_traffic_rule SET priority = 99", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("app_configuration")
        .await
        .expect("rebuild");
    assert_eq!(
        app.rows("tbl_app_traffic_rule", "app_id, traffic_rule_id")
            .await,
        traffic
    );
    assert_eq!(
        app.rows("tbl_app_dns_rule", "app_id, dns_rule_id").await,
        dns
    );
}
