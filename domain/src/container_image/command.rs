//! ContainerImage commands, each with the actor asking.

use chrono::{DateTime, Utc};

use super::values::{ContainerImageFields, ImageType};
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerImageCommand {
    pub actor: Actor,
    pub action: ContainerImageAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContainerImageAction {
    /// Record a push the caller made (a new image, or the owner's image pushed again).
    RecordPush {
        fields: ContainerImageFields,
        at: DateTime<Utc>,
    },
    /// An admin imports an image the registry has and edgedev does not.
    Import {
        fields: ContainerImageFields,
        at: DateTime<Utc>,
    },
    SetType {
        image_type: ImageType,
    },
    Delete,
}

impl ContainerImageAction {
    pub fn name(&self) -> &'static str {
        match self {
            Self::RecordPush { .. } => "record_push",
            Self::Import { .. } => "import",
            Self::SetType { .. } => "set_type",
            Self::Delete => "delete",
        }
    }
}
