//! Reading a plugin's multipart form: files stream into the store's staging area (hashed and
//! size-limited as they arrive, never held in memory), the known text fields are read with a small
//! limit, and a form may have at most [`MAX_PARTS`] parts: unknown parts are read and dropped,
//! never kept, so no number of extra parts costs memory.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::error::{ApiError, ErrorCode};
use crate::files::http::{staging_failed, unreadable};
use crate::files::{FileStore, Staged};

/// The size limits of the original platform.
pub const PLUGIN_FILE_LIMIT: u64 = 50 * 1024 * 1024;
pub const LOGO_FILE_LIMIT: u64 = 10 * 1024 * 1024;
pub const API_FILE_LIMIT: u64 = 10 * 1024 * 1024;
const TEXT_LIMIT: usize = 4096;
/// The most parts a form may have (the original's form has nine).
pub const MAX_PARTS: usize = 16;
/// The text fields a plugin form has; other text parts are dropped unread.
const TEXT_FIELDS: [&str; 7] = [
    "pluginName",
    "codeLanguage",
    "pluginType",
    "version",
    "introduction",
    "userId",
    "userName",
];

/// The parts of a plugin form.
#[derive(Default)]
pub struct PluginForm {
    pub text: HashMap<String, String>,
    pub plugin_file: Option<Staged>,
    pub logo_file: Option<Staged>,
    pub api_file: Option<Staged>,
}

impl PluginForm {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.text.get(name).map(String::as_str)
    }
}

fn file_limit(name: &str) -> Option<u64> {
    match name {
        "pluginFile" => Some(PLUGIN_FILE_LIMIT),
        "logoFile" => Some(LOGO_FILE_LIMIT),
        "apiFile" => Some(API_FILE_LIMIT),
        _ => None,
    }
}

/// Reads the whole form; files go to staging.
pub async fn read(mut multipart: Multipart, store: &FileStore) -> Result<PluginForm, ApiError> {
    let mut form = PluginForm::default();
    let mut parts = 0;
    while let Some(field) = multipart.next().await {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::new(
                ErrorCode::MalformedMultipart,
                format!("the form has more than {MAX_PARTS} parts"),
            ));
        }
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(limit) = file_limit(&name) {
            let file_name = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .map(str::to_owned)
                .unwrap_or_default();
            let staged = store
                .stage(&file_name, &mut field, limit)
                .await
                .map_err(|e| staging_failed(&name, e))?;
            match name.as_str() {
                "pluginFile" => form.plugin_file = Some(staged),
                "logoFile" => form.logo_file = Some(staged),
                _ => form.api_file = Some(staged),
            }
        } else if !TEXT_FIELDS.contains(&name.as_str()) {
            // Not a field of the form: read past it, keep nothing.
            while let Some(chunk) = field.next().await {
                chunk.map_err(unreadable)?;
            }
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(unreadable)?;
                value.extend_from_slice(&chunk);
                if value.len() > TEXT_LIMIT {
                    return Err(ApiError::new(
                        ErrorCode::InvalidField,
                        format!("{name} is longer than {TEXT_LIMIT} bytes"),
                    )
                    .with_params(vec![name]));
                }
            }
            let value = String::from_utf8(value).map_err(|_| {
                ApiError::new(ErrorCode::InvalidField, format!("{name} is not UTF-8 text"))
                    .with_params(vec![name.clone()])
            })?;
            form.text.insert(name, value);
        }
    }
    Ok(form)
}
