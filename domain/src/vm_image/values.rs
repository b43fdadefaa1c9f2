//! Validated values of a VM image: its editable fields, the statuses of reference 2.5, the file a
//! successful upload or export leaves, and the chunked upload in progress.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::VmImageError;

pub const MAX_NAME: usize = 128;
pub const MAX_SHORT: usize = 50;
pub const MAX_DISK_SIZE: i32 = 9999;
/// Chunks one upload may have (a 4 TiB image in 8 MiB chunks is half of it).
pub const MAX_CHUNKS: u32 = 1_000_000;
pub const MAX_IDENTIFIER: usize = 128;
pub const MAX_FILE_NAME: usize = 255;

/// The fields a user sets (create and update).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmImageFields {
    pub name: String,
    /// `public` or `private`.
    pub visible_type: String,
    pub os_type: String,
    pub os_version: String,
    /// `32` or `64`.
    pub os_bit_type: String,
    pub system_disk_size: i32,
    /// `virtio`, `ide` or `scsi`.
    pub disk_bus: String,
}

fn short(field: &'static str, value: &str) -> Result<(), VmImageError> {
    let ok = !value.is_empty()
        && value.chars().count() <= MAX_SHORT
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ' '));
    if ok {
        Ok(())
    } else {
        Err(VmImageError::Field(field))
    }
}

impl VmImageFields {
    /// The fields if every rule holds (the first broken one otherwise).
    pub fn validated(self) -> Result<Self, VmImageError> {
        let name_ok = !self.name.trim().is_empty()
            && !self.name.starts_with(char::is_whitespace)
            && self.name.chars().count() <= MAX_NAME
            && !self.name.chars().any(char::is_control);
        if !name_ok {
            return Err(VmImageError::Name);
        }
        if !matches!(self.visible_type.as_str(), "public" | "private") {
            return Err(VmImageError::Field("visibleType"));
        }
        short("osType", &self.os_type)?;
        short("osVersion", &self.os_version)?;
        if !matches!(self.os_bit_type.as_str(), "32" | "64") {
            return Err(VmImageError::Field("osBitType"));
        }
        if !(1..=MAX_DISK_SIZE).contains(&self.system_disk_size) {
            return Err(VmImageError::Field("systemDiskSize"));
        }
        if !matches!(self.disk_bus.as_str(), "virtio" | "ide" | "scsi") {
            return Err(VmImageError::Field("diskBus"));
        }
        Ok(self)
    }
}

/// `status` of reference 2.5 (`UPLOAD_SUCCEED` is never set: a checked upload is PUBLISHED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImageStatus {
    #[default]
    UploadWait,
    Uploading,
    UploadingMerging,
    UploadFailed,
    UploadCancelled,
    Published,
}

impl ImageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageStatus::UploadWait => "UPLOAD_WAIT",
            ImageStatus::Uploading => "UPLOADING",
            ImageStatus::UploadingMerging => "UPLOADING_MERGING",
            ImageStatus::UploadFailed => "UPLOAD_FAILED",
            ImageStatus::UploadCancelled => "UPLOAD_CANCELLED",
            ImageStatus::Published => "PUBLISHED",
        }
    }
}

/// `imageSlimStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SlimStatus {
    SlimWait,
    Slimming,
    SlimSucceed,
    SlimFailed,
}

impl SlimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SlimStatus::SlimWait => "SLIM_WAIT",
            SlimStatus::Slimming => "SLIMMING",
            SlimStatus::SlimSucceed => "SLIM_SUCCEED",
            SlimStatus::SlimFailed => "SLIM_FAILED",
        }
    }
}

/// The image file an upload or an export produced.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageFile {
    /// The file server's id of an uploaded image (`None` for an export: the host's file server
    /// keeps it).
    pub file_server_image_id: Option<String>,
    pub image_file_name: String,
    pub image_format: String,
    pub download_url: String,
    pub file_md5: String,
    pub image_size: i64,
    pub virtual_size: i64,
}

/// A chunked upload in the flow.js shape: what has been received so far.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Upload {
    pub identifier: String,
    pub file_name: String,
    pub total_chunks: u32,
    pub received: BTreeSet<u32>,
    /// Set once the file server merged the chunks.
    pub merged_image_id: Option<String>,
}

impl Upload {
    /// The chunk numbers not received yet (at most `limit` of them).
    pub fn missing(&self, limit: usize) -> Vec<u32> {
        (1..=self.total_chunks)
            .filter(|n| !self.received.contains(n))
            .take(limit)
            .collect()
    }
}

/// The format a file name's suffix announces: `qcow2` or `iso` (case-insensitive), else `None`.
pub fn format_of(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".qcow2") {
        Some("qcow2")
    } else if lower.ends_with(".iso") {
        Some("iso")
    } else {
        None
    }
}

/// A flow.js chunk's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub identifier: String,
    pub file_name: String,
    pub chunk_number: u32,
    pub total_chunks: u32,
}

impl Chunk {
    pub fn validated(self) -> Result<Self, VmImageError> {
        let identifier_ok = !self.identifier.is_empty()
            && self.identifier.len() <= MAX_IDENTIFIER
            && self
                .identifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !identifier_ok {
            return Err(VmImageError::Field("identifier"));
        }
        let name_ok = !self.file_name.is_empty()
            && self.file_name.chars().count() <= MAX_FILE_NAME
            && !self
                .file_name
                .chars()
                .any(|c| c.is_control() || matches!(c, '/' | '\\'));
        if !name_ok {
            return Err(VmImageError::Field("filename"));
        }
        if format_of(&self.file_name).is_none() {
            return Err(VmImageError::Suffix);
        }
        if !(1..=MAX_CHUNKS).contains(&self.total_chunks) {
            return Err(VmImageError::Field("totalChunks"));
        }
        if !(1..=self.total_chunks).contains(&self.chunk_number) {
            return Err(VmImageError::Field("chunkNumber"));
        }
        Ok(self)
    }
}
