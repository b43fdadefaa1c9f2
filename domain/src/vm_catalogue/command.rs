//! VmCatalogue commands: record an entry (the seeding path; admins).

use super::values::VmCatalogueEntry;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct VmCatalogueCommand {
    pub actor: Actor,
    pub entry: VmCatalogueEntry,
}
