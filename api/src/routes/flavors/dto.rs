//! The JSON shape of a flavor (the original's field names; sizes as numbers) and its conversion
//! to the Flavor aggregate's fields.

use domain::flavor::{Flavor, FlavorError, FlavorFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorCode};

/// A VM flavor (body of create, and every answer).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlavorBody {
    /// Chosen by the server; ignored in a create.
    #[serde(default)]
    pub id: Option<String>,
    /// 1-255 characters, not blank; kept without surrounding spaces.
    #[schema(
        example = "General Computing-1",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub name: Option<String>,
    #[schema(example = "Ordinary APP", max_length = 255, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
    /// X86 or ARM.
    #[schema(
        example = "X86",
        required = true,
        nullable = false,
        pattern = r"^(?i:x86|arm)$"
    )]
    pub architecture: Option<String>,
    /// Virtual CPUs.
    #[schema(
        example = 1,
        required = true,
        nullable = false,
        minimum = 1,
        maximum = 1024
    )]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub cpu: Option<i64>,
    /// Memory in GiB.
    #[schema(
        example = 4,
        required = true,
        nullable = false,
        minimum = 1,
        maximum = 65536
    )]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub memory: Option<i64>,
    /// System disk in GiB.
    #[schema(
        example = 50,
        required = true,
        nullable = false,
        minimum = 1,
        maximum = 1048576
    )]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub system_disk_size: Option<i64>,
    /// Data disk in GiB (default 0).
    #[schema(example = 100, minimum = 0, maximum = 1048576)]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub data_disk_size: Option<i64>,
    #[schema(example = "", max_length = 1024, pattern = r"^[^\u0000]*$")]
    pub gpu_extra_info: Option<String>,
    #[schema(example = "", max_length = 1024, pattern = r"^[^\u0000]*$")]
    pub other_extra_info: Option<String>,
}

db::from_row!(FlavorBody {
    id,
    name,
    description,
    architecture,
    cpu,
    memory,
    system_disk_size,
    data_disk_size,
    gpu_extra_info,
    other_extra_info
});

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct FlavorQuery {
    /// X86 or ARM (any case): only the flavors of this architecture.
    #[param(pattern = r"^[^\u0000]*$")]
    pub architecture: Option<String>,
}

pub(super) fn invalid(error: FlavorError) -> ApiError {
    let param = match &error {
        FlavorError::Name => "name",
        FlavorError::Architecture => "architecture",
        FlavorError::OutOfRange(field, ..) | FlavorError::TooLong(field, _) => field,
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![param.to_owned()])
}

/// The body as the aggregate's fields (checked by the aggregate's rules here, so a bad body
/// answers 400 before anything else is looked at).
pub(super) fn fields(body: &FlavorBody) -> Result<FlavorFields, ApiError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let required = |v: Option<i64>, field: &'static str, min, max| {
        v.ok_or_else(|| invalid(FlavorError::OutOfRange(field, min, max)))
    };
    let optional = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    FlavorFields {
        name: text(&body.name),
        description: optional(&body.description),
        architecture: text(&body.architecture),
        cpu: required(body.cpu, "cpu", 1, domain::flavor::MAX_CPU)?,
        memory: required(body.memory, "memory", 1, domain::flavor::MAX_MEMORY)?,
        system_disk_size: required(
            body.system_disk_size,
            "systemDiskSize",
            1,
            domain::flavor::MAX_DISK,
        )?,
        data_disk_size: body.data_disk_size.unwrap_or(0),
        gpu_extra_info: optional(&body.gpu_extra_info),
        other_extra_info: optional(&body.other_extra_info),
    }
    .validated()
    .map_err(invalid)
}

pub(super) fn render(id: &str, flavor: &Flavor) -> serde_json::Value {
    let Some(f) = &flavor.fields else {
        return serde_json::Value::Bool(true);
    };
    serde_json::to_value(FlavorBody {
        id: Some(id.to_owned()),
        name: Some(f.name.clone()),
        description: f.description.clone(),
        architecture: Some(f.architecture.clone()),
        cpu: Some(f.cpu),
        memory: Some(f.memory),
        system_disk_size: Some(f.system_disk_size),
        data_disk_size: Some(f.data_disk_size),
        gpu_extra_info: f.gpu_extra_info.clone(),
        other_extra_info: f.other_extra_info.clone(),
    })
    .unwrap_or_default()
}
