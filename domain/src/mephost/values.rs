//! Validated values of a sandbox host: its fields with the original's rules, the network
//! parameter (plane name -> CIDR) and CIDR arithmetic for address allocation.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::error::MepHostError;
use crate::ports::LcmEndpoint;
use crate::secret::Sealed;

/// The plane keys every non-K8S host must give as CIDRs.
pub const REQUIRED_PLANES: [&str; 3] = [
    "VDU1_APP_Plane01_IP",
    "VDU1_APP_Plane02_IP",
    "VDU1_APP_Plane03_IP",
];
/// An optional fourth plane.
pub const OPTIONAL_PLANE: &str = "VDU1_APP_Plane04_IP";

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
    /// The reverse proxy's port to the host's VNC consoles (non-K8S hosts), set by the write side
    /// after it registered the route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_proxy: Option<HostProxy>,
}

/// A reverse proxy route to a host: `proxy_port` forwards to the host's `dest_host_port`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostProxy {
    pub dest_host_port: u16,
    pub proxy_port: u16,
}

/// The port of a host's VNC consoles (OpenStack's noVNC), which its reverse proxy route targets.
pub const VNC_PORT: u16 = 6080;

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
        // Kept as parsed: no surrounding spaces, the canonical spelling.
        for (value, field) in [
            (&mut self.lcm_ip, "lcmIp"),
            (&mut self.mec_host_ip, "mecHostIp"),
        ] {
            let ip: Ipv4Addr = value.trim().parse().map_err(|_| MepHostError::Ip(field))?;
            *value = ip.to_string();
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
