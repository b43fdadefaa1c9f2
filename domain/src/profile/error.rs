//! Typed rejections of profile commands.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    #[error("only an admin may manage profiles")]
    Forbidden,
    #[error("no profile has this id")]
    NotFound,
    #[error("a profile with this id exists")]
    AlreadyExists,
    #[error("{0}")]
    Invalid(String),
}
