//! ReleasedPackage commands (admins only): synchronise from the store, edit a file, release
//! again, delete.

use chrono::{DateTime, Utc};

use super::values::{Republication, StoreMetadata};
use crate::application::package::PackageArchive;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct ReleasedPackageCommand {
    pub actor: Actor,
    pub action: ReleasedPackageAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReleasedPackageAction {
    /// Keep a store package (its CSAR stored by the route as the archive's file).
    Synchronize {
        metadata: Box<StoreMetadata>,
        package_file_name: String,
        archive: PackageArchive,
        at: DateTime<Utc>,
    },
    /// Replace the archive by one with a file edited, re-packed and re-signed, made from the
    /// archive `from_file_id` (refused when the package has another archive by then).
    EditFile {
        from_file_id: String,
        file_path: String,
        archive: PackageArchive,
    },
    /// Record a release of the package to the app store.
    Republish(Republication),
    Delete,
}

impl ReleasedPackageAction {
    /// A short name for metrics and logs.
    pub fn name(&self) -> &'static str {
        match self {
            ReleasedPackageAction::Synchronize { .. } => "synchronize",
            ReleasedPackageAction::EditFile { .. } => "edit_file",
            ReleasedPackageAction::Republish(_) => "republish",
            ReleasedPackageAction::Delete => "delete",
        }
    }
}
