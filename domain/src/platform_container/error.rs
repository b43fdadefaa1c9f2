//! The typed rejections of container commands.

use super::lifecycle::{ContainerStatus, Verb};
use crate::operation::OperationError;

/// Why a spec is refused (each one names the field to fix).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContainerSpecError {
    #[error("name must be a DNS-1123 label: 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit")]
    Name,
    #[error("displayName must be 1-253 characters")]
    DisplayName,
    #[error("{0} must be a Kubernetes quantity like 500m, 2, 128Mi or 1G (at most 20 characters)")]
    Quantity(&'static str),
    #[error("the {0} request is above its limit")]
    RequestAboveLimit(&'static str),
    #[error("{0} may have at most {1} entries")]
    TooMany(&'static str, usize),
    #[error("containerPort and hostPort must be 1-65535")]
    Port,
    #[error("nodePort must be 30000-32767 and used once per container")]
    NodePort,
    #[error("container port {0}/{1} is declared twice")]
    DuplicatePort(u16, &'static str),
    #[error("a port's name must be a DNS-1123 label of at most 15 characters, used once")]
    PortName,
    #[error("an environment variable's name must start with a letter or '_' and hold only letters, digits, '_', '.' or '-' (at most 253)")]
    EnvName,
    #[error("environment variable {0} is declared twice")]
    DuplicateEnv(String),
    #[error("an environment variable's value may hold at most 65536 bytes and no NUL")]
    EnvValue,
    #[error("valueFrom must name a config map or secret (a DNS-1123 subdomain) and a key of letters, digits, '_', '.' or '-'")]
    EnvSource,
    #[error("mountPath must be an absolute path of at most 500 characters, without '..' or NUL")]
    MountPath,
    #[error("mount path {0} is used twice")]
    DuplicateMountPath(String),
    #[error("subPath must be a relative path of at most 500 characters, without '..' or NUL")]
    SubPath,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformContainerError {
    #[error(transparent)]
    Spec(#[from] ContainerSpecError),
    #[error("the container does not exist")]
    NotFound,
    #[error("a container with this id already exists")]
    AlreadyExists,
    #[error("{0} cannot change")]
    Immutable(&'static str),
    #[error("operation {0} is still running on the container")]
    Busy(String),
    #[error("the container is already {}", .0.as_str())]
    AlreadyThere(ContainerStatus),
    #[error("{} is not allowed while the container is {}", .1.as_str(), .0.as_str())]
    NotAllowed(ContainerStatus, Verb),
    #[error("the container is {}; deleting it needs force=true", .0.as_str())]
    NeedsForce(ContainerStatus),
    #[error(transparent)]
    Operation(#[from] OperationError),
}
