//! The typed rejections of Namespace commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamespaceError {
    #[error("{0} must be a DNS-1123 label: 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit")]
    Name(&'static str),
    #[error("clusterName must be 1-100 characters")]
    ClusterName,
    #[error("{0} must be at most {1} characters")]
    TooLong(&'static str, usize),
    #[error("resourceQuota: {0}")]
    Quota(String),
    #[error("{0} cannot change once the namespace exists")]
    Immutable(&'static str),
    #[error("the namespace does not exist")]
    NotFound,
    #[error("a namespace with this id already exists")]
    AlreadyExists,
    #[error("the namespace is inactive; activate it first")]
    Inactive,
    #[error("the namespace still holds {0}; delete them first")]
    NotEmpty(String),
}
