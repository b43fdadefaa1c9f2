//! VmCatalogue events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::VmCatalogueEntry;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum VmCatalogueEvent {
    VmCatalogueEntryRecorded { entry: VmCatalogueEntry },
}

crate::wire_names!(VmCatalogueEvent => VmCatalogueEventKind {
    VmCatalogueEntryRecorded = "1",
});
