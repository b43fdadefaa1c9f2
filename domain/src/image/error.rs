//! The typed rejections of Image commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("name must be an image name: lower-case path components of letters and digits joined by '.', '_', '__' or '-', separated by '/', after an optional registry host[:port]/, at most 255 characters")]
    Name,
    #[error("tag must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'")]
    Tag,
    #[error("digest must be sha256: and 64 lower-case hex digits")]
    Digest,
    #[error("repository must be 1-255 visible characters")]
    Repository,
    #[error("sizeBytes must be 0 or more")]
    Size,
    #[error("architecture must be one of {0}")]
    Architecture(String),
    #[error("os must be one of {0}")]
    Os(String),
    #[error("the image does not exist")]
    NotFound,
    #[error("an image with this id already exists")]
    AlreadyExists,
}
