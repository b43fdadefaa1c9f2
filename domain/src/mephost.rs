//! The MepHost aggregate: a sandbox edge host that admins register (reference 1.8), with the
//! original's field rules, its network parameters (the plane CIDRs addresses are allocated from)
//! and its sealed login. `mecHostIp` is unique across hosts (a reservation).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::identity::Actor;
use crate::ports::LcmEndpoint;
use crate::secret::Sealed;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique `mecHostIp`.
pub const MEC_HOST_IP: &str = "mephost.mec_host_ip";

/// The plane keys every non-K8S host must give as CIDRs.
pub const REQUIRED_PLANES: [&str; 3] = [
    "VDU1_APP_Plane01_IP",
    "VDU1_APP_Plane02_IP",
    "VDU1_APP_Plane03_IP",
];
/// An optional fourth plane.
pub const OPTIONAL_PLANE: &str = "VDU1_APP_Plane04_IP";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MepHostError {
    #[error("name must be 6-50 characters")]
    Name,
    #[error("{0} must be an IPv4 address")]
    Ip(&'static str),
    #[error("{0} must be http or https")]
    Protocol(&'static str),
    #[error("lcmPort must be between 30000 and 32000")]
    LcmPort,
    #[error("mecHostPort must be between 1 and 65535")]
    MecHostPort,
    #[error("architecture must be X86 or ARM")]
    Architecture,
    #[error("status must be NORMAL, BUSY or STOP")]
    Status,
    #[error("vimType must be OpenStack, K8S or FusionSphere")]
    VimType,
    #[error("networkParameter: {0}")]
    NetworkParameter(String),
    #[error("{0} is too long")]
    TooLong(&'static str),
    #[error("the host does not exist")]
    NotFound,
    #[error("a host with this id already exists")]
    AlreadyExists,
    #[error("userId is empty or not admin!")]
    Forbidden,
}

/// A host's validated fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MepHostFields {
    pub name: String,
    pub lcm_ip: String,
    pub lcm_protocol: String,
    pub lcm_port: u16,
    pub architecture: String,
    pub status: String,
    pub mec_host_ip: String,
    pub mec_host_protocol: String,
    pub vim_type: String,
    pub mec_host_user_name: Option<String>,
    /// Sealed; on update `None` keeps the current one.
    pub mec_host_password: Option<Sealed>,
    pub mec_host_port: u16,
    pub config_id: Option<String>,
    pub network_parameter: String,
    pub resource: Option<String>,
    pub address: Option<String>,
}

fn pick(text: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(text.trim()))
        .copied()
}

impl MepHostFields {
    /// Checks every rule and normalises the enumerations' spelling.
    pub fn validated(mut self) -> Result<Self, MepHostError> {
        let name_len = self.name.trim().chars().count();
        if !(6..=50).contains(&name_len) {
            return Err(MepHostError::Name);
        }
        for (value, field) in [(&self.lcm_ip, "lcmIp"), (&self.mec_host_ip, "mecHostIp")] {
            if value.trim().parse::<Ipv4Addr>().is_err() {
                return Err(MepHostError::Ip(field));
            }
        }
        self.lcm_protocol = pick(&self.lcm_protocol, &["http", "https"])
            .ok_or(MepHostError::Protocol("lcmProtocol"))?
            .to_owned();
        self.mec_host_protocol = pick(&self.mec_host_protocol, &["http", "https"])
            .ok_or(MepHostError::Protocol("mecHostProtocol"))?
            .to_owned();
        if !(30000..=32000).contains(&self.lcm_port) {
            return Err(MepHostError::LcmPort);
        }
        if self.mec_host_port == 0 {
            return Err(MepHostError::MecHostPort);
        }
        self.architecture = pick(&self.architecture, &["X86", "ARM"])
            .ok_or(MepHostError::Architecture)?
            .to_owned();
        self.status = pick(&self.status, &["NORMAL", "BUSY", "STOP"])
            .ok_or(MepHostError::Status)?
            .to_owned();
        self.vim_type = pick(&self.vim_type, &["OpenStack", "K8S", "FusionSphere"])
            .ok_or(MepHostError::VimType)?
            .to_owned();
        for (value, field, max) in [
            (&self.mec_host_user_name, "mecHostUserName", 50),
            (&self.config_id, "configId", 255),
            (&self.address, "address", 255),
            (&self.resource, "resource", 65_536),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                return Err(MepHostError::TooLong(field));
            }
        }
        let params = parse_network_parameter(&self.network_parameter)?;
        if self.vim_type != "K8S" {
            for key in REQUIRED_PLANES {
                let value = params.get(key).ok_or_else(|| {
                    MepHostError::NetworkParameter(format!(
                        "{key} is required for a {} host",
                        self.vim_type
                    ))
                })?;
                Cidr::parse(value).ok_or_else(|| {
                    MepHostError::NetworkParameter(format!(
                        "{key} must be a CIDR like 192.168.1.0/24"
                    ))
                })?;
            }
            if let Some(value) = params.get(OPTIONAL_PLANE) {
                Cidr::parse(value).ok_or_else(|| {
                    MepHostError::NetworkParameter(format!("{OPTIONAL_PLANE} must be a CIDR"))
                })?;
            }
        }
        self.name = self.name.trim().to_owned();
        Ok(self)
    }

    pub fn lcm(&self) -> LcmEndpoint {
        LcmEndpoint {
            protocol: self.lcm_protocol.clone(),
            ip: self.lcm_ip.clone(),
            port: self.lcm_port,
        }
    }
}

