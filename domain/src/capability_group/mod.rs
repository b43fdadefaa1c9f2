//! The CapabilityGroup aggregate: a group of the "ability centre" (reference 1.10): the services
//! edge apps can depend on are filed under one. The catalogue's 9 groups are created at first
//! start; admins add and remove others. `name` and `nameEn` are each unique (reservations), since
//! a release files its produced services under the group its `oneLevelName` names.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{CapabilityGroupAction, CapabilityGroupCommand};
pub use error::CapabilityGroupError;
pub use event::{CapabilityGroupEvent, CapabilityGroupEventKind};
pub use values::{CapabilityGroupFields, GROUP_TYPES};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scopes of the unique `name` and `nameEn`.
pub const GROUP_NAME: &str = "capability_group.name";
pub const GROUP_NAME_EN: &str = "capability_group.name_en";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CapabilityGroup {
    pub fields: Option<CapabilityGroupFields>,
    pub author: String,
    /// Creation time, epoch milliseconds (the seed's `create_time`).
    pub created_at: i64,
    /// Deleted once: the id is never reused (a restart does not seed it again).
    pub deleted: bool,
    /// The capabilities filed under it: it is not deleted while any is.
    #[serde(default)]
    pub capabilities: std::collections::BTreeSet<String>,
}

impl Aggregate for CapabilityGroup {
    const TYPE: &'static str = "capability_group";
    type Command = CapabilityGroupCommand;
    type Event = CapabilityGroupEvent;
    type Error = CapabilityGroupError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if !command.actor.is_admin() {
            return Err(CapabilityGroupError::Forbidden);
        }
        let event = match command.action {
            CapabilityGroupAction::Create {
                fields,
                author,
                created_at,
            } => {
                if self.fields.is_some() || self.deleted {
                    return Err(CapabilityGroupError::AlreadyExists);
                }
                CapabilityGroupEvent::CapabilityGroupCreated {
                    fields: fields.validated()?,
                    author: author.unwrap_or(command.actor.user_name),
                    created_at,
                }
            }
            CapabilityGroupAction::Delete => {
                self.fields.as_ref().ok_or(CapabilityGroupError::NotFound)?;
                if !self.capabilities.is_empty() {
                    return Err(CapabilityGroupError::InUse(self.capabilities.len()));
                }
                CapabilityGroupEvent::CapabilityGroupDeleted {}
            }
            CapabilityGroupAction::Join { capability_id } => {
                self.fields.as_ref().ok_or(CapabilityGroupError::NotFound)?;
                if self.capabilities.contains(&capability_id) {
                    return Ok(());
                }
                CapabilityGroupEvent::CapabilityJoined { capability_id }
            }
            CapabilityGroupAction::Leave { capability_id } => {
                if !self.capabilities.contains(&capability_id) {
                    return Ok(());
                }
                CapabilityGroupEvent::CapabilityLeft { capability_id }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CapabilityGroupEvent::CapabilityGroupCreated {
                fields,
                author,
                created_at,
            } => {
                self.fields = Some(fields);
                self.author = author;
                self.created_at = created_at;
            }
            CapabilityGroupEvent::CapabilityGroupDeleted {} => {
                self.fields = None;
                self.deleted = true;
            }
            CapabilityGroupEvent::CapabilityJoined { capability_id } => {
                self.capabilities.insert(capability_id);
            }
            CapabilityGroupEvent::CapabilityLeft { capability_id } => {
                self.capabilities.remove(&capability_id);
            }
        }
    }
}

impl HoldsUniqueKeys for CapabilityGroup {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.fields
            .iter()
            .flat_map(|f| {
                [
                    UniqueKey {
                        scope: GROUP_NAME,
                        key: f.name.to_lowercase(),
                    },
                    UniqueKey {
                        scope: GROUP_NAME_EN,
                        key: f.name_en.to_lowercase(),
                    },
                ]
            })
            .collect()
    }
}
