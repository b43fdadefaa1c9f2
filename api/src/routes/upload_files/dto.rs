//! The JSON shapes of uploaded files (the original's UploadFile, plus the type) and the upload
//! form.

use chrono::{DateTime, Utc};
use domain::uploaded_file::UploadedFile;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An uploaded file's description.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFileResponse {
    pub file_id: String,
    pub file_name: String,
    /// icon, api, md or script.
    pub file_type: String,
    pub user_id: String,
    /// Temporary until an application (or another holder) uses the file; temporary files are
    /// deleted some time after their upload.
    pub is_temp: bool,
    pub upload_date: DateTime<Utc>,
    pub file_path: String,
}

impl UploadedFileResponse {
    /// The answer for a live file (`None` once deleted).
    pub fn of(id: &str, file: &UploadedFile) -> Option<Self> {
        let f = file.fields.as_ref()?;
        Some(Self {
            file_id: id.to_owned(),
            file_name: f.file_name.clone(),
            file_type: f.file_type.as_str().to_owned(),
            user_id: file.user_id.clone(),
            is_temp: file.is_temporary(),
            upload_date: f.uploaded_at,
            file_path: f.file_path.clone(),
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct UploadQuery {
    /// What the file is: icon (PNG or JPEG, .png/.jpg/.jpeg, at most 2 MB), api (an OpenAPI or
    /// Swagger description, .json/.yaml/.yml), md (Markdown, .md) or script (.sh); 10 MB for
    /// the others.
    #[param(required = true, nullable = false, pattern = "^(icon|api|md|script)$")]
    pub file_type: Option<String>,
}

/// The upload form.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file, named with a suffix its type allows; the name has at most 255 characters,
    /// none of `\ / : * ? " < > |`, and no surrounding spaces. Checked by content too.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}
