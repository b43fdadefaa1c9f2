//! The typed rejections of Flavor commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlavorError {
    #[error("name must be 1-255 characters")]
    Name,
    #[error("architecture must be X86 or ARM")]
    Architecture,
    #[error("{0} must be between {1} and {2}")]
    OutOfRange(&'static str, i64, i64),
    #[error("{0} is too long (at most {1} characters)")]
    TooLong(&'static str, usize),
    #[error("the flavor does not exist")]
    NotFound,
    #[error("a flavor with this id already exists")]
    AlreadyExists,
    #[error("only admins manage flavors")]
    Forbidden,
}
