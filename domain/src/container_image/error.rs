//! Typed rejections of container image commands.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContainerImageError {
    #[error("no container image has this id")]
    NotFound,
    #[error("only the image's owner (or an admin, to delete or import) may do this")]
    Forbidden,
    #[error("a deleted image's id is not used again")]
    Deleted,
    #[error("{0}")]
    Invalid(String),
}
