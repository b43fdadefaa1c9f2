//! The typed rejections of Volume commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VolumeError {
    #[error("name must be a DNS-1123 label: 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit")]
    Name,
    #[error("{0} is required for a {1} volume")]
    Required(&'static str, &'static str),
    #[error("{0} does not apply to a {1} volume")]
    NotApplicable(&'static str, &'static str),
    #[error(
        "size must be a quantity of bytes above zero, like 1Gi or 500M (at most 20 characters)"
    )]
    Size,
    #[error("storageClass must be a DNS-1123 subdomain of at most 100 characters")]
    StorageClass,
    #[error("sourceName must be a DNS-1123 subdomain (the name of a config map or secret)")]
    SourceName,
    #[error("{0} must be an absolute path of at most 500 characters, without '..' or NUL")]
    Path(&'static str),
    #[error("{0} cannot change")]
    Immutable(&'static str),
    #[error("a claim's size may only grow")]
    Shrink,
    #[error("the volume does not exist")]
    NotFound,
    #[error("a volume with this id already exists")]
    AlreadyExists,
}
