//! The typed rejections of Role commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    #[error("name must be 2-50 letters, digits or '_', starting with a letter")]
    Name,
    #[error("displayName must be 1-100 characters")]
    DisplayName,
    #[error("description must be at most 1024 characters")]
    Description,
    #[error("a role lists at most 100 permissions")]
    TooManyPermissions,
    #[error("the role does not exist")]
    NotFound,
    #[error("a role with this id already exists")]
    AlreadyExists,
    #[error("system roles cannot be changed or deleted")]
    SystemRole,
}
