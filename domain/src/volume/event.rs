//! Volume events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::VolumeFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum VolumeEvent {
    VolumeCreated {
        namespace_id: i64,
        fields: VolumeFields,
        created_by: Option<i64>,
    },
    VolumeUpdated {
        fields: VolumeFields,
        updated_by: Option<i64>,
    },
    VolumeDeleted {},
}

crate::wire_names!(VolumeEvent => VolumeEventKind {
    VolumeCreated = "1",
    VolumeUpdated = "1",
    VolumeDeleted = "1",
});
