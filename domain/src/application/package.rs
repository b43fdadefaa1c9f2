//! The application's package (reference 1.6): a CSAR built from the application, kept as an
//! uploaded file the application holds. It is never edited in place: an edit of a file inside
//! it, and the re-pack that computes its manifest (and signature) again, each make a new archive
//! (a new file) replacing the old one. One package per application; generating again replaces
//! it with a new one (a new id).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The application's package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppPackage {
    /// Chosen by the server at generation.
    pub id: String,
    /// `<name>_<version>.csar`.
    pub package_file_name: String,
    #[serde(flatten)]
    pub archive: PackageArchive,
    /// Files were edited since the manifest was computed: `zip-package` computes it again.
    pub edited: bool,
    pub created_at: DateTime<Utc>,
}

/// One archive of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageArchive {
    /// The uploaded file (type package) holding the CSAR.
    pub file_id: String,
    /// The paths of the files inside, sorted.
    pub files: Vec<String>,
    /// Whether its manifest carries a signature (a signing key was configured).
    pub signed: bool,
}
