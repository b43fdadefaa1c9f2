//! The JSON shapes of the container platform's images and their conversion to the Image
//! aggregate's fields.

use chrono::{DateTime, Utc};
use domain::image::{ImageError, ImageFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};

/// An image as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformImageBody {
    pub id: i64,
    pub name: String,
    pub tag: String,
    pub digest: Option<String>,
    pub repository: Option<String>,
    pub size_bytes: Option<i64>,
    pub architecture: Option<String>,
    pub os: Option<String>,
    /// When the image was built, as registered.
    pub created_at: Option<DateTime<Utc>>,
    /// When it was registered.
    pub pulled_at: Option<DateTime<Utc>>,
    /// available.
    pub status: Option<String>,
}

db::from_row!(PlatformImageBody {
    id,
    name,
    tag,
    digest,
    repository,
    size_bytes,
    architecture,
    os,
    created_at,
    pulled_at,
    status,
});

/// The body of a command's answer (the registration time comes with GET).
pub(super) fn render(id: i64, fields: &ImageFields) -> serde_json::Value {
    serde_json::to_value(PlatformImageBody {
        id,
        name: fields.name.clone(),
        tag: fields.tag.clone(),
        digest: fields.digest.clone(),
        repository: fields.repository.clone(),
        size_bytes: fields.size_bytes,
        architecture: fields.architecture.clone(),
        os: fields.os.clone(),
        created_at: fields.created_at,
        pulled_at: None,
        status: Some("available".into()),
    })
    .unwrap_or_default()
}

/// The body of an image's registration.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformImageInput {
    /// The image name: `[host[:port]/]path`, lower-case path components of letters and digits
    /// joined by `.`, `_`, `__` or `-`, separated by `/`.
    #[schema(
        example = "library/nginx",
        min_length = 1,
        max_length = 255,
        pattern = r"^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$"
    )]
    pub name: String,
    /// The tag; `(name, tag)` is unique.
    #[schema(
        example = "1.25",
        min_length = 1,
        max_length = 128,
        pattern = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
    )]
    pub tag: String,
    #[schema(
        example = "sha256:0000000000000000000000000000000000000000000000000000000000000000",
        pattern = r"^sha256:[a-f0-9]{64}$"
    )]
    pub digest: Option<String>,
    /// Where the image comes from (a registry or repository), 1-255 visible characters.
    #[schema(min_length = 1, max_length = 255, pattern = r"^[!-~]+$")]
    pub repository: Option<String>,
    #[schema(minimum = 0, maximum = 9007199254740991_i64)]
    pub size_bytes: Option<i64>,
    /// amd64, arm64, arm, 386, ppc64le, s390x or riscv64.
    #[schema(pattern = "^(amd64|arm64|arm|386|ppc64le|s390x|riscv64)$")]
    pub architecture: Option<String>,
    /// linux or windows.
    #[schema(pattern = "^(linux|windows)$")]
    pub os: Option<String>,
    /// When the image was built (RFC 3339).
    pub created_at: Option<DateTime<Utc>>,
}

impl PlatformImageInput {
    pub(super) fn fields(&self) -> Result<ImageFields, ApiError> {
        ImageFields {
            name: self.name.clone(),
            tag: self.tag.clone(),
            digest: self.digest.clone(),
            repository: self.repository.clone(),
            size_bytes: self.size_bytes,
            architecture: self.architecture.clone(),
            os: self.os.clone(),
            created_at: self.created_at,
        }
        .validated()
        .map_err(invalid)
    }
}

/// Filters of the image list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PlatformImageQuery {
    /// Part of the name.
    pub search: Option<String>,
    pub tag: Option<String>,
    pub architecture: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The answer to a field that breaks its rule.
pub(super) fn invalid(error: ImageError) -> ApiError {
    let param = match &error {
        ImageError::Name => "name",
        ImageError::Tag => "tag",
        ImageError::Digest => "digest",
        ImageError::Repository => "repository",
        ImageError::Size => "sizeBytes",
        ImageError::Architecture(_) => "architecture",
        ImageError::Os(_) => "os",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![param.to_owned()])
}
