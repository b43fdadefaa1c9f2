//! Specs of the rule checks: canonical spellings, and each broken field named by its path.
use super::*;

/// Breaks one field of a valid rule.
type Breaker = Box<dyn Fn(&mut TrafficRule)>;

fn rule() -> TrafficRule {
    TrafficRule {
        traffic_rule_id: "rule-1".into(),
        action: "drop".into(),
        priority: 1,
        filter_type: "flow".into(),
        traffic_filter: vec![TrafficFilter {
            src_address: vec!["192.168.1.0/24".into(), "fe80::1".into()],
            src_port: vec!["8080".into(), "9000-9100".into()],
            protocol: vec!["ANY".into()],
            q_ci: Some(1),
            ..TrafficFilter::default()
        }],
        dst_interface: vec![DstInterface {
            interface_type: "tunnel".into(),
            tunnel_info: Some(TunnelInfo {
                tunnel_type: "gtp_u".into(),
                ..TunnelInfo::default()
            }),
            ..DstInterface::default()
        }],
    }
}

#[test]
fn a_valid_rule_comes_back_canonical() {
    let r = rule().validated().expect("valid");
    assert_eq!(
        (r.action.as_str(), r.filter_type.as_str()),
        ("DROP", "FLOW")
    );
    assert_eq!(r.dst_interface[0].interface_type, "TUNNEL");
}

#[test]
fn each_broken_field_is_named_by_its_path() {
    let cases: Vec<(Breaker, &str)> = vec![
        (
            Box::new(|r| r.traffic_rule_id = "a b".into()),
            "trafficRuleId",
        ),
        (Box::new(|r| r.action = "ALLOW".into()), "action"),
        (Box::new(|r| r.priority = 256), "priority"),
        (
            Box::new(|r| r.traffic_filter[0].src_address[0] = "192.168.1.0/33".into()),
            "trafficFilter[0].srcAddress[0]",
        ),
        (
            Box::new(|r| r.traffic_filter[0].src_address[1] = "300.1.1.1".into()),
            "trafficFilter[0].srcAddress[1]",
        ),
        (
            Box::new(|r| r.traffic_filter[0].src_port[1] = "9100-9000".into()),
            "trafficFilter[0].srcPort[1]",
        ),
        (
            Box::new(|r| r.traffic_filter[0].src_port[0] = "65536".into()),
            "trafficFilter[0].srcPort[0]",
        ),
        (
            Box::new(|r| r.traffic_filter[0].d_scp = Some(64)),
            "trafficFilter[0].dSCP",
        ),
        (
            Box::new(|r| r.dst_interface[0].dst_mac_address = "00:11:22".into()),
            "dstInterface[0].dstMacAddress",
        ),
    ];
    for (break_it, field) in cases {
        let mut r = rule();
        break_it(&mut r);
        assert_eq!(r.validated().map_err(|e| e.field), Err(field.to_owned()));
    }
}

#[test]
fn a_dns_rule_address_must_match_its_type() {
    let dns = DnsRule {
        dns_rule_id: "dns-1".into(),
        domain_name: "app.example.com".into(),
        ip_address_type: "ip_v4".into(),
        ip_address: "10.0.0.1".into(),
        ttl: 60,
    };
    assert_eq!(
        dns.clone().validated().map(|d| d.ip_address_type),
        Ok("IP_V4".to_owned())
    );
    let v6 = DnsRule {
        ip_address: "::1".into(),
        ..dns.clone()
    };
    assert_eq!(
        v6.validated().map_err(|e| e.field),
        Err("ipAddress".to_owned())
    );
    let bad = DnsRule {
        domain_name: "-bad-.com".into(),
        ..dns
    };
    assert_eq!(
        bad.validated().map_err(|e| e.field),
        Err("domainName".to_owned())
    );
}
