//! The bodies of the package endpoints.

use chrono::{DateTime, Utc};
use domain::application::package::AppPackage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An application's package.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppPackageBody {
    pub id: String,
    pub app_id: String,
    /// `<name>_<version>.csar`.
    pub package_file_name: String,
    /// Where the CSAR is downloaded.
    pub package_file_path: String,
    /// The uploaded file (type package) holding the CSAR as it is now.
    pub file_id: String,
    /// Whether its manifest is signed (a signing key is configured).
    pub signed: bool,
    /// Files were edited since the manifest was computed: `zip-package` computes it again.
    pub edited: bool,
    /// The paths of its files.
    pub files: Vec<String>,
    pub create_time: DateTime<Utc>,
}

impl AppPackageBody {
    pub fn of(app_id: &str, package: &AppPackage) -> Self {
        AppPackageBody {
            id: package.id.clone(),
            app_id: app_id.to_owned(),
            package_file_name: package.package_file_name.clone(),
            package_file_path: format!(
                "/mec/developer/v2/apppackages/{}/action/download",
                package.id
            ),
            file_id: package.archive.file_id.clone(),
            signed: package.archive.signed,
            edited: package.edited,
            files: package.archive.files.clone(),
            create_time: package.created_at,
        }
    }
}

/// A file of the package to read.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilePathBody {
    /// A path as `get-pkg-structure` gives it.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 1024,
        example = "APPD/Definitions/MainServiceTemplate.yaml"
    )]
    pub file_path: Option<String>,
}

/// A new content for one file of the package.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileContentBody {
    /// A path as `get-pkg-structure` gives it.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 1024,
        example = "APPD/Definitions/MainServiceTemplate.yaml"
    )]
    pub file_path: Option<String>,
    /// Its new text (UTF-8, at most 1 MB).
    #[schema(required = true, nullable = false, max_length = 1048576)]
    pub content: Option<String>,
}

/// One file's text.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileContent {
    pub file_path: String,
    pub content: String,
}
