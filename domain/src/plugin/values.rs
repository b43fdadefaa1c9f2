//! Validated values of a plugin: its fields, file references and a rating score.

use serde::{Deserialize, Serialize};

use super::error::PluginError;

macro_rules! enum_of {
    ($(#[$m:meta])* $name:ident, $err:expr, { $($v:ident = $t:literal),+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $t)] $v),+ }
        impl $name {
            pub fn parse(text: &str) -> Result<Self, PluginError> {
                $(if text.eq_ignore_ascii_case($t) { return Ok(Self::$v); })+
                Err($err)
            }
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $t),+ } }
        }
    };
}

enum_of!(
    /// The language a plugin or SDK is for.
    CodeLanguage, PluginError::CodeLanguage, { Java = "JAVA", Python = "Python", Go = "Go", DotNet = ".Net", Php = "PHP" }
);

/// 1 = plugin, 2 = SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub enum PluginType {
    Plugin,
    Sdk,
}

impl PluginType {
    pub fn parse(text: &str) -> Result<Self, PluginError> {
        Self::try_from(
            text.trim()
                .parse::<i32>()
                .map_err(|_| PluginError::PluginType)?,
        )
    }
    pub fn code(self) -> i32 {
        match self {
            PluginType::Plugin => 1,
            PluginType::Sdk => 2,
        }
    }
}

impl TryFrom<i32> for PluginType {
    type Error = PluginError;
    fn try_from(code: i32) -> Result<Self, PluginError> {
        match code {
            1 => Ok(PluginType::Plugin),
            2 => Ok(PluginType::Sdk),
            _ => Err(PluginError::PluginType),
        }
    }
}

impl From<PluginType> for i32 {
    fn from(t: PluginType) -> i32 {
        t.code()
    }
}

/// A file kept in the content-addressed store: the event refers to it by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFile {
    /// Hex SHA-256 of the content: its address in the store.
    pub sha256: String,
    pub size: u64,
    /// The name it was uploaded with.
    pub file_name: String,
}

impl StoredFile {
    /// Its place under the data directory: `files/sha256/<first 2 hex>/<hash>`.
    pub fn store_path(&self) -> String {
        format!(
            "files/sha256/{}/{}",
            &self.sha256[..2.min(self.sha256.len())],
            self.sha256
        )
    }
}

/// Everything a plugin is, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginFields {
    pub name: String,
    pub code_language: CodeLanguage,
    pub plugin_type: PluginType,
    pub version: String,
    pub introduction: String,
    pub plugin_file: StoredFile,
    pub logo_file: StoredFile,
    pub api_file: StoredFile,
}

impl PluginFields {
    pub fn check_name(text: &str) -> Result<String, PluginError> {
        let n = text.trim().chars().count();
        if n == 0 || n > 255 {
            return Err(PluginError::Name);
        }
        Ok(text.trim().to_owned())
    }
    pub fn check_version(text: &str) -> Result<String, PluginError> {
        let n = text.trim().chars().count();
        if n == 0 || n > 255 {
            return Err(PluginError::Version);
        }
        Ok(text.trim().to_owned())
    }
    pub fn check_introduction(text: &str) -> Result<String, PluginError> {
        // The documented tbl_plugin.introduction column holds 500 characters.
        if text.chars().count() > 500 {
            return Err(PluginError::Introduction);
        }
        Ok(text.to_owned())
    }
}

/// An update: every part optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PluginPatch {
    pub name: Option<String>,
    pub code_language: Option<CodeLanguage>,
    pub plugin_type: Option<PluginType>,
    pub version: Option<String>,
    pub introduction: Option<String>,
    pub plugin_file: Option<StoredFile>,
    pub logo_file: Option<StoredFile>,
    pub api_file: Option<StoredFile>,
}

impl PluginPatch {
    pub fn apply_to(&self, current: &PluginFields) -> PluginFields {
        PluginFields {
            name: self.name.clone().unwrap_or_else(|| current.name.clone()),
            code_language: self.code_language.unwrap_or(current.code_language),
            plugin_type: self.plugin_type.unwrap_or(current.plugin_type),
            version: self
                .version
                .clone()
                .unwrap_or_else(|| current.version.clone()),
            introduction: self
                .introduction
                .clone()
                .unwrap_or_else(|| current.introduction.clone()),
            plugin_file: self
                .plugin_file
                .clone()
                .unwrap_or_else(|| current.plugin_file.clone()),
            logo_file: self
                .logo_file
                .clone()
                .unwrap_or_else(|| current.logo_file.clone()),
            api_file: self
                .api_file
                .clone()
                .unwrap_or_else(|| current.api_file.clone()),
        }
    }
}

/// A rating, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score(u8);

impl Score {
    pub fn parse(text: &str) -> Result<Self, PluginError> {
        match text.trim().parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Score(n)),
            _ => Err(PluginError::Score),
        }
    }
    pub fn value(self) -> u8 {
        self.0
    }
}
