//! CapabilityGroup events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::CapabilityGroupFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum CapabilityGroupEvent {
    CapabilityGroupCreated {
        fields: CapabilityGroupFields,
        author: String,
        /// Epoch milliseconds.
        created_at: i64,
    },
    CapabilityGroupDeleted {},
    CapabilityJoined {
        capability_id: String,
    },
    CapabilityLeft {
        capability_id: String,
    },
}

crate::wire_names!(CapabilityGroupEvent => CapabilityGroupEventKind {
    CapabilityGroupCreated = "1",
    CapabilityGroupDeleted = "1",
    CapabilityJoined = "1",
    CapabilityLeft = "1",
});