/// Parses `k=v;k=v` (blank parts ignored).
pub fn parse_network_parameter(text: &str) -> Result<BTreeMap<String, String>, MepHostError> {
    let mut map = BTreeMap::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| MepHostError::NetworkParameter(format!("'{part}' is not key=value")))?;
        map.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(map)
}

/// An IPv4 range `a.b.c.d/n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: u32,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (ip, prefix) = text.trim().split_once('/')?;
        let prefix: u8 = prefix.parse().ok()?;
        if !(8..=30).contains(&prefix) {
            return None;
        }
        let ip: u32 = ip.parse::<Ipv4Addr>().ok()?.into();
        let mask = u32::MAX << (32 - prefix);
        Some(Cidr {
            network: ip & mask,
            prefix,
        })
    }

    /// The first usable address: the default gateway.
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network + 1)
    }

    /// Addresses a VM may take: after the gateway, before the broadcast address.
    pub fn assignable(&self) -> impl Iterator<Item = Ipv4Addr> {
        let size = 1u64 << (32 - self.prefix);
        let first = u64::from(self.network) + 2;
        let last = u64::from(self.network) + size - 2;
        (first..=last).map(|a| Ipv4Addr::from(a as u32))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MepHostCommand {
    pub actor: Actor,
    pub action: MepHostAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MepHostAction {
    Register(MepHostFields),
    Update(MepHostFields),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum MepHostEvent {
    MepHostRegistered {
        fields: MepHostFields,
        user_id: String,
    },
    MepHostUpdated {
        fields: MepHostFields,
    },
    MepHostDeleted {},
}

crate::wire_names!(MepHostEvent => MepHostEventKind {
    MepHostRegistered = "1",
    MepHostUpdated = "1",
    MepHostDeleted = "1",
});

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MepHost {
    pub fields: Option<MepHostFields>,
    pub user_id: String,
    pub deleted: bool,
}

impl Aggregate for MepHost {
    const TYPE: &'static str = "mephost";
    type Command = MepHostCommand;
    type Event = MepHostEvent;
    type Error = MepHostError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if !command.actor.is_admin() {
            return Err(MepHostError::Forbidden);
        }
        let event = match command.action {
            MepHostAction::Register(fields) => {
                if self.fields.is_some() || self.deleted {
                    return Err(MepHostError::AlreadyExists);
                }
                MepHostEvent::MepHostRegistered {
                    fields,
                    user_id: command.actor.user_id,
                }
            }
            MepHostAction::Update(mut fields) => {
                let current = self.fields.as_ref().ok_or(MepHostError::NotFound)?;
                if fields.mec_host_password.is_none() {
                    fields.mec_host_password = current.mec_host_password.clone();
                }
                if *current == fields {
                    return Ok(());
                }
                MepHostEvent::MepHostUpdated { fields }
            }
            MepHostAction::Delete => {
                self.fields.as_ref().ok_or(MepHostError::NotFound)?;
                MepHostEvent::MepHostDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            MepHostEvent::MepHostRegistered { fields, user_id } => {
                self.fields = Some(fields);
                self.user_id = user_id;
            }
            MepHostEvent::MepHostUpdated { fields } => self.fields = Some(fields),
            MepHostEvent::MepHostDeleted {} => {
                self.fields = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for MepHost {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.fields
            .iter()
            .map(|f| UniqueKey {
                scope: MEC_HOST_IP,
                key: f.mec_host_ip.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
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
}
