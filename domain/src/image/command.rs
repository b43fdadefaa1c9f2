//! Image commands; permissions are checked before.

use super::values::ImageFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct ImageCommand {
    pub actor: Actor,
    pub action: ImageAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImageAction {
    Register {
        fields: ImageFields,
        by: Option<i64>,
    },
    Delete,
}
