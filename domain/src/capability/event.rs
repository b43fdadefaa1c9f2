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
    /// An application started requiring it; `selectCount` is the number that require it now.
    CapabilitySelected {
        application_id: String,
        select_count: i64,
    },
    CapabilityUnselected {
        application_id: String,
        select_count: i64,
    },
}

crate::wire_names!(CapabilityEvent => CapabilityEventKind {
    CapabilityCreated = "1",
    CapabilityUpdated = "1",
    CapabilityDeleted = "1",
    CapabilitySelected = "1",
    CapabilityUnselected = "1",
});
