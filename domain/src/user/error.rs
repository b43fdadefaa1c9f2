//! The typed rejections of User commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error(
        "username must be 3-50 letters, digits, '.', '_' or '-', starting with a letter or digit"
    )]
    Username,
    #[error("email must be an address like name@example.com")]
    Email,
    #[error("avatarUrl must be an http or https URL without spaces")]
    AvatarUrl,
    #[error("{0} must be at most {1} characters")]
    TooLong(&'static str, usize),
    #[error("the user does not exist")]
    NotFound,
    #[error("a user with this id already exists")]
    AlreadyExists,
    #[error("the user is locked")]
    Locked,
    #[error("the user is not locked")]
    NotLocked,
    #[error("the user already has this role in this scope")]
    AlreadyBound,
    #[error("the user has no such role binding")]
    NoSuchBinding,
    #[error("an API key name must be 1-100 characters")]
    ApiKeyName,
    #[error("a user holds at most 20 API keys; revoke one first")]
    TooManyApiKeys,
    #[error("the user has no such API key")]
    NoSuchApiKey,
    #[error("expiresAt must be in the future")]
    ExpiryPassed,
}
