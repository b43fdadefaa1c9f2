//! Flavor events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::FlavorFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum FlavorEvent {
    FlavorCreated {
        fields: FlavorFields,
        user_id: String,
    },
    FlavorDeleted {},
}

crate::wire_names!(FlavorEvent => FlavorEventKind {
    FlavorCreated = "1",
    FlavorDeleted = "1",
});
