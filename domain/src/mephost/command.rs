//! MepHost commands: register, update and delete a sandbox host (admins only).

use super::values::MepHostFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct MepHostCommand {
    pub actor: Actor,
    pub action: MepHostAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MepHostAction {
    Register(MepHostFields),
    Update(MepHostFields),
    Delete,
}
