//! An image's validated fields: the reference syntax of the distribution specification (name
//! components, an optional registry host, tags), a sha256 digest, and the architectures and
//! operating systems of the OCI image index.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::ImageError;

/// Architectures an image may name (OCI `platform.architecture`).
pub const ARCHITECTURES: &[&str] = &[
    "amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64",
];
/// Operating systems an image may name (OCI `platform.os`).
pub const OPERATING_SYSTEMS: &[&str] = &["linux", "windows"];

/// What is registered of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageFields {
    pub name: String,
    pub tag: String,
    pub digest: Option<String>,
    pub repository: Option<String>,
    pub size_bytes: Option<i64>,
    pub architecture: Option<String>,
    pub os: Option<String>,
    /// When the image was built, if known.
    pub created_at: Option<DateTime<Utc>>,
}

impl ImageFields {
    /// `name:tag`, the unique reference.
    pub fn reference(&self) -> String {
        format!("{}:{}", self.name, self.tag)
    }

    pub fn validated(self) -> Result<Self, ImageError> {
        if !is_image_name(&self.name) {
            return Err(ImageError::Name);
        }
        if !is_tag(&self.tag) {
            return Err(ImageError::Tag);
        }
        if let Some(digest) = &self.digest {
            let hex = digest.strip_prefix("sha256:").unwrap_or_default();
            if hex.len() != 64 || !hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')) {
                return Err(ImageError::Digest);
            }
        }
        if let Some(repository) = &self.repository {
            let visible = repository.chars().all(|c| c.is_ascii_graphic());
            if repository.is_empty() || repository.len() > 255 || !visible {
                return Err(ImageError::Repository);
            }
        }
        if self.size_bytes.is_some_and(|size| size < 0) {
            return Err(ImageError::Size);
        }
        if let Some(architecture) = &self.architecture {
            if !ARCHITECTURES.contains(&architecture.as_str()) {
                return Err(ImageError::Architecture(ARCHITECTURES.join(", ")));
            }
        }
        if let Some(os) = &self.os {
            if !OPERATING_SYSTEMS.contains(&os.as_str()) {
                return Err(ImageError::Os(OPERATING_SYSTEMS.join(", ")));
            }
        }
        Ok(self)
    }
}

/// A path component: lower-case letters and digits, joined by `.`, `_`, `__` or runs of `-`.
fn is_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(&bytes[0]) || !alnum(&bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(&bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(&bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let dashes = separator.bytes().all(|b| b == b'-');
        if !(separator == "." || separator == "_" || separator == "__" || dashes) {
            return false;
        }
    }
    true
}

/// A registry host: DNS labels (letters, digits, `-`) joined by dots, optionally `:port`.
fn is_registry(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    port_ok && name.split('.').all(label)
}

/// Whether `name` is an image name: `[host[:port]/]component(/component)*`, at most 255
/// characters. A first part with a `.` or `:`, or `localhost`, is the registry host.
pub fn is_image_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            if !is_registry(first) {
                return false;
            }
            parts.remove(0);
        }
    }
    parts.into_iter().all(is_component)
}

/// Whether `tag` is a tag: 1-128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
pub fn is_tag(tag: &str) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    (1..=128).contains(&tag.len())
        && tag.chars().all(ok)
        && !tag.starts_with('.')
        && !tag.starts_with('-')
}
