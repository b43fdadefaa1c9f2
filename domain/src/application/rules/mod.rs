//! The MEC traffic and DNS rules an application declares (reference 1.2; ETSI MEC 011's
//! TrafficRule and DnsRule): their shapes and rules. Addresses are IP addresses or CIDR blocks,
//! ports numbers or ranges, enumerations the standard's; unused text fields may be empty, as the
//! original's UI sends them. A broken rule names the field by its JSON path.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

mod checks;

pub use checks::check_rule_id;
use checks::{
    in_range, is_address, is_address_or_block, is_mac, is_port_or_range, list, one_of, optional,
    text,
};

/// A rule id's and a list's bounds.
pub const MAX_RULE_ID: usize = 255;
pub(crate) const MAX_ITEMS: usize = 32;
pub(crate) const MAX_TEXT: usize = 255;

pub const ACTIONS: [&str; 6] = [
    "DROP",
    "FORWARD_DECAPSULATED",
    "FORWARD_ENCAPSULATED",
    "PASSTHROUGH",
    "DUPLICATE_DECAPSULATED",
    "DUPLICATE_ENCAPSULATED",
];
pub const FILTER_TYPES: [&str; 2] = ["FLOW", "PACKET"];
pub const INTERFACE_TYPES: [&str; 3] = ["TUNNEL", "MAC", "IP"];
pub const TUNNEL_TYPES: [&str; 2] = ["GTP_U", "GRE"];
pub const IP_ADDRESS_TYPES: [&str; 2] = ["IP_V4", "IP_V6"];

/// A rule field that breaks its rule: the field's JSON path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub field: String,
    pub reason: String,
}

