//! The typed rejections of VmImage commands.

use crate::operation::OperationError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VmImageError {
    #[error("name must be 1-128 characters without control characters, not starting with a space")]
    Name,
    #[error("{0} is not valid")]
    Field(&'static str),
    #[error("only .qcow2 or .iso image files are accepted")]
    Suffix,
    #[error("the VM image does not exist")]
    NotFound,
    #[error("a VM image with this id already exists")]
    AlreadyExists,
    #[error("only the image's owner or an admin may do this")]
    Forbidden,
    #[error("only admins may publish an image")]
    AdminOnly,
    #[error("the image is {status}; {action} is not possible now")]
    WrongStatus {
        status: &'static str,
        action: &'static str,
    },
    #[error("another upload ({0}) is in progress; cancel or reset it first")]
    OtherUpload(String),
    #[error("the upload has {total} chunks; chunk {missing} and maybe others have not arrived")]
    ChunksMissing { total: u32, missing: u32 },
    #[error("the upload has {0} chunks; this chunk says otherwise")]
    TotalChunks(u32),
    #[error("an ISO image cannot be slimmed")]
    IsoNotSlimmable,
    #[error("the image is slimmed already")]
    AlreadySlim,
    #[error("operation {0} is still running on this image; wait for it")]
    OperationRunning(String),
    #[error("a merge cannot be cancelled; wait for it to end")]
    MergeNotCancellable,
    #[error("{0}")]
    Operation(#[from] OperationError),
}
