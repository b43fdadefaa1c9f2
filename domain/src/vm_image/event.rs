//! VmImage events: an image's metadata, its upload (chunks, merge, check), its slimming and the
//! steps of its operations. Wire names and versions are declared once, in `wire_names!` below.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::values::{ImageFile, VmImageFields};
use crate::operation::OperationEvent;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum VmImageEvent {
    /// Created by a user: UPLOAD_WAIT.
    VmImageCreated {
        id: i32,
        fields: VmImageFields,
        user_id: String,
        user_name: String,
        at: DateTime<Utc>,
    },
    /// Made by a VM export: private, PUBLISHED and SLIM_SUCCEED.
    VmImageRegistered {
        id: i32,
        name: String,
        file: ImageFile,
        user_id: String,
        user_name: String,
        at: DateTime<Utc>,
    },
    VmImageUpdated {
        fields: VmImageFields,
        at: DateTime<Utc>,
    },
    VmImagePublished {
        at: DateTime<Utc>,
    },
    /// The upload and its file are forgotten: UPLOAD_WAIT.
    VmImageReset {
        at: DateTime<Utc>,
    },
    /// The first chunk of upload `identifier` arrived: UPLOADING.
    VmImageUploadStarted {
        identifier: String,
        file_name: String,
        total_chunks: u32,
        at: DateTime<Utc>,
    },
    /// The file server holds chunk `chunk_number` of the upload.
    VmImageChunkReceived {
        chunk_number: u32,
    },
    VmImageUploadCancelled {
        at: DateTime<Utc>,
    },
    /// A merge was requested (follows its OperationRequested): UPLOADING_MERGING.
    VmImageMerging {
        at: DateTime<Utc>,
    },
    /// The file server joined the chunks into its image `file_server_image_id`.
    VmImageMerged {
        file_server_image_id: String,
    },
    /// The merged file passed the check: PUBLISHED, SLIM_WAIT.
    VmImageUploaded {
        file: ImageFile,
        at: DateTime<Utc>,
    },
    /// The upload failed: UPLOAD_FAILED with `error_type` (reference 2.5).
    VmImageUploadFailed {
        error_type: String,
        at: DateTime<Utc>,
    },
    /// Slimming was requested (follows its OperationRequested): SLIMMING.
    VmImageSlimming {
        at: DateTime<Utc>,
    },
    /// Slimmed: SLIM_SUCCEED, with the slimmed file's size and checksum.
    VmImageSlimmed {
        file: ImageFile,
        at: DateTime<Utc>,
    },
    VmImageSlimFailed {
        at: DateTime<Utc>,
    },
    /// Slimming was cancelled (follows its OperationCancelled): SLIM_WAIT again.
    VmImageSlimCancelled {
        at: DateTime<Utc>,
    },
    VmImageDeleted {
        at: DateTime<Utc>,
    },
    /// A step of an operation on this image; wire names are the operation's.
    #[serde(untagged)]
    Operation(OperationEvent),
}

crate::wire_names!(VmImageEvent => VmImageEventKind {
    VmImageCreated = "1",
    VmImageRegistered = "1",
    VmImageUpdated = "1",
    VmImagePublished = "1",
    VmImageReset = "1",
    VmImageUploadStarted = "1",
    VmImageChunkReceived = "1",
    VmImageUploadCancelled = "1",
    VmImageMerging = "1",
    VmImageMerged = "1",
    VmImageUploaded = "1",
    VmImageUploadFailed = "1",
    VmImageSlimming = "1",
    VmImageSlimmed = "1",
    VmImageSlimFailed = "1",
    VmImageSlimCancelled = "1",
    VmImageDeleted = "1",
} nested Operation);
