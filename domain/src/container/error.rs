//! Typed rejections of container commands.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContainerError {
    #[error("only the application's owner or an admin may do this")]
    Forbidden,
    #[error("operation {0} is still running; wait for it or cancel it")]
    OperationRunning(String),
    #[error("the application is launched on its sandbox already; clean the environment first")]
    AlreadyInstantiated,
    #[error("{0}")]
    Operation(#[from] crate::operation::OperationError),
}
