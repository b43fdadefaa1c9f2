//! The typed rejections of secret commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("name must be a DNS-1123 subdomain: at most 253 characters of dot-separated lower-case labels")]
    Name,
    #[error("type must be Opaque, kubernetes.io/tls or kubernetes.io/dockerconfigjson")]
    Type,
    #[error("{0:?} is not a key: 1-253 letters, digits, '-', '_' or '.'")]
    Key(String),
    #[error("a secret holds at most 1 MiB; this one holds {0} bytes")]
    TooLarge(usize),
    #[error("this type of secret needs the key {0}")]
    Missing(&'static str),
    #[error("{0} must hold PEM: certificates in tls.crt, a private key in tls.key")]
    Pem(&'static str),
    #[error(".dockerconfigjson must be a JSON object with an \"auths\" object")]
    DockerConfig,
    #[error("the name cannot change")]
    Renamed,
    #[error("the type cannot change")]
    Retyped,
    #[error("the secret does not exist")]
    NotFound,
    #[error("a secret with this id already exists")]
    AlreadyExists,
}
