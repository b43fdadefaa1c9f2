//! ConfigMap events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::ConfigMapFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum ConfigMapEvent {
    ConfigMapCreated {
        namespace_id: i64,
        fields: ConfigMapFields,
        created_by: Option<i64>,
    },
    ConfigMapUpdated {
        fields: ConfigMapFields,
        updated_by: Option<i64>,
    },
    ConfigMapDeleted {},
}

crate::wire_names!(ConfigMapEvent => ConfigMapEventKind {
    ConfigMapCreated = "1",
    ConfigMapUpdated = "1",
    ConfigMapDeleted = "1",
});
