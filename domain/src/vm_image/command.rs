//! VmImage commands: what may be asked of one VM image (metadata, publish, reset, the chunked
//! upload and its merge, slimming, registration by an export, operation steps), each with the
//! actor asking.

use chrono::{DateTime, Utc};

use super::values::{Chunk, ImageFile, VmImageFields};
use super::VmImageEvent;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct VmImageCommand {
    pub actor: Actor,
    pub action: VmImageAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VmImageAction {
    /// A new image under the id the write side allocated; UPLOAD_WAIT.
    Create {
        id: i32,
        fields: VmImageFields,
        at: DateTime<Utc>,
    },
    /// The image a VM export produced (the runner, for the export's requester).
    Register {
        id: i32,
        name: String,
        file: ImageFile,
        at: DateTime<Utc>,
    },
    Update {
        fields: VmImageFields,
        at: DateTime<Utc>,
    },
    Publish {
        at: DateTime<Utc>,
    },
    /// Forgets the upload (and its file) and waits for a new one.
    Reset {
        at: DateTime<Utc>,
    },
    /// A chunk the file server has received.
    ReceiveChunk {
        chunk: Chunk,
        at: DateTime<Utc>,
    },
    CancelUpload {
        at: DateTime<Utc>,
    },
    /// The file server refused a chunk (of this upload, or the first of a new one): the upload
    /// cannot go on (`failedOnUploadToFS`).
    FailUpload {
        error_type: String,
        at: DateTime<Utc>,
    },
    RequestMerge {
        operation_id: String,
        identifier: String,
        file_name: String,
        at: DateTime<Utc>,
    },
    RequestSlim {
        operation_id: String,
        at: DateTime<Utc>,
    },
    /// The workflow runner records a step of the image's ongoing operation.
    Step {
        operation_id: String,
        events: Vec<VmImageEvent>,
    },
    CancelOperation {
        operation_id: String,
        at: DateTime<Utc>,
    },
    Delete {
        at: DateTime<Utc>,
    },
}

impl VmImageAction {
    pub fn name(&self) -> &'static str {
        match self {
            VmImageAction::Create { .. } => "create",
            VmImageAction::Register { .. } => "register_exported",
            VmImageAction::Update { .. } => "update",
            VmImageAction::Publish { .. } => "publish",
            VmImageAction::Reset { .. } => "reset",
            VmImageAction::ReceiveChunk { .. } => "receive_chunk",
            VmImageAction::CancelUpload { .. } => "cancel_upload",
            VmImageAction::FailUpload { .. } => "fail_upload",
            VmImageAction::RequestMerge { .. } => "merge",
            VmImageAction::RequestSlim { .. } => "slim",
            VmImageAction::Step { .. } => "operation_step",
            VmImageAction::CancelOperation { .. } => "cancel_operation",
            VmImageAction::Delete { .. } => "delete",
        }
    }
}
