//! An uploaded file's validated facts: its type (which decides the allowed name suffixes), its
//! name (the original's rules), and where its content is.

use serde::{Deserialize, Serialize};

use super::error::UploadedFileError;
use crate::plugin::StoredFile;

/// Longest file name (its column is varchar(255)).
pub const MAX_FILE_NAME: usize = 255;
/// Characters a file name may not hold (the original's rule).
const FORBIDDEN: &[char] = &['\\', '/', ':', '*', '?', '"', '<', '>', '|', '\0'];

/// What a file is for; each type takes its own name suffixes (reference: "suffix by type").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    /// An application's or capability's icon: a PNG or JPEG image.
    Icon,
    /// An API description: OpenAPI (Swagger) as JSON or YAML.
    Api,
    /// A guide: Markdown.
    Md,
    /// A shell script.
    Script,
    /// A sandbox host's kubeconfig: YAML, in a file whose name has no extension.
    Config,
    /// A container application's helm chart: a gzip tar archive.
    Chart,
    /// An application's package: a CSAR (a zip archive), built by the server.
    Package,
}

impl FileType {
    pub const ALL: [FileType; 7] = [
        Self::Icon,
        Self::Api,
        Self::Md,
        Self::Script,
        Self::Config,
        Self::Chart,
        Self::Package,
    ];
    /// The types `/upload-files` takes; kubeconfigs and charts arrive through their own resources.
    pub const GENERIC: [FileType; 4] = [Self::Icon, Self::Api, Self::Md, Self::Script];

    pub fn parse(text: &str) -> Result<Self, UploadedFileError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or(UploadedFileError::FileType)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Icon => "icon",
            Self::Api => "api",
            Self::Md => "md",
            Self::Script => "script",
            Self::Config => "config",
            Self::Chart => "chart",
            Self::Package => "package",
        }
    }

    /// The name suffixes (lowercase, without the dot) a file of this type may have.
    pub fn suffixes(self) -> &'static [&'static str] {
        match self {
            Self::Icon => &["png", "jpg", "jpeg"],
            Self::Api => &["yaml", "yml", "json"],
            Self::Md => &["md"],
            Self::Script => &["sh"],
            Self::Config => &[],
            Self::Chart => &["tgz"],
            Self::Package => &["csar"],
        }
    }

    /// The type a name's suffix implies (for catalogue rows, which record none).
    pub fn of_name(name: &str) -> Option<Self> {
        let suffix = suffix(name)?;
        Self::ALL
            .into_iter()
            .find(|t| t.suffixes().contains(&suffix.as_str()))
    }
}

/// The lowercase suffix after the last dot, if the name has one.
pub fn suffix(name: &str) -> Option<String> {
    let (stem, suffix) = name.rsplit_once('.')?;
    (!stem.is_empty() && !suffix.is_empty()).then(|| suffix.to_ascii_lowercase())
}

/// Checks a file name against the original's rules and the type's suffixes.
pub fn check_file_name(name: &str, file_type: FileType) -> Result<(), UploadedFileError> {
    let legal = !name.is_empty()
        && name.chars().count() <= MAX_FILE_NAME
        && name.trim() == name
        && !name.contains(FORBIDDEN);
    if !legal {
        return Err(UploadedFileError::FileName);
    }
    match suffix(name) {
        None if file_type == FileType::Config => Ok(()),
        Some(_) if file_type == FileType::Config => Err(UploadedFileError::Suffix(
            file_type.as_str(),
            "no extension (a kubeconfig)".into(),
        )),
        Some(s) if file_type.suffixes().contains(&s.as_str()) => Ok(()),
        _ => Err(UploadedFileError::Suffix(
            file_type.as_str(),
            format!("the extension .{}", file_type.suffixes().join(" or .")),
        )),
    }
}

/// Everything an uploaded file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFileFields {
    pub file_name: String,
    pub file_type: FileType,
    /// The content in the file store; `None` for a catalogue row (the seed carries metadata only).
    pub content: Option<StoredFile>,
    /// The `file_path` column: the content's place in the store, or the catalogue's path.
    pub file_path: String,
    /// Upload time.
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    /// A catalogue file: anyone may use it, it is never temporary and never swept.
    pub shared: bool,
}
