//! The typed rejections of Vm commands.

use crate::operation::OperationError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VmError {
    #[error("vm has instantiated, please clean env")]
    AlreadyInstantiated,
    #[error("the vm has no successful instance to export; launch it first")]
    NotInstantiated,
    #[error("operation {0} is still running on this vm; wait for it or cancel it")]
    OperationRunning(String),
    #[error("only the application's owner or an admin may do this")]
    Forbidden,
    #[error("{0}")]
    Operation(#[from] OperationError),
}
