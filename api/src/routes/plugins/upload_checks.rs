//! Checks of a plugin upload before anything is stored or commanded: the form's identity
//! fields, the files' kinds and contents, the text fields, and a package another plugin shares.

use super::*;

pub(super) fn invalid(error: PluginError, field: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![field.to_owned()])
}

pub(super) fn bad_file(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidFile, message).with_params(vec![field.to_owned()])
}

/// `userId` / `userName` form fields, where sent, must name the caller (as the original filter).
pub(super) fn check_identity(form: &PluginForm, actor: &Actor) -> Result<(), ApiError> {
    let mismatch = form.text("userId").is_some_and(|v| v != actor.user_id)
        || form.text("userName").is_some_and(|v| v != actor.user_name);
    if mismatch {
        return Err(ApiError::unauthorized(
            "Illegal userId/userName: the form must name the token's user",
        ));
    }
    Ok(())
}

pub(super) fn extension(staged: &Staged) -> String {
    staged
        .file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Checks each staged file by name and by content, without extracting anything.
pub(super) fn check_files(form: &PluginForm) -> Result<(), ApiError> {
    if let Some(file) = &form.plugin_file {
        if !matches!(extension(file).as_str(), "zip" | "csar") {
            return Err(bad_file(
                "pluginFile",
                "pluginFile must be a .zip or .csar archive",
            ));
        }
        checks::check_zip(&file.path, 1024, 100 * 1024 * 1024)
            .map_err(|e| bad_file("pluginFile", e.to_string()))?;
    }
    if let Some(file) = &form.logo_file {
        if !matches!(extension(file).as_str(), "jpg" | "jpeg" | "png" | "bmp") {
            return Err(bad_file(
                "logoFile",
                "logoFile must be a .jpg, .png or .bmp image",
            ));
        }
        checks::check_image(&file.path).map_err(|e| bad_file("logoFile", e.to_string()))?;
    }
    if let Some(file) = &form.api_file {
        if extension(file) != "md" {
            return Err(bad_file("apiFile", "apiFile must be a Markdown (.md) file"));
        }
        checks::check_text(&file.path).map_err(|e| bad_file("apiFile", e.to_string()))?;
    }
    Ok(())
}

/// The text fields of a form, validated; `required` for upload, optional for update.
pub(super) fn text_fields(form: &PluginForm, required: bool) -> Result<PluginPatch, ApiError> {
    let need = |name: &str, error: PluginError| -> Result<Option<&str>, ApiError> {
        match form.text(name).filter(|v| !v.trim().is_empty()) {
            None if required => Err(invalid(error, name)),
            value => Ok(value),
        }
    };
    Ok(PluginPatch {
        name: need("pluginName", PluginError::Name)?
            .map(PluginFields::check_name)
            .transpose()
            .map_err(|e| invalid(e, "pluginName"))?,
        code_language: need("codeLanguage", PluginError::CodeLanguage)?
            .map(CodeLanguage::parse)
            .transpose()
            .map_err(|e| invalid(e, "codeLanguage"))?,
        plugin_type: need("pluginType", PluginError::PluginType)?
            .map(PluginType::parse)
            .transpose()
            .map_err(|e| invalid(e, "pluginType"))?,
        version: need("version", PluginError::Version)?
            .map(PluginFields::check_version)
            .transpose()
            .map_err(|e| invalid(e, "version"))?,
        introduction: form
            .text("introduction")
            .map(PluginFields::check_introduction)
            .transpose()
            .map_err(|e| invalid(e, "introduction"))?,
        ..PluginPatch::default()
    })
}

/// Refuses a package whose content another plugin already shares (before anything is stored).
pub(super) async fn check_not_shared(
    state: &AppState,
    sha256: &str,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let holder = commands::reservations::holder(&state.pool, PACKAGE_HASH, sha256).await?;
    match holder {
        Some(holder) if Some(holder.as_str()) != except => Err(duplicate()),
        _ => Ok(()),
    }
}

pub(super) fn duplicate() -> ApiError {
    ApiError::new(
        ErrorCode::DuplicatePlugin,
        "this plugin package has already been uploaded",
    )
    .with_params(vec!["pluginFile".into()])
}
