//! Capability events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::CapabilityFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum CapabilityEvent {
    CapabilityCreated {
        fields: CapabilityFields,
        user_id: String,
        /// Epoch milliseconds.
        uploaded_at: i64,
    },
    CapabilityUpdated {
        fields: CapabilityFields,
    },
    CapabilityDeleted {},
}

crate::wire_names!(CapabilityEvent => CapabilityEventKind {
    CapabilityCreated = "1",
    CapabilityUpdated = "1",
    CapabilityDeleted = "1",
});
