//! Typed rejections of application commands. The HTTP layer maps each to a status and a stable
//! code; tests assert these variants, never message strings.

use thiserror::Error;

use super::values::AppStatus;

/// A field that failed its rule; the message says the rule in words a person understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FieldError {
    #[error("name must be 4-32 letters, digits, CJK characters, '_', '-' or inner spaces, must not start or end with '_', '-' or a space, and must not be all digits")]
    Name,
    #[error("version must be 1-10 characters of letters, digits, '_', '-', '.' or spaces, starting with a letter, digit, '_' or '-'")]
    Version,
    #[error("provider must be 1-30 characters on one line, not starting with a space")]
    Provider,
    #[error("description must be 1-255 characters, not starting with a space and not all digits")]
    Description,
    #[error("type must be at most 50 characters")]
    Type,
    #[error("industry must be at most 100 characters")]
    Industry,
    #[error("iconFileId is required: upload an icon first and pass its file id")]
    IconFileId,
    #[error("guideFileId must be a file id (letters, digits, '-' or '_')")]
    GuideFileId,
    #[error("pkgSpecId must be a spec id (letters, digits, '-' or '_')")]
    PkgSpecId,
    #[error("appClass must be VM or CONTAINER")]
    AppClass,
    #[error("architecture must be X86 or ARM")]
    Architecture,
    #[error("appCreateType must be INTEGRATED or DEVELOP")]
    AppCreateType,
    #[error("status must be one of CREATED, CONFIGURED, PACKAGED, TESTED, RELEASED")]
    Status,
    #[error("mepHostId must be a UUID")]
    MepHostId,
    #[error("network name must be 1-64 letters, digits, '_', '-' or '.'")]
    NetworkName,
    #[error("network description must be at most 255 characters")]
    NetworkDescription,
    #[error("vm name must be 1-64 letters, digits, '_', '-' or '.'")]
    VmName,
    #[error("flavorId is required (at most 255 characters)")]
    FlavorId,
    #[error("imageId must be a positive image id")]
    ImageId,
    #[error(
        "userData and flavorExtraSpecs must be at most 64 KiB, areaZone at most 255 characters"
    )]
    VmText,
    #[error("portList takes at most 8 ports, each with a unique name of 1-64 letters, digits, '_', '-' or '.' and a description of at most 255 characters")]
    Ports,
    #[error("vmCertificate must be PASSWORD with a username (1-64) and password (1-128), or KEYPAIR with a keyPairId")]
    Certificate,
}

/// Why an application command was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplicationError {
    #[error("{0}")]
    InvalidField(FieldError),
    #[error("the application does not exist")]
    NotFound,
    #[error("an application with this id already exists")]
    AlreadyExists,
    #[error("only the application's owner or an admin may do this")]
    Forbidden,
    #[error("cannot {action} an application in status {from}")]
    InvalidTransition {
        action: &'static str,
        from: &'static str,
    },
    #[error("a released application cannot be changed")]
    Released,
    #[error("the application has no network with this id")]
    NetworkNotFound,
    #[error("the application already has a network named {0}")]
    NetworkNameTaken(String),
    #[error("Network is used by vm port: {0}")]
    NetworkInUse(String),
    #[error("port {port} is on network {network}, which the application does not have")]
    UnknownNetwork { port: String, network: String },
    #[error("the application has no virtual machine with this id")]
    VmNotFound,
    #[error("a virtual machine with this id already exists")]
    VmExists,
    #[error("the application already has a virtual machine named {0}")]
    VmNameTaken(String),
    #[error("only VM applications have networks and virtual machines")]
    NotAVmApplication,
    #[error("select a sandbox host (action/sel-mephost) first")]
    NoSandboxHost,
    #[error("operation {0} is still running; wait for it or cancel it")]
    OperationRunning(String),
    #[error("{0}")]
    Operation(#[from] crate::operation::OperationError),
}

impl From<FieldError> for ApplicationError {
    fn from(e: FieldError) -> Self {
        ApplicationError::InvalidField(e)
    }
}

impl ApplicationError {
    pub(crate) fn transition(action: &'static str, from: AppStatus) -> Self {
        ApplicationError::InvalidTransition {
            action,
            from: from.as_str(),
        }
    }
}
