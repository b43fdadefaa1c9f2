//! The typed rejections of UploadedFile commands.

use super::values::FileType;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadedFileError {
    #[error("fileType must be one of icon, api, md or script")]
    FileType,
    #[error(
        "the file name must be 1-255 characters, without leading or trailing spaces and without \\ / : * ? \" < > |"
    )]
    FileName,
    #[error("a file of type {} must end in .{}", .0.as_str(), .0.suffixes().join(" or ."))]
    Suffix(FileType),
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
