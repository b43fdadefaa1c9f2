//! ReleasedPackage events; wire names and versions are declared once, in `wire_names!` below.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::values::{Republication, StoreMetadata};
use crate::application::package::PackageArchive;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum ReleasedPackageEvent {
    /// A store package was synchronised: its metadata and its CSAR (an uploaded file of type
    /// package, held by `releasedpackage/<id>`).
    ReleasedPackageSynchronized {
        metadata: Box<StoreMetadata>,
        package_file_name: String,
        archive: PackageArchive,
        user_id: String,
        user_name: String,
        at: DateTime<Utc>,
    },
    /// A file was edited; the package was re-packed (manifest and signature computed again).
    ReleasedPackageEdited {
        file_path: String,
        archive: PackageArchive,
    },
    /// The package was uploaded to the app store again and published.
    ReleasedPackageRepublished {
        republication: Republication,
    },
    ReleasedPackageDeleted {},
}

crate::wire_names!(ReleasedPackageEvent => ReleasedPackageEventKind {
    ReleasedPackageSynchronized = "1",
    ReleasedPackageEdited = "1",
    ReleasedPackageRepublished = "1",
    ReleasedPackageDeleted = "1",
});