impl RuleError {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.reason)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrafficRule {
    pub traffic_rule_id: String,
    pub action: String,
    #[serde(deserialize_with = "crate::json_integer::integer")]
    pub priority: i64,
    pub filter_type: String,
    pub traffic_filter: Vec<TrafficFilter>,
    pub dst_interface: Vec<DstInterface>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrafficFilter {
    pub src_address: Vec<String>,
    pub dst_address: Vec<String>,
    pub src_port: Vec<String>,
    pub dst_port: Vec<String>,
    pub protocol: Vec<String>,
    pub tag: Vec<String>,
    pub src_tunnel_address: Vec<String>,
    pub dst_tunnel_address: Vec<String>,
    pub src_tunnel_port: Vec<String>,
    pub dst_tunnel_port: Vec<String>,
    #[serde(
        rename = "qCI",
        deserialize_with = "crate::json_integer::optional_integer"
    )]
    pub q_ci: Option<i64>,
    #[serde(
        rename = "dSCP",
        deserialize_with = "crate::json_integer::optional_integer"
    )]
    pub d_scp: Option<i64>,
    #[serde(
        rename = "tC",
        deserialize_with = "crate::json_integer::optional_integer"
    )]
    pub t_c: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DstInterface {
    pub interface_type: String,
    pub tunnel_info: Option<TunnelInfo>,
    pub src_mac_address: String,
    pub dst_mac_address: String,
    pub dst_ip_address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TunnelInfo {
    pub tunnel_type: String,
    pub tunnel_dst_address: String,
    pub tunnel_src_address: String,
    pub tunnel_specific_data: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DnsRule {
    pub dns_rule_id: String,
    pub domain_name: String,
    pub ip_address_type: String,
    pub ip_address: String,
    /// Seconds.
    #[serde(deserialize_with = "crate::json_integer::integer")]
    pub ttl: i64,
}

impl TrafficRule {
    /// Checks every rule; enumerations come back in their canonical spelling.
    pub fn validated(mut self) -> Result<Self, RuleError> {
        check_rule_id("trafficRuleId", &self.traffic_rule_id)?;
        self.action = one_of("action", &self.action, &ACTIONS)?;
        in_range("priority", self.priority, 0, 255)?;
        self.filter_type = one_of("filterType", &self.filter_type, &FILTER_TYPES)?;
        if self.traffic_filter.len() > MAX_ITEMS || self.dst_interface.len() > MAX_ITEMS {
            return Err(RuleError::new(
                "trafficFilter",
                format!("has more than {MAX_ITEMS} entries"),
            ));
        }
        for (i, f) in self.traffic_filter.iter().enumerate() {
            let at = |name: &str| format!("trafficFilter[{i}].{name}");
            const ADDRESS: &str = "an IP address or CIDR block";
            list(
                &at("srcAddress"),
                &f.src_address,
                is_address_or_block,
                ADDRESS,
            )?;
            list(
                &at("dstAddress"),
                &f.dst_address,
                is_address_or_block,
                ADDRESS,
            )?;
            list(
                &at("srcTunnelAddress"),
                &f.src_tunnel_address,
                is_address_or_block,
                ADDRESS,
            )?;
            list(
                &at("dstTunnelAddress"),
                &f.dst_tunnel_address,
                is_address_or_block,
                ADDRESS,
            )?;
            const PORT: &str = "a port (0-65535) or a range of ports";
            list(&at("srcPort"), &f.src_port, is_port_or_range, PORT)?;
            list(&at("dstPort"), &f.dst_port, is_port_or_range, PORT)?;
            list(
                &at("srcTunnelPort"),
                &f.src_tunnel_port,
                is_port_or_range,
                PORT,
            )?;
            list(
                &at("dstTunnelPort"),
                &f.dst_tunnel_port,
                is_port_or_range,
                PORT,
            )?;
            let name = |p: &str| {
                !p.is_empty()
                    && p.len() <= 16
                    && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            };
            list(
                &at("protocol"),
                &f.protocol,
                name,
                "a protocol name (ANY, TCP, UDP, ...)",
            )?;
            list(
                &at("tag"),
                &f.tag,
                |t| !t.is_empty() && text(t),
                "1-255 characters",
            )?;
            for (name, value, max) in [
                ("qCI", f.q_ci, 255),
                ("dSCP", f.d_scp, 63),
                ("tC", f.t_c, 255),
            ] {
                if let Some(v) = value {
                    in_range(&at(name), v, 0, max)?;
                }
            }
        }
        for (i, d) in self.dst_interface.iter_mut().enumerate() {
            let at = |name: &str| format!("dstInterface[{i}].{name}");
            d.interface_type = one_of(&at("interfaceType"), &d.interface_type, &INTERFACE_TYPES)?;
            optional(
                &at("srcMacAddress"),
                &d.src_mac_address,
                is_mac,
                "a MAC address",
            )?;
            optional(
                &at("dstMacAddress"),
                &d.dst_mac_address,
                is_mac,
                "a MAC address",
            )?;
            optional(
                &at("dstIpAddress"),
                &d.dst_ip_address,
                is_address,
                "an IP address",
            )?;
            if let Some(t) = &mut d.tunnel_info {
                if !t.tunnel_type.is_empty() {
                    t.tunnel_type =
                        one_of(&at("tunnelInfo.tunnelType"), &t.tunnel_type, &TUNNEL_TYPES)?;
                }
                optional(
                    &at("tunnelInfo.tunnelDstAddress"),
                    &t.tunnel_dst_address,
                    is_address,
                    "an IP address",
                )?;
                optional(
                    &at("tunnelInfo.tunnelSrcAddress"),
                    &t.tunnel_src_address,
                    is_address,
                    "an IP address",
                )?;
                if !text(&t.tunnel_specific_data) {
                    return Err(RuleError::new(
                        at("tunnelInfo.tunnelSpecificData"),
                        "must be at most 255 characters",
                    ));
                }
            }
        }
        Ok(self)
    }
}

impl DnsRule {
    /// Checks every rule; the address type comes back in its canonical spelling.
    pub fn validated(mut self) -> Result<Self, RuleError> {
        check_rule_id("dnsRuleId", &self.dns_rule_id)?;
        let domain_ok = !self.domain_name.is_empty()
            && self.domain_name.len() <= 253
            && self
                .domain_name
                .trim_end_matches('.')
                .split('.')
                .all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
        if !domain_ok {
            return Err(RuleError::new(
                "domainName",
                "must be a domain name (labels of letters, digits and -)",
            ));
        }
        self.ip_address_type = one_of("ipAddressType", &self.ip_address_type, &IP_ADDRESS_TYPES)?;
        let matches = match self.ip_address.parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) => self.ip_address_type == "IP_V4",
            Ok(IpAddr::V6(_)) => self.ip_address_type == "IP_V6",
            Err(_) => false,
        };
        if !matches {
            return Err(RuleError::new(
                "ipAddress",
                format!("must be an address of type {}", self.ip_address_type),
            ));
        }
        in_range("ttl", self.ttl, 0, i64::from(i32::MAX))?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests;
