//! The bodies of the released package endpoints.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A store package to synchronise.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncItem {
    /// The app store's application id.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 128,
        pattern = "^[A-Za-z0-9_-]+$"
    )]
    pub app_id: Option<String>,
    /// The app store's package id.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 128,
        pattern = "^[A-Za-z0-9_-]+$"
    )]
    pub package_id: Option<String>,
}

/// A released package (`ReleasedPackage` of the original, with its archive and latest release).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleasedPackageBody {
    pub id: String,
    pub app_store_app_id: String,
    pub app_store_package_id: String,
    pub name: String,
    pub version: Option<String>,
    pub provider: Option<String>,
    pub industry: Option<String>,
    #[serde(rename = "type")]
    pub app_type: Option<String>,
    pub architecture: Option<String>,
    pub short_desc: Option<String>,
    pub synchronize_date: chrono::DateTime<chrono::Utc>,
    pub user_id: String,
    pub user_name: String,
    pub test_task_id: Option<String>,
    pub package_file_name: String,
    /// The uploaded file (type package) holding the CSAR as it is now.
    pub file_id: String,
    pub signed: bool,
    /// The store's ids of its latest release from the toolbox.
    pub republished_app_id: Option<String>,
    pub republished_package_id: Option<String>,
    pub republish_date: Option<chrono::DateTime<chrono::Utc>>,
}

db::from_row!(ReleasedPackageBody {
    id,
    app_store_app_id,
    app_store_package_id,
    name,
    version,
    provider,
    industry,
    app_type = "type",
    architecture,
    short_desc,
    synchronize_date,
    user_id,
    user_name,
    test_task_id,
    package_file_name,
    file_id,
    signed,
    republished_app_id,
    republished_package_id,
    republish_date
});

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ReleasedListQuery {
    /// Part of the name, in any case.
    pub name: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}
