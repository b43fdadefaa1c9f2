//! The JSON shape of a capability group (the original's field names) and its conversion to the
//! CapabilityGroup aggregate's fields.

use domain::capability_group::{CapabilityGroup, CapabilityGroupError, CapabilityGroupFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};

/// A capability group (body of create, and every answer).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityGroupBody {
    /// Chosen by the server; ignored in a create.
    #[serde(default)]
    pub id: Option<String>,
    /// 1-255 characters, not blank, unique among groups (any case).
    #[schema(
        example = "视频处理",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub name: Option<String>,
    /// 1-255 characters, not blank, unique among groups (any case).
    #[schema(
        example = "Video processing",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub name_en: Option<String>,
    /// OPENMEP, OPENMEP_ECO or STANDARD (any case).
    #[serde(rename = "type")]
    #[schema(
        example = "OPENMEP",
        required = true,
        nullable = false,
        pattern = r"^(?i:openmep|openmep_eco|standard)$"
    )]
    pub group_type: Option<String>,
    #[schema(max_length = 4096, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
    #[schema(max_length = 4096, pattern = r"^[^\u0000]*$")]
    pub description_en: Option<String>,
    #[schema(max_length = 50, pattern = r"^[^\u0000]*$")]
    pub icon_file_id: Option<String>,
    /// Who created it (answers only).
    #[serde(default)]
    pub author: Option<String>,
    /// Epoch milliseconds (answers only).
    #[serde(default)]
    pub create_time: Option<i64>,
    /// Epoch milliseconds (answers only).
    #[serde(default)]
    pub update_time: Option<i64>,
}

db::from_row!(CapabilityGroupBody {
    id,
    name,
    name_en,
    group_type,
    description,
    description_en,
    icon_file_id,
    author,
    create_time,
    update_time
});

pub(super) fn invalid(error: CapabilityGroupError) -> ApiError {
    let param = match &error {
        CapabilityGroupError::Name(field) | CapabilityGroupError::TooLong(field, _) => field,
        CapabilityGroupError::Type => "type",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![param.to_owned()])
}

/// The body as the aggregate's fields, checked by its rules (a bad body answers 400 first).
pub(crate) fn fields(body: &CapabilityGroupBody) -> Result<CapabilityGroupFields, ApiError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let optional = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    CapabilityGroupFields {
        name: text(&body.name),
        name_en: text(&body.name_en),
        group_type: text(&body.group_type),
        description: optional(&body.description),
        description_en: optional(&body.description_en),
        icon_file_id: optional(&body.icon_file_id),
    }
    .validated()
    .map_err(invalid)
}

pub(crate) fn render(id: &str, group: &CapabilityGroup) -> serde_json::Value {
    let Some(f) = &group.fields else {
        return serde_json::Value::Bool(true);
    };
    serde_json::to_value(CapabilityGroupBody {
        id: Some(id.to_owned()),
        name: Some(f.name.clone()),
        name_en: Some(f.name_en.clone()),
        group_type: Some(f.group_type.clone()),
        description: f.description.clone(),
        description_en: f.description_en.clone(),
        icon_file_id: f.icon_file_id.clone(),
        author: Some(group.author.clone()),
        create_time: Some(group.created_at),
        update_time: Some(group.created_at),
    })
    .unwrap_or_default()
}
