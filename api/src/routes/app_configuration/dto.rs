//! The documented shapes of the MEC rules (ETSI MEC 011's TrafficRule and DnsRule, the original's
//! field names). Bodies are read straight into the domain's rule types, which have the same JSON
//! shape; these describe them in the API document, each field with its rule.

use serde::Serialize;
use utoipa::ToSchema;

const ID: &str = r"^[A-Za-z0-9_.-]{1,255}$";

/// A traffic rule: what to do with traffic matching its filters.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct TrafficRuleBody {
    /// Chosen by the client, unique in the application (in PUT, the path's id).
    #[schema(
        example = "rule-1",
        required = true,
        nullable = false,
        pattern = r"^[A-Za-z0-9_.-]{1,255}$"
    )]
    traffic_rule_id: String,
    #[schema(
        example = "DROP",
        required = true,
        nullable = false,
        pattern = r"^(?i:drop|forward_decapsulated|forward_encapsulated|passthrough|duplicate_decapsulated|duplicate_encapsulated)$"
    )]
    action: String,
    #[schema(
        example = 1,
        required = true,
        nullable = false,
        minimum = 0,
        maximum = 255
    )]
    priority: i64,
    #[schema(
        example = "FLOW",
        required = true,
        nullable = false,
        pattern = r"^(?i:flow|packet)$"
    )]
    filter_type: String,
    #[schema(max_items = 32)]
    traffic_filter: Vec<TrafficFilterBody>,
    #[schema(max_items = 32)]
    dst_interface: Vec<DstInterfaceBody>,
}

/// Which traffic a rule matches.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct TrafficFilterBody {
    /// IP addresses or CIDR blocks (v4 or v6).
    #[schema(example = json!(["192.168.1.0/24"]), max_items = 32)]
    src_address: Vec<String>,
    /// IP addresses or CIDR blocks.
    #[schema(max_items = 32)]
    dst_address: Vec<String>,
    /// Ports (0-65535) or ranges `from-to`.
    #[schema(example = json!(["8080", "9000-9100"]), max_items = 32)]
    src_port: Vec<String>,
    /// Ports or ranges.
    #[schema(max_items = 32)]
    dst_port: Vec<String>,
    /// Protocol names: 1-16 letters, digits or `_` (ANY, TCP, UDP, ...).
    #[schema(example = json!(["ANY"]), max_items = 32)]
    protocol: Vec<String>,
    #[schema(max_items = 32)]
    tag: Vec<String>,
    /// IP addresses or CIDR blocks.
    #[schema(max_items = 32)]
    src_tunnel_address: Vec<String>,
    /// IP addresses or CIDR blocks.
    #[schema(max_items = 32)]
    dst_tunnel_address: Vec<String>,
    /// Ports or ranges.
    #[schema(max_items = 32)]
    src_tunnel_port: Vec<String>,
    /// Ports or ranges.
    #[schema(max_items = 32)]
    dst_tunnel_port: Vec<String>,
    #[serde(rename = "qCI")]
    #[schema(minimum = 0, maximum = 255)]
    q_ci: Option<i64>,
    #[serde(rename = "dSCP")]
    #[schema(minimum = 0, maximum = 63)]
    d_scp: Option<i64>,
    #[serde(rename = "tC")]
    #[schema(minimum = 0, maximum = 255)]
    t_c: Option<i64>,
}

/// Where matching traffic goes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct DstInterfaceBody {
    #[schema(
        example = "TUNNEL",
        required = true,
        nullable = false,
        pattern = r"^(?i:tunnel|mac|ip)$"
    )]
    interface_type: String,
    tunnel_info: Option<TunnelInfoBody>,
    /// Empty, or a MAC address.
    src_mac_address: Option<String>,
    /// Empty, or a MAC address.
    dst_mac_address: Option<String>,
    /// Empty, or an IP address.
    dst_ip_address: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct TunnelInfoBody {
    /// Empty, GTP_U or GRE.
    #[schema(pattern = r"^(?i:|gtp_u|gre)$")]
    tunnel_type: Option<String>,
    /// Empty, or an IP address.
    tunnel_dst_address: Option<String>,
    /// Empty, or an IP address.
    tunnel_src_address: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    tunnel_specific_data: Option<String>,
}

/// A DNS rule: a name the edge platform resolves for the application.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct DnsRuleBody {
    /// Chosen by the client, unique in the application (in PUT, the path's id).
    #[schema(
        example = "dns-1",
        required = true,
        nullable = false,
        pattern = r"^[A-Za-z0-9_.-]{1,255}$"
    )]
    dns_rule_id: String,
    #[schema(
        example = "app.example.com",
        required = true,
        nullable = false,
        max_length = 253,
        pattern = r"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$"
    )]
    domain_name: String,
    #[schema(
        example = "IP_V4",
        required = true,
        nullable = false,
        pattern = r"^(?i:ip_v4|ip_v6)$"
    )]
    ip_address_type: String,
    /// An address of the given type.
    #[schema(example = "10.0.0.1", required = true, nullable = false)]
    ip_address: String,
    /// Seconds.
    #[schema(
        example = 60,
        required = true,
        nullable = false,
        minimum = 0,
        maximum = 2147483647
    )]
    ttl: i64,
}

/// A traffic rule as the read model holds it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TrafficRuleRow {
    traffic_rule_id: String,
    action: Option<String>,
    priority: Option<i64>,
    filter_type: Option<String>,
    traffic_filter: Option<serde_json::Value>,
    dst_interface: Option<serde_json::Value>,
}

db::from_row!(TrafficRuleRow {
    traffic_rule_id,
    action,
    priority,
    filter_type,
    traffic_filter,
    dst_interface
});

/// A DNS rule as the read model holds it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DnsRuleRow {
    dns_rule_id: String,
    domain_name: Option<String>,
    ip_address_type: Option<String>,
    ip_address: Option<String>,
    ttl: Option<i64>,
}

db::from_row!(DnsRuleRow {
    dns_rule_id,
    domain_name,
    ip_address_type,
    ip_address,
    ttl
});

/// The pattern of a rule id in a path.
pub const RULE_ID_PATTERN: &str = ID;
