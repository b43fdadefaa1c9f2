//! The JSON shapes of profiles (the original's ProfileInfo) and their queries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A profile.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileBody {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub description_en: Option<String>,
    /// The zip's place in the file store.
    pub file_path: String,
    /// App name to its deploy file inside the zip.
    #[schema(value_type = Object)]
    pub deploy_file_path: serde_json::Value,
    pub config_file_path: Option<String>,
    /// The apps' names in deploy order.
    pub seq: Vec<String>,
    /// The apps: `{name, version, deployFile}`.
    #[schema(value_type = Vec<Object>)]
    pub app_list: Vec<serde_json::Value>,
    pub create_time: DateTime<Utc>,
    #[serde(rename = "type")]
    pub profile_type: String,
    pub industry: String,
    pub topo_file_path: Option<String>,
    pub architecture: Option<String>,
}

/// A row of `tbl_profile`.
pub struct ProfileRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub file_path: String,
    pub deploy_file_path: String,
    pub config_file_path: Option<String>,
    pub seq: String,
    pub create_time: DateTime<Utc>,
    pub profile_type: String,
    pub industry: String,
    pub topo_file_path: Option<String>,
    pub app_list: String,
    pub architecture: Option<String>,
}

db::from_row!(ProfileRow {
    id,
    name,
    description,
    description_en,
    file_path,
    deploy_file_path,
    config_file_path,
    seq,
    create_time,
    profile_type = "type",
    industry,
    topo_file_path,
    app_list,
    architecture
});

impl ProfileRow {
    pub fn into_body(self) -> ProfileBody {
        ProfileBody {
            id: self.id,
            name: self.name,
            description: self.description,
            description_en: self.description_en,
            file_path: self.file_path,
            deploy_file_path: serde_json::from_str(&self.deploy_file_path).unwrap_or_default(),
            config_file_path: self.config_file_path,
            seq: serde_json::from_str(&self.seq).unwrap_or_default(),
            app_list: serde_json::from_str(&self.app_list).unwrap_or_default(),
            create_time: self.create_time,
            profile_type: self.profile_type,
            industry: self.industry,
            topo_file_path: self.topo_file_path,
            architecture: self.architecture,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ProfileListQuery {
    /// Part of the name, in any case.
    pub name: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct DownloadQuery {
    /// What to download: the whole zip, an app's deploy file (`name` = the app), or the config
    /// script.
    #[param(
        required = true,
        nullable = false,
        pattern = "^(profileFile|deployFile|configFile)$"
    )]
    #[serde(rename = "type")]
    pub file_type: Option<String>,
    /// The app whose deploy file to download (type deployFile).
    pub name: Option<String>,
}

/// The profile upload form.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ProfileForm {
    /// The profile zip (`profile.yaml`, deploy files, config script), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The create-application form.
#[derive(ToSchema)]
#[allow(dead_code, non_snake_case)]
pub struct IconForm {
    /// The application's icon: a PNG or JPEG image, at most 2 MB.
    #[schema(value_type = String, format = Binary)]
    iconFile: Vec<u8>,
}
