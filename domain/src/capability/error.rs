//! The typed rejections of Capability commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityError {
    #[error("{0} is required")]
    Required(&'static str),
    #[error("{0} is too long (at most {1} characters)")]
    TooLong(&'static str, usize),
    #[error("port must be between 0 and 65535")]
    Port,
    #[error("protocol must be http or https")]
    Protocol,
    #[error("the capability does not exist")]
    NotFound,
    #[error("a capability with this id already exists")]
    AlreadyExists,
    #[error("only admins manage capabilities")]
    Forbidden,
    #[error("{0} applications require the capability")]
    InUse(usize),
}
