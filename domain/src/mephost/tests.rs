//! Given/when/then specs of the MepHost aggregate.

use super::*;

fn fields() -> MepHostFields {
    MepHostFields {
        name: "sandbox-1".into(),
        lcm_ip: "10.0.0.1".into(),
        lcm_protocol: "HTTP".into(),
        lcm_port: 30204,
        architecture: "x86".into(),
        status: "normal".into(),
        mec_host_ip: "10.0.0.2".into(),
        mec_host_protocol: "http".into(),
        vim_type: "openstack".into(),
        mec_host_user_name: None,
        mec_host_password: None,
        mec_host_port: 22,
        config_id: None,
        reverse_proxy: None,
        network_parameter: "VDU1_APP_Plane01_IP=192.168.220.0/24;VDU1_APP_Plane02_IP=192.168.221.0/24;VDU1_APP_Plane03_IP=192.168.222.0/24".into(),
        resource: None,
        address: None,
    }
}

#[test]
fn valid_fields_are_normalised() {
    let f = fields().validated().expect("valid");
    assert_eq!(
        (
            f.lcm_protocol.as_str(),
            f.architecture.as_str(),
            f.status.as_str(),
            f.vim_type.as_str()
        ),
        ("http", "X86", "NORMAL", "OpenStack")
    );
}

#[test]
fn each_rule_rejects() {
    type Change = Box<dyn Fn(&mut MepHostFields)>;
    let cases: Vec<(Change, MepHostError)> = vec![
        (Box::new(|f| f.name = "short".into()), MepHostError::Name),
        (Box::new(|f| f.lcm_port = 8080), MepHostError::LcmPort),
        (
            Box::new(|f| f.mec_host_ip = "host".into()),
            MepHostError::Ip("mecHostIp"),
        ),
        (
            Box::new(|f| f.vim_type = "VMware".into()),
            MepHostError::VimType,
        ),
    ];
    for (change, expected) in cases {
        let mut f = fields();
        change(&mut f);
        assert_eq!(f.validated(), Err(expected));
    }
    let mut f = fields();
    f.network_parameter = "VDU1_APP_Plane01_IP=192.168.220.0/24".into();
    assert!(matches!(
        f.validated(),
        Err(MepHostError::NetworkParameter(_))
    ));
    let mut f = fields();
    f.vim_type = "K8S".into();
    f.network_parameter = String::new();
    assert!(f.validated().is_ok(), "K8S hosts need no planes");
}

#[test]
fn a_cidr_assigns_addresses_after_its_gateway() {
    let cidr = Cidr::parse("192.168.220.7/29").expect("cidr");
    assert_eq!(cidr.gateway().to_string(), "192.168.220.1");
    let all: Vec<String> = cidr.assignable().map(|a| a.to_string()).collect();
    assert_eq!(all.first().map(String::as_str), Some("192.168.220.2"));
    assert_eq!(all.last().map(String::as_str), Some("192.168.220.6"));
    assert_eq!(all.len(), 5);
    assert!(Cidr::parse("192.168.1.0").is_none());
}

#[test]
fn addresses_are_kept_as_parsed_without_their_spaces() {
    let mut spaced = fields();
    spaced.lcm_ip = "  10.7.1.1      ".into();
    spaced.mec_host_ip = " 10.7.1.2".into();
    let f = spaced.validated().expect("valid");
    assert_eq!(f.lcm_ip, "10.7.1.1");
    assert_eq!(f.mec_host_ip, "10.7.1.2");
    assert_eq!(f.lcm().base_url(), "http://10.7.1.1:30204");
}
