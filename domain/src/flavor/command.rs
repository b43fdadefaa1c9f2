//! Flavor commands: create and delete a VM flavor (admins only).

use super::values::FlavorFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct FlavorCommand {
    pub actor: Actor,
    pub action: FlavorAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FlavorAction {
    Create(FlavorFields),
    Delete,
}
