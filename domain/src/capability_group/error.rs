//! The typed rejections of CapabilityGroup commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityGroupError {
    #[error("{0} must be 1-255 characters, not blank")]
    Name(&'static str),
    #[error("type must be OPENMEP, OPENMEP_ECO or STANDARD")]
    Type,
    #[error("{0} is too long (at most {1} characters)")]
    TooLong(&'static str, usize),
    #[error("the capability group does not exist")]
    NotFound,
    #[error("a capability group with this id already exists")]
    AlreadyExists,
    #[error("only admins manage capability groups")]
    Forbidden,
    #[error("{0} capabilities are filed under the group")]
    InUse(usize),
}
