//! Image events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::ImageFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum ImageEvent {
    ImageRegistered {
        fields: ImageFields,
        registered_by: Option<i64>,
    },
    ImageDeleted {},
}

crate::wire_names!(ImageEvent => ImageEventKind {
    ImageRegistered = "1",
    ImageDeleted = "1",
});
