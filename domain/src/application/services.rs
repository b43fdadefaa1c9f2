//! The services an application's configuration names (reference 1.2): services it requires
//! (capabilities of the ability centre, by id) and services it produces (published with API,
//! guide and icon files, and the rules that route to them). Lengths are the seed's columns.

use serde::{Deserialize, Serialize};

use super::rules::RuleError;

/// The application's certificate for the edge platform: an access key and its secret key,
/// sealed by the server before the command is built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppCertificate {
    pub ak: String,
    pub sk: crate::secret::Sealed,
}

impl AppCertificate {
    /// The access key: 1-255 printable characters without spaces.
    pub fn validated(self) -> Result<Self, RuleError> {
        let ok = !self.ak.is_empty()
            && self.ak.len() <= 255
            && self.ak.chars().all(|c| c.is_ascii_graphic());
        if !ok {
            return Err(RuleError::new(
                "ak",
                "must be 1-255 printable characters without spaces",
            ));
        }
        Ok(self)
    }
}

/// A whole-configuration update: every listed item replaces the item with its id; nothing is
/// added or removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigurationUpdate {
    pub traffic_rules: Vec<super::rules::TrafficRule>,
    pub dns_rules: Vec<super::rules::DnsRule>,
    pub services_required: Vec<ServiceRequired>,
    pub services_produced: Vec<ServiceProduced>,
    pub certificate: Option<AppCertificate>,
}

/// A capability the application requires. The names and version are the capability's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceRequired {
    /// The capability's id.
    pub id: String,
    pub one_level_name: String,
    pub one_level_name_en: String,
    pub two_level_name: String,
    pub two_level_name_en: String,
    /// The service's registered name (the capability's host), unique in the application.
    pub ser_name: String,
    pub version: Option<String>,
    pub requested_permissions: bool,
    /// The app store's ids of the capability, once it has them.
    pub app_id: Option<String>,
    pub package_id: Option<String>,
}

/// A service the application produces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceProduced {
    /// Chosen by the server.
    pub app_service_produced_id: String,
    pub one_level_name: String,
    pub one_level_name_en: String,
    pub two_level_name: String,
    pub description: String,
    pub api_file_id: String,
    pub guide_file_id: String,
    pub icon_file_id: String,
    /// Unique in the application.
    pub service_name: String,
    #[serde(deserialize_with = "crate::json_integer::integer")]
    pub internal_port: i64,
    pub version: String,
    pub protocol: String,
    pub author: String,
    pub experience_url: Option<String>,
    /// DNS rules of the application that reach the service.
    pub dns_rule_id_list: Vec<String>,
    /// Traffic rules of the application that reach the service.
    pub traffic_rule_id_list: Vec<String>,
}

fn required(field: &str, value: &str, max: usize) -> Result<(), RuleError> {
    if value.trim().is_empty() {
        return Err(RuleError::new(field, "is required"));
    }
    at_most(field, value, max)
}

fn at_most(field: &str, value: &str, max: usize) -> Result<(), RuleError> {
    if value.chars().count() > max || value.contains('\0') {
        return Err(RuleError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

impl ServiceRequired {
    /// Checks the lengths of what the capability filled in.
    pub fn validated(self) -> Result<Self, RuleError> {
        required("id", &self.id, 255)?;
        for (field, value) in [
            ("oneLevelName", &self.one_level_name),
            ("oneLevelNameEn", &self.one_level_name_en),
            ("twoLevelName", &self.two_level_name),
            ("twoLevelNameEn", &self.two_level_name_en),
            ("serName", &self.ser_name),
        ] {
            required(field, value, 255)?;
        }
        for (field, value) in [
            ("version", &self.version),
            ("appId", &self.app_id),
            ("packageId", &self.package_id),
        ] {
            at_most(field, value.as_deref().unwrap_or_default(), 255)?;
        }
        Ok(self)
    }
}

impl ServiceProduced {
    /// Checks every field against its column; the protocol comes back in lower case.
    pub fn validated(mut self) -> Result<Self, RuleError> {
        for (field, value, max) in [
            ("oneLevelName", &self.one_level_name, 100),
            ("oneLevelNameEn", &self.one_level_name_en, 100),
            ("twoLevelName", &self.two_level_name, 100),
            ("description", &self.description, 500),
            ("apiFileId", &self.api_file_id, 50),
            ("guideFileId", &self.guide_file_id, 50),
            ("iconFileId", &self.icon_file_id, 50),
            ("version", &self.version, 30),
            ("author", &self.author, 50),
        ] {
            required(field, value, max)?;
        }
        let name_ok = !self.service_name.is_empty()
            && self.service_name.len() <= 50
            && self
                .service_name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !self.service_name.starts_with('-')
            && !self.service_name.ends_with('-');
        if !name_ok {
            return Err(RuleError::new(
                "serviceName",
                "must be 1-50 lower-case letters, digits or -, not starting or ending with -",
            ));
        }
        if !(1..=65_535).contains(&self.internal_port) {
            return Err(RuleError::new(
                "internalPort",
                "must be between 1 and 65535",
            ));
        }
        self.protocol = ["http", "https"]
            .into_iter()
            .find(|p| p.eq_ignore_ascii_case(self.protocol.trim()))
            .ok_or_else(|| RuleError::new("protocol", "must be http or https"))?
            .to_owned();
        at_most(
            "experienceUrl",
            self.experience_url.as_deref().unwrap_or_default(),
            500,
        )?;
        for (field, ids) in [
            ("dnsRuleIdList", &self.dns_rule_id_list),
            ("trafficRuleIdList", &self.traffic_rule_id_list),
        ] {
            for (i, id) in ids.iter().enumerate() {
                super::rules::check_rule_id(&format!("{field}[{i}]"), id)?;
            }
        }
        Ok(self)
    }

    /// The uploaded files it names, with their fields' names.
    pub fn files(&self) -> [(&'static str, &str); 3] {
        [
            ("apiFileId", self.api_file_id.as_str()),
            ("guideFileId", self.guide_file_id.as_str()),
            ("iconFileId", self.icon_file_id.as_str()),
        ]
    }
}
