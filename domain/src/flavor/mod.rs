//! The Flavor aggregate: a VM size a developer picks for a sandbox VM (reference 1.10; the
//! seed's `tbl_vm_flavor`). The catalogue's flavors are created at first start from the seeded
//! catalogue data; admins add and remove others (the original let any tenant do both).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{FlavorAction, FlavorCommand};
pub use error::FlavorError;
pub use event::{FlavorEvent, FlavorEventKind};
pub use values::{FlavorFields, MAX_CPU, MAX_DESCRIPTION, MAX_DISK, MAX_EXTRA_INFO, MAX_MEMORY};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flavor {
    pub fields: Option<FlavorFields>,
    pub user_id: String,
    /// Deleted once: the id is never reused (a restart does not seed it again).
    pub deleted: bool,
}

impl Aggregate for Flavor {
    const TYPE: &'static str = "flavor";
    type Command = FlavorCommand;
    type Event = FlavorEvent;
    type Error = FlavorError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if !command.actor.is_admin() {
            return Err(FlavorError::Forbidden);
        }
        let event = match command.action {
            FlavorAction::Create(fields) => {
                if self.fields.is_some() || self.deleted {
                    return Err(FlavorError::AlreadyExists);
                }
                FlavorEvent::FlavorCreated {
                    fields: fields.validated()?,
                    user_id: command.actor.user_id,
                }
            }
            FlavorAction::Delete => {
                self.fields.as_ref().ok_or(FlavorError::NotFound)?;
                FlavorEvent::FlavorDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            FlavorEvent::FlavorCreated { fields, user_id } => {
                self.fields = Some(fields);
                self.user_id = user_id;
            }
            FlavorEvent::FlavorDeleted {} => {
                self.fields = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for Flavor {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        Vec::new()
    }
}
