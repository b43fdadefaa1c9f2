//! The typed rejections of VmCatalogue commands.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VmCatalogueError {
    #[error("{0} is too long (at most {1} characters)")]
    TooLong(&'static str, usize),
    #[error("the entry exists")]
    AlreadyExists,
    #[error("only admins record catalogue entries")]
    Forbidden,
}
