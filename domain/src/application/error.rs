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
