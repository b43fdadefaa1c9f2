//! The typed rejections of UploadedFile commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadedFileError {
    #[error("fileType must be one of icon, api, md, script or config")]
    FileType,
    #[error(
        "the file name must be 1-255 characters, without leading or trailing spaces and without \\ / : * ? \" < > |"
    )]
    FileName,
    /// The type, and the suffixes it takes.
    #[error("a file of type {0} must have {1}")]
    Suffix(&'static str, String),
    #[error("the file does not exist")]
    NotFound,
    #[error("a file with this id already exists")]
    AlreadyExists,
    #[error("only the file's owner or an admin may do this")]
    Forbidden,
    #[error("the file is in use by {0}")]
    InUse(String),
    #[error("the file is no longer temporary")]
    NotTemporary,
}
