//! Validated value types of an application: each constructor enforces one rule of the
//! original platform's rule table and returns the field's typed rejection.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A field that failed its rule; the message says the rule in words a person understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FieldError {
    #[error("name must be 4-32 letters, digits, CJK characters, '_', '-' or inner spaces, must not start or end with '_', '-' or a space, and must not be all digits")]
    Name,
    #[error("version must be 1-10 characters of letters, digits, '_', '-', '.' or spaces, starting with a letter, digit, '_' or '-'")]
    Version,
    #[error("provider must be 1-30 characters on one line, not starting with a space")]
    Provider,
    #[error("description must be 1-255 characters, not starting with a space and not all digits")]
    Description,
    #[error("type must be at most 50 characters")]
    Type,
    #[error("industry must be at most 100 characters")]
    Industry,
    #[error("iconFileId is required: upload an icon first and pass its file id")]
    IconFileId,
    #[error("guideFileId must be a file id (letters, digits, '-' or '_')")]
    GuideFileId,
    #[error("pkgSpecId must be a spec id (letters, digits, '-' or '_')")]
    PkgSpecId,
    #[error("appClass must be VM or CONTAINER")]
    AppClass,
    #[error("architecture must be X86 or ARM")]
    Architecture,
    #[error("appCreateType must be INTEGRATED or DEVELOP")]
    AppCreateType,
    #[error("status must be one of CREATED, CONFIGURED, PACKAGED, TESTED, RELEASED")]
    Status,
    #[error("mepHostId must be a UUID")]
    MepHostId,
    #[error("network name must be 1-64 letters, digits, '_', '-' or '.'")]
    NetworkName,
    #[error("network description must be at most 255 characters")]
    NetworkDescription,
    #[error("vm name must be 1-64 letters, digits, '_', '-' or '.'")]
    VmName,
    #[error("flavorId is required (at most 255 characters)")]
    FlavorId,
    #[error("imageId must be a positive image id")]
    ImageId,
    #[error(
        "userData and flavorExtraSpecs must be at most 64 KiB, areaZone at most 255 characters"
    )]
    VmText,
    #[error("portList takes at most 8 ports, each with a unique name of 1-64 letters, digits, '_', '-' or '.' and a description of at most 255 characters")]
    Ports,
    #[error("vmCertificate must be PASSWORD with a username (1-64) and password (1-128), or KEYPAIR with a keyPairId")]
    Certificate,
}

/// `name`: 4-32 characters of letters, digits, CJK, `_`, `-` and inner spaces; must not start or
/// end with `_`, `-` or whitespace and must not be all digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppName(String);

impl AppName {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let count = text.chars().count();
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ' || is_cjk(c);
        let edge_ok =
            |c: Option<char>| c.is_some_and(|c| !matches!(c, '_' | '-') && !c.is_whitespace());
        if !(4..=32).contains(&count)
            || !text.chars().all(allowed)
            || !edge_ok(text.chars().next())
            || !edge_ok(text.chars().last())
            || text.chars().all(|c| c.is_ascii_digit())
        {
            return Err(FieldError::Name);
        }
        Ok(Self(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fa5}').contains(&c)
}

/// `version`: `^[\w\-][\w\-\s.]{0,9}$`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppVersion(String);

impl AppVersion {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        let mut chars = text.chars();
        let first_ok = chars.next().is_some_and(word);
        let rest: Vec<char> = chars.collect();
        if !first_ok
            || rest.len() > 9
            || !rest
                .iter()
                .all(|&c| word(c) || c.is_whitespace() || c == '.')
        {
            return Err(FieldError::Version);
        }
        Ok(Self(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `provider`: `^\S.{0,29}$`: 1-30 characters, not starting with whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Provider(String);

impl Provider {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let count = text.chars().count();
        let first_ok = text.chars().next().is_some_and(|c| !c.is_whitespace());
        if !first_ok || count > 30 || text.chars().any(char::is_control) {
            return Err(FieldError::Provider);
        }
        Ok(Self(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `description`: 1-255 characters (the documented `tbl_application.description` column),
/// not starting with whitespace and not all digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Description(String);

impl Description {
    pub const MAX_CHARS: usize = 255;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let count = text.chars().count();
        let first_ok = text.chars().next().is_some_and(|c| !c.is_whitespace());
        if !first_ok || count > Self::MAX_CHARS || text.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::Description);
        }
        Ok(Self(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A free-text label (`type`, `industry`) bounded by its column's width.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Label(String);

impl Label {
    pub fn parse(text: &str, max_chars: usize, field: FieldError) -> Result<Self, FieldError> {
        if text.chars().count() > max_chars || text.chars().any(char::is_control) {
            return Err(field);
        }
        Ok(Self(text.trim().to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A reference to an uploaded file or spec (`iconFileId`, `guideFileId`, `pkgSpecId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileRef(String);

impl FileRef {
    /// The narrowest column a reference is projected to: `tbl_app_project.icon_file_id`.
    pub const MAX_CHARS: usize = 50;

    pub fn parse(text: &str, field: FieldError) -> Result<Self, FieldError> {
        let ok = !text.is_empty()
            && text.len() <= Self::MAX_CHARS
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(field);
        }
        Ok(Self(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $err:expr, { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Parses the wire name, ignoring case.
            pub fn parse(text: &str) -> Result<Self, FieldError> {
                $(if text.eq_ignore_ascii_case($text) { return Ok(Self::$variant); })+
                Err($err)
            }
            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
    };
}

wire_enum!(
    /// `appClass`: what the application is built from.
    AppClass, FieldError::AppClass, { Vm = "VM", Container = "CONTAINER" }
);
wire_enum!(
    /// `architecture` of the application's target hosts.
    Architecture, FieldError::Architecture, { X86 = "X86", Arm = "ARM" }
);
wire_enum!(
    /// `appCreateType`: developed on the platform or integrated from elsewhere.
    AppCreateType, FieldError::AppCreateType, { Integrated = "INTEGRATED", Develop = "DEVELOP" }
);
wire_enum!(
    /// The application life cycle: CREATED -> CONFIGURED -> PACKAGED -> TESTED -> RELEASED.
    AppStatus, FieldError::Status, {
        Created = "CREATED",
        Configured = "CONFIGURED",
        Packaged = "PACKAGED",
        Tested = "TESTED",
        Released = "RELEASED",
    }
);

/// The basic fields of an application, all validated: what create and update carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationFields {
    pub name: AppName,
    pub description: Description,
    pub version: AppVersion,
    pub provider: Provider,
    pub architecture: Architecture,
    pub app_class: AppClass,
    #[serde(rename = "type")]
    pub app_type: Label,
    pub industry: Label,
    pub icon_file_id: FileRef,
    pub guide_file_id: Option<FileRef>,
    pub app_create_type: AppCreateType,
    pub pkg_spec_id: Option<FileRef>,
}
