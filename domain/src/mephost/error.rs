//! The typed rejections of MepHost commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MepHostError {
    #[error("name must be 6-50 characters")]
    Name,
    #[error("{0} must be an IPv4 address")]
    Ip(&'static str),
    #[error("{0} must be http or https")]
    Protocol(&'static str),
    #[error("lcmPort must be between 30000 and 32000")]
    LcmPort,
    #[error("mecHostPort must be between 1 and 65535")]
    MecHostPort,
    #[error("architecture must be X86 or ARM")]
    Architecture,
    #[error("status must be NORMAL, BUSY or STOP")]
    Status,
    #[error("vimType must be OpenStack, K8S or FusionSphere")]
    VimType,
    #[error("networkParameter: {0}")]
    NetworkParameter(String),
    #[error("{0} is too long")]
    TooLong(&'static str),
    #[error("the host does not exist")]
    NotFound,
    #[error("a host with this id already exists")]
    AlreadyExists,
    #[error("userId is empty or not admin!")]
    Forbidden,
}
