//! The Role aggregate: a named set of permissions (`resource:verb`) that role bindings grant,
//! platform-wide or in one namespace. Its stream id is the role's integer id (`roles_id_seq`;
//! the system roles ADMIN, TENANT and GUEST are seeded as 1-3, ADR 0015). System roles cannot be
//! changed or deleted; a deleted role's name is free again and its bindings grant nothing.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{RoleAction, RoleCommand};
pub use error::RoleError;
pub use event::{RoleEvent, RoleEventKind};
pub use values::{role_name, RoleFields};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique role name.
pub const ROLE_NAME: &str = "role.name";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub fields: Option<RoleFields>,
    pub system: bool,
    pub deleted: bool,
}

impl Aggregate for Role {
    const TYPE: &'static str = "role";
    type Command = RoleCommand;
    type Event = RoleEvent;
    type Error = RoleError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command.action {
            RoleAction::Create { fields, system } => {
                if self.fields.is_some() || self.deleted {
                    return Err(RoleError::AlreadyExists);
                }
                RoleEvent::RoleCreated {
                    fields: fields.validated()?,
                    system,
                }
            }
            RoleAction::Update(fields) => {
                let current = self.fields.as_ref().ok_or(RoleError::NotFound)?;
                if self.system {
                    return Err(RoleError::SystemRole);
                }
                let fields = fields.validated()?;
                if *current == fields {
                    return Ok(());
                }
                RoleEvent::RoleUpdated { fields }
            }
            RoleAction::Delete => {
                self.fields.as_ref().ok_or(RoleError::NotFound)?;
                if self.system {
                    return Err(RoleError::SystemRole);
                }
                RoleEvent::RoleDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            RoleEvent::RoleCreated { fields, system } => {
                self.fields = Some(fields);
                self.system = system;
            }
            RoleEvent::RoleUpdated { fields } => self.fields = Some(fields),
            RoleEvent::RoleDeleted {} => {
                self.fields = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for Role {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.fields
            .iter()
            .map(|f| UniqueKey {
                scope: ROLE_NAME,
                key: f.name.clone(),
            })
            .collect()
    }
}
