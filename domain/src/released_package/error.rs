//! Typed rejections of released package commands.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReleasedPackageError {
    #[error("only admins manage released packages")]
    Forbidden,
    #[error("no released package has this id")]
    NotFound,
    #[error("a released package with this id exists")]
    AlreadyExists,
    #[error("the package was changed meanwhile; read it again and repeat the change")]
    Changed,
}
