//! The typed rejections of ConfigMap commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigMapError {
    #[error("{0} must be a DNS-1123 subdomain: at most 253 characters of dot-separated lower-case labels")]
    Name(&'static str),
    #[error("{0:?} is not a key: 1-253 letters, digits, '-', '_' or '.'")]
    Key(String),
    #[error("{0:?} is in both data and binaryData")]
    KeyInBoth(String),
    #[error("binaryData {0:?} is not base64")]
    NotBase64(String),
    #[error("a config map holds at most 1 MiB; this one holds {0} bytes")]
    TooLarge(usize),
    #[error("the name cannot change")]
    Renamed,
    #[error("the config map does not exist")]
    NotFound,
    #[error("a config map with this id already exists")]
    AlreadyExists,
}
