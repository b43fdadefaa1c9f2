//! Request and response bodies of the application endpoints (camelCase, as the original), and
//! the conversion of a request into validated domain values.

use chrono::{DateTime, Utc};
use domain::application::{
    AppClass, AppCreateType, AppName, AppVersion, ApplicationFields, Architecture, Description,
    FieldError, FileRef, Label, LiveApplication, Provider,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /applications` and `PUT /applications/{id}`. The patterns are the domain's rules
/// (`domain::application::values`), so the document admits exactly what the server accepts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationRequest {
    /// 4-32 letters, digits, CJK, `_`, `-` or inner spaces; not only digits.
    #[schema(
        example = "camera-app",
        required = true,
        nullable = false,
        min_length = 4,
        max_length = 32,
        pattern = r"^(?![0-9]+$)[0-9A-Za-z\u4e00-\u9fa5][0-9A-Za-z\u4e00-\u9fa5_ -]*[0-9A-Za-z\u4e00-\u9fa5]$"
    )]
    pub name: Option<String>,
    /// At most 255 characters, not starting with a space, not only digits.
    #[schema(
        example = "Face recognition at the edge",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^(?![0-9]+$)[^\s\u0000][^\u0000]*$"
    )]
    pub description: Option<String>,
    /// A word character or `-`, then at most 9 of those, spaces or dots.
    #[schema(
        example = "v1.0",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 10,
        pattern = r"^[\w-][\w\s.-]*$"
    )]
    pub version: Option<String>,
    /// At most 30 characters, not starting with a space, no control characters.
    #[schema(
        example = "edgedev",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 30,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub provider: Option<String>,
    /// X86 or ARM (any case).
    #[schema(
        example = "X86",
        required = true,
        nullable = false,
        pattern = "^([Xx]86|[Aa][Rr][Mm])$"
    )]
    pub architecture: Option<String>,
    /// VM or CONTAINER (any case).
    #[schema(
        example = "VM",
        required = true,
        nullable = false,
        pattern = "^([Vv][Mm]|[Cc][Oo][Nn][Tt][Aa][Ii][Nn][Ee][Rr])$"
    )]
    pub app_class: Option<String>,
    /// At most 50 characters, no control characters.
    #[serde(rename = "type")]
    #[schema(
        example = "Video Application",
        max_length = 50,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub app_type: Option<String>,
    /// At most 100 characters, no control characters.
    #[schema(
        example = "Smart Park",
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub industry: Option<String>,
    /// Id of an uploaded icon file the caller may use (their own, or a catalogue file such as
    /// the default service icon of the example): 1-50 letters, digits, `-` or `_`.
    #[schema(
        example = "20aeed6a-f05f-4789-94b5-8a50db67d096",
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 50,
        pattern = "^[A-Za-z0-9_-]+$"
    )]
    pub icon_file_id: Option<String>,
    /// Empty, or the id of an uploaded Markdown file the caller may use: 1-50 letters, digits,
    /// `-` or `_`.
    #[schema(max_length = 50, pattern = "^[A-Za-z0-9_-]*$")]
    pub guide_file_id: Option<String>,
    /// INTEGRATED or DEVELOP, any case (empty: DEVELOP).
    #[schema(
        pattern = "^([Ii][Nn][Tt][Ee][Gg][Rr][Aa][Tt][Ee][Dd]|[Dd][Ee][Vv][Ee][Ll][Oo][Pp])?$"
    )]
    pub app_create_type: Option<String>,
    /// Empty, or 1-50 letters, digits, `-` or `_`.
    #[schema(max_length = 50, pattern = "^[A-Za-z0-9_-]*$")]
    pub pkg_spec_id: Option<String>,
}

fn required(value: &Option<String>, field: FieldError) -> Result<&str, FieldError> {
    value.as_deref().filter(|v| !v.is_empty()).ok_or(field)
}

impl TryFrom<&ApplicationRequest> for ApplicationFields {
    type Error = FieldError;

    fn try_from(r: &ApplicationRequest) -> Result<Self, FieldError> {
        let optional_ref =
            |value: &Option<String>, field| match value.as_deref().filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => FileRef::parse(v, field).map(Some),
            };
        Ok(ApplicationFields {
            name: AppName::parse(required(&r.name, FieldError::Name)?)?,
            description: Description::parse(required(&r.description, FieldError::Description)?)?,
            version: AppVersion::parse(required(&r.version, FieldError::Version)?)?,
            provider: Provider::parse(required(&r.provider, FieldError::Provider)?)?,
            architecture: Architecture::parse(required(
                &r.architecture,
                FieldError::Architecture,
            )?)?,
            app_class: AppClass::parse(required(&r.app_class, FieldError::AppClass)?)?,
            app_type: Label::parse(
                r.app_type.as_deref().unwrap_or_default(),
                50,
                FieldError::Type,
            )?,
            industry: Label::parse(
                r.industry.as_deref().unwrap_or_default(),
                100,
                FieldError::Industry,
            )?,
            icon_file_id: FileRef::parse(
                required(&r.icon_file_id, FieldError::IconFileId)?,
                FieldError::IconFileId,
            )?,
            guide_file_id: optional_ref(&r.guide_file_id, FieldError::GuideFileId)?,
            app_create_type: match r.app_create_type.as_deref().filter(|v| !v.is_empty()) {
                None => AppCreateType::Develop,
                Some(v) => AppCreateType::parse(v)?,
            },
            pkg_spec_id: optional_ref(&r.pkg_spec_id, FieldError::PkgSpecId)?,
        })
    }
}

/// The request field a rule belongs to, for the error's `params`.
pub fn field_name(error: FieldError) -> &'static str {
    match error {
        FieldError::Name => "name",
        FieldError::Version => "version",
        FieldError::Provider => "provider",
        FieldError::Description => "description",
        FieldError::Type => "type",
        FieldError::Industry => "industry",
        FieldError::IconFileId => "iconFileId",
        FieldError::GuideFileId => "guideFileId",
        FieldError::PkgSpecId => "pkgSpecId",
        FieldError::AppClass => "appClass",
        FieldError::Architecture => "architecture",
        FieldError::AppCreateType => "appCreateType",
        FieldError::Status => "status",
        FieldError::MepHostId => "mepHostId",
        FieldError::NetworkName | FieldError::VmName => "name",
        FieldError::NetworkDescription => "description",
        FieldError::FlavorId => "flavorId",
        FieldError::ImageId => "imageId",
        FieldError::VmText => "userData",
        FieldError::Ports => "portList",
        FieldError::Certificate => "vmCertificate",
    }
}

/// An application as the API shows it (the original's Application JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationResponse {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub version: String,
    pub provider: String,
    pub architecture: Option<String>,
    pub app_class: Option<String>,
    #[serde(rename = "type")]
    pub app_type: Option<String>,
    pub industry: Option<String>,
    pub icon_file_id: Option<String>,
    pub guide_file_id: Option<String>,
    pub app_create_type: Option<String>,
    pub create_time: Option<DateTime<Utc>>,
    pub status: Option<String>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub mep_host_id: Option<String>,
}

db::from_row!(ApplicationResponse { id, name, description, version, provider, architecture, app_class, app_type = "type", industry, icon_file_id, guide_file_id, app_create_type, create_time, status, user_id, user_name, mep_host_id });

impl ApplicationResponse {
    /// The response for the write-side state, identical to what the read model will show.
    pub fn from_state(id: &str, live: &LiveApplication) -> Self {
        let f = &live.fields;
        Self {
            id: id.to_owned(),
            name: f.name.as_str().to_owned(),
            description: Some(f.description.as_str().to_owned()),
            version: f.version.as_str().to_owned(),
            provider: f.provider.as_str().to_owned(),
            architecture: Some(f.architecture.as_str().to_owned()),
            app_class: Some(f.app_class.as_str().to_owned()),
            app_type: Some(f.app_type.as_str().to_owned()),
            industry: Some(f.industry.as_str().to_owned()),
            icon_file_id: Some(f.icon_file_id.as_str().to_owned()),
            guide_file_id: f.guide_file_id.as_ref().map(|g| g.as_str().to_owned()),
            app_create_type: Some(f.app_create_type.as_str().to_owned()),
            create_time: Some(live.created_at),
            status: Some(live.status.as_str().to_owned()),
            user_id: Some(live.owner_id.clone()),
            user_name: Some(live.owner_name.clone()),
            mep_host_id: live.mep_host_id.clone(),
        }
    }
}

/// Body of `PUT /applications/{id}/action/sel-mephost`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectHostRequest {
    #[schema(example = "1f0c8a4e-7d7e-4d6b-9a43-0f1c2d3e4f50", required = true, nullable = false, format = Uuid)]
    pub mep_host_id: Option<String>,
}

/// Query of `GET /applications`.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Part of the name, any case.
    #[param(pattern = r"^[^\u0000]*$")]
    pub name: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}
