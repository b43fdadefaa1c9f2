//! Role commands: create, update and delete a role (the caller's `roles:*` permission is checked
//! before a command is built). The system roles are created by the catalogue seeding.

use super::values::RoleFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct RoleCommand {
    pub actor: Actor,
    pub action: RoleAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RoleAction {
    Create { fields: RoleFields, system: bool },
    Update(RoleFields),
    Delete,
}
