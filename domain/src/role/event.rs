//! Role events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::RoleFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum RoleEvent {
    RoleCreated { fields: RoleFields, system: bool },
    RoleUpdated { fields: RoleFields },
    RoleDeleted {},
}

crate::wire_names!(RoleEvent => RoleEventKind {
    RoleCreated = "1",
    RoleUpdated = "1",
    RoleDeleted = "1",
});
