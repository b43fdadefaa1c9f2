//! A container image's facts: its name and version (the reference's repository path and tag),
//! who may see it, where the registry keeps it.

use serde::{Deserialize, Serialize};

use super::error::ContainerImageError;

/// Who sees an image besides its owner and admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageType {
    Public,
    Private,
}

impl ImageType {
    pub fn parse(text: &str) -> Result<Self, ContainerImageError> {
        match text {
            "public" => Ok(Self::Public),
            "private" => Ok(Self::Private),
            _ => Err(ContainerImageError::Invalid(
                "imageType must be public or private".into(),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

/// Everything a pushed image is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerImageFields {
    /// The repository path under the registry's project (`shop/web`).
    pub image_name: String,
    /// The tag.
    pub image_version: String,
    pub image_type: ImageType,
    /// `host:port/project/name:tag`, as `docker pull` takes it.
    pub image_path: String,
    /// The uploaded tar's name (empty for an image imported from the registry).
    pub file_name: String,
    /// The manifest's digest in the registry.
    pub digest: String,
}
