//! ContainerImage events. Wire names and versions are declared once, in `wire_names!` below.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::values::{ContainerImageFields, ImageType};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum ContainerImageEvent {
    /// The image was pushed to the registry (uploaded, or pushed again over the same id), or
    /// imported from it; UPLOAD_SUCCEED.
    ContainerImagePushed {
        fields: ContainerImageFields,
        user_id: String,
        user_name: String,
        at: DateTime<Utc>,
    },
    ContainerImageTypeChanged {
        image_type: ImageType,
    },
    /// Gone from the registry and from edgedev; the id is not used again.
    ContainerImageDeleted {},
}

crate::wire_names!(ContainerImageEvent => ContainerImageEventKind {
    ContainerImagePushed = "1",
    ContainerImageTypeChanged = "1",
    ContainerImageDeleted = "1",
});
