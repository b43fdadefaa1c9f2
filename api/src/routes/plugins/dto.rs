//! Plugin bodies as the original platform shows them.

use chrono::{DateTime, Utc};
use domain::plugin::LivePlugin;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A plugin (the original's PluginDto).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PluginResponse {
    pub plugin_id: String,
    pub plugin_name: String,
    pub introduction: Option<String>,
    pub satisfaction: f32,
    pub code_language: String,
    pub plugin_type: i32,
    pub version: String,
    pub download_count: i32,
    pub logo_file: String,
    pub plugin_file: String,
    pub upload_time: DateTime<Utc>,
    pub user_id: String,
    pub user_name: String,
    pub plugin_size: i32,
    pub api_file: String,
    pub score_count: i32,
}

db::from_row!(PluginResponse { plugin_id = "pluginid", plugin_name = "pluginname", introduction, satisfaction, code_language = "codelanguage", plugin_type = "plugintype", version, download_count = "downloadcount", logo_file = "logofile", plugin_file = "pluginfile", upload_time = "uploadtime", user_id = "userid", user_name = "username", plugin_size = "pluginsize", api_file = "apifile", score_count = "scorecount" });

impl PluginResponse {
    /// The plugin as its aggregate state says, identical to what `tbl_plugin` shows.
    pub fn from_state(id: &str, live: &LivePlugin) -> Self {
        let f = &live.fields;
        Self {
            plugin_id: id.to_owned(),
            plugin_name: f.name.clone(),
            introduction: Some(f.introduction.clone()),
            satisfaction: live.satisfaction() as f32,
            code_language: f.code_language.as_str().to_owned(),
            plugin_type: f.plugin_type.code(),
            version: f.version.clone(),
            download_count: live.downloads as i32,
            logo_file: projections::read_models::store_path(&f.logo_file),
            plugin_file: projections::read_models::store_path(&f.plugin_file),
            upload_time: live.uploaded_at,
            user_id: live.owner_id.clone(),
            user_name: live.owner_name.clone(),
            plugin_size: f.plugin_file.size as i32,
            api_file: projections::read_models::store_path(&f.api_file),
            score_count: live.ratings.len() as i32,
        }
    }
}

/// Query of `GET /plugins`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// 1 = plugin, 2 = SDK (empty: both).
    #[param(pattern = "^[12]?$")]
    pub plugin_type: Option<String>,
    /// JAVA, Python, Go, .Net or PHP, any case (empty: all).
    #[param(
        pattern = "^([Jj][Aa][Vv][Aa]|[Pp][Yy][Tt][Hh][Oo][Nn]|[Gg][Oo]|\\.[Nn][Ee][Tt]|[Pp][Hh][Pp])?$"
    )]
    pub code_language: Option<String>,
    /// Part of the name, any case.
    #[param(pattern = r"^[^\u0000]*$")]
    pub plugin_name: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Query of `PUT /plugins/{id}/action/score`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ScoreQuery {
    /// 1 to 5.
    #[param(required = true, nullable = false, value_type = i32, minimum = 1, maximum = 5)]
    pub score: Option<String>,
    /// Ignored: the rating is the caller's.
    #[param(pattern = r"^[^\u0000]*$")]
    pub user_id: Option<String>,
    /// Ignored: the rating is the caller's.
    #[param(pattern = r"^[^\u0000]*$")]
    pub user_name: Option<String>,
}

/// The multipart body of upload and update (for the API document): the part names are the
/// camelCase names the server reads.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct PluginUpload {
    /// The package: .zip or .csar, at most 50 MB, unpacking to at most 100 MB in 1024 entries.
    #[schema(value_type = String, format = Binary)]
    plugin_file: Vec<u8>,
    /// The logo: a JPEG, PNG or BMP image, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    logo_file: Vec<u8>,
    /// The API description: Markdown (.md), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    api_file: Vec<u8>,
    /// At most 255 characters.
    plugin_name: String,
    /// JAVA, Python, Go, .Net or PHP.
    code_language: String,
    /// 1 = plugin, 2 = SDK.
    plugin_type: String,
    version: String,
    /// At most 500 characters.
    introduction: Option<String>,
    /// Must name the caller when given.
    user_id: Option<String>,
    user_name: Option<String>,
}
