//! The JSON shapes of capabilities (the original's field names): the body of create and update,
//! the answer (with the group), the name queries and the group statistics.

use domain::capability::{Capability, CapabilityFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::routes::capability_groups::CapabilityGroupBody;

/// The body of create and update.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityRequest {
    /// 1-100 characters, not blank, unique among capabilities (any case).
    #[schema(
        example = "拥塞检测",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub name: Option<String>,
    /// 1-100 characters, not blank, unique among capabilities (any case).
    #[schema(
        example = "Congestion Detection",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub name_en: Option<String>,
    #[schema(
        example = "v1",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub version: Option<String>,
    #[schema(max_length = 4096, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
    #[schema(max_length = 4096, pattern = r"^[^\u0000]*$")]
    pub description_en: Option<String>,
    #[schema(example = "Huawei", max_length = 100, pattern = r"^[^\u0000]*$")]
    pub provider: Option<String>,
    /// The group, by id; or give `group` to name one (created when no group has its name).
    #[schema(example = "406593b4-c782-409c-8f46-a6fd5e1f6221", format = "uuid")]
    pub group_id: Option<String>,
    /// The group by name or English name, used when `groupId` is absent.
    pub group: Option<CapabilityGroupBody>,
    /// An uploaded API description (fileType api) the caller may use.
    #[schema(required = true, nullable = false, format = "uuid")]
    pub api_file_id: Option<String>,
    /// An uploaded guide (fileType md) the caller may use.
    #[schema(required = true, nullable = false, format = "uuid")]
    pub guide_file_id: Option<String>,
    /// An uploaded English guide (fileType md) the caller may use.
    #[schema(format = "uuid")]
    pub guide_file_id_en: Option<String>,
    /// An uploaded icon (fileType icon) the caller may use.
    #[schema(required = true, nullable = false, format = "uuid")]
    pub icon_file_id: Option<String>,
    /// The service's registered name: 1-50 characters.
    #[schema(
        example = "congestion-detection",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub host: Option<String>,
    /// 0-65535 (default 0).
    #[schema(example = 8080, minimum = 0, maximum = 65535)]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub port: Option<i64>,
    /// http or https (any case; default http).
    #[schema(example = "http", pattern = r"^(?i:https?)$")]
    pub protocol: Option<String>,
    #[schema(max_length = 50, pattern = r"^[^\u0000]*$")]
    pub author: Option<String>,
    #[schema(max_length = 4096, pattern = r"^[^\u0000]*$")]
    pub experience_url: Option<String>,
}

impl CapabilityRequest {
    /// The aggregate's fields, with the group resolved to `group_id`.
    pub fn fields(&self, group_id: String) -> CapabilityFields {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let optional = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        CapabilityFields {
            name: text(&self.name),
            name_en: text(&self.name_en),
            version: text(&self.version),
            description: optional(&self.description),
            description_en: optional(&self.description_en),
            provider: optional(&self.provider),
            group_id,
            api_file_id: text(&self.api_file_id),
            guide_file_id: text(&self.guide_file_id),
            guide_file_id_en: optional(&self.guide_file_id_en),
            icon_file_id: text(&self.icon_file_id),
            host: text(&self.host),
            port: self.port.map_or(0, |p| i32::try_from(p).unwrap_or(-1)),
            protocol: self.protocol.clone().unwrap_or_else(|| "http".into()),
            author: optional(&self.author),
            experience_url: optional(&self.experience_url),
        }
    }
}

/// A capability, with its group.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityResponse {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub provider: Option<String>,
    pub group_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub group: Option<serde_json::Value>,
    pub api_file_id: Option<String>,
    pub guide_file_id: Option<String>,
    pub guide_file_id_en: Option<String>,
    pub icon_file_id: Option<String>,
    /// Epoch milliseconds.
    pub upload_time: i64,
    pub host: Option<String>,
    pub port: Option<i32>,
    pub protocol: Option<String>,
    /// The app store's ids, once released there.
    pub app_id: Option<String>,
    pub package_id: Option<String>,
    pub user_id: Option<String>,
    /// How many applications require it.
    pub select_count: i32,
    pub author: Option<String>,
    pub experience_url: Option<String>,
}

db::from_row!(CapabilityResponse { id, name, name_en, version, description, description_en, provider, group_id, group = "group_json", api_file_id, guide_file_id, guide_file_id_en, icon_file_id, upload_time, host, port, protocol, app_id, package_id, user_id, select_count, author, experience_url });

impl CapabilityResponse {
    /// The answer for a capability just changed, with its group as resolved for the command.
    pub fn of(id: &str, capability: &Capability, group: Option<serde_json::Value>) -> Option<Self> {
        let f = capability.fields.as_ref()?;
        Some(Self {
            id: id.to_owned(),
            name: f.name.clone(),
            name_en: Some(f.name_en.clone()),
            version: Some(f.version.clone()),
            description: f.description.clone(),
            description_en: f.description_en.clone(),
            provider: f.provider.clone(),
            group_id: Some(f.group_id.clone()),
            group,
            api_file_id: Some(f.api_file_id.clone()),
            guide_file_id: Some(f.guide_file_id.clone()),
            guide_file_id_en: f.guide_file_id_en.clone(),
            icon_file_id: Some(f.icon_file_id.clone()),
            upload_time: capability.uploaded_at,
            host: Some(f.host.clone()),
            port: Some(f.port),
            protocol: Some(f.protocol.clone()),
            app_id: None,
            package_id: None,
            user_id: Some(capability.user_id.clone()),
            select_count: 0,
            author: f.author.clone(),
            experience_url: f.experience_url.clone(),
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct NameQuery {
    /// Part of the name, any case (empty or absent: all).
    #[param(pattern = r"^[^\u0000]*$")]
    pub name: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct NameEnQuery {
    /// Part of the English name, any case (empty or absent: all).
    #[param(pattern = r"^[^\u0000]*$")]
    pub name_en: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A capability group with its number of capabilities.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupStats {
    #[serde(flatten)]
    pub group: CapabilityGroupBody,
    pub capability_count: i64,
}

impl db::FromRow for GroupStats {
    fn from_row(row: &db::Row) -> Result<Self, db::DbError> {
        Ok(Self {
            group: CapabilityGroupBody::from_row(row)?,
            capability_count: row.try_get("capability_count")?,
        })
    }
}
