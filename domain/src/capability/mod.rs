//! The Capability aggregate: a service of the "ability centre" that edge apps can depend on
//! (reference 1.10; the seed's `tbl_capability`), filed under a capability group and described by
//! uploaded files (API description, guides, icon). The catalogue's 52 are created at first
//! start; admins add, change and remove others. `name` and `nameEn` are each unique
//! (reservations, case-insensitive).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{CapabilityAction, CapabilityCommand};
pub use error::CapabilityError;
pub use event::{CapabilityEvent, CapabilityEventKind};
pub use values::{CapabilityFields, MAX_DESCRIPTION, PROTOCOLS};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scopes of the unique `name` and `nameEn`.
pub const CAPABILITY_NAME: &str = "capability.name";
pub const CAPABILITY_NAME_EN: &str = "capability.name_en";

/// The holder name of a capability (for the files it names).
pub fn capability_holder(capability_id: &str) -> String {
    format!("capability/{capability_id}")
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Capability {
    pub fields: Option<CapabilityFields>,
    pub user_id: String,
    /// Epoch milliseconds.
    pub uploaded_at: i64,
    /// Deleted once: the id is never reused (a restart does not seed it again).
    pub deleted: bool,
    /// The applications that require it (their `selectCount`).
    #[serde(default)]
    pub selected_by: std::collections::BTreeSet<String>,
}

impl Aggregate for Capability {
    const TYPE: &'static str = "capability";
    type Command = CapabilityCommand;
    type Event = CapabilityEvent;
    type Error = CapabilityError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let manages = !matches!(
            command.action,
            CapabilityAction::Select { .. } | CapabilityAction::Unselect { .. }
        );
        if (manages && !command.actor.is_admin()) || !command.actor.may_write() {
            return Err(CapabilityError::Forbidden);
        }
        let event = match command.action {
            CapabilityAction::Create {
                fields,
                uploaded_at,
            } => {
                if self.fields.is_some() || self.deleted {
                    return Err(CapabilityError::AlreadyExists);
                }
                CapabilityEvent::CapabilityCreated {
                    fields: fields.validated()?,
                    user_id: command.actor.user_id,
                    uploaded_at,
                }
            }
            CapabilityAction::Update(fields) => {
                self.fields.as_ref().ok_or(CapabilityError::NotFound)?;
                CapabilityEvent::CapabilityUpdated {
                    fields: fields.validated()?,
                }
            }
            CapabilityAction::Delete => {
                self.fields.as_ref().ok_or(CapabilityError::NotFound)?;
                if !self.selected_by.is_empty() {
                    return Err(CapabilityError::InUse(self.selected_by.len()));
                }
                CapabilityEvent::CapabilityDeleted {}
            }
            CapabilityAction::Select { application_id } => {
                self.fields.as_ref().ok_or(CapabilityError::NotFound)?;
                if self.selected_by.contains(&application_id) {
                    return Ok(());
                }
                CapabilityEvent::CapabilitySelected {
                    select_count: self.selected_by.len() as i64 + 1,
                    application_id,
                }
            }
            CapabilityAction::Unselect { application_id } => {
                if !self.selected_by.contains(&application_id) {
                    return Ok(());
                }
                CapabilityEvent::CapabilityUnselected {
                    select_count: self.selected_by.len() as i64 - 1,
                    application_id,
                }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CapabilityEvent::CapabilityCreated {
                fields,
                user_id,
                uploaded_at,
            } => {
                self.fields = Some(fields);
                self.user_id = user_id;
                self.uploaded_at = uploaded_at;
            }
            CapabilityEvent::CapabilityUpdated { fields } => self.fields = Some(fields),
            CapabilityEvent::CapabilityDeleted {} => {
                self.fields = None;
                self.deleted = true;
            }
            CapabilityEvent::CapabilitySelected { application_id, .. } => {
                self.selected_by.insert(application_id);
            }
            CapabilityEvent::CapabilityUnselected { application_id, .. } => {
                self.selected_by.remove(&application_id);
            }
        }
    }
}

impl HoldsUniqueKeys for Capability {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.fields
            .iter()
            .flat_map(|f| {
                [
                    UniqueKey {
                        scope: CAPABILITY_NAME,
                        key: f.name.trim().to_lowercase(),
                    },
                    UniqueKey {
                        scope: CAPABILITY_NAME_EN,
                        key: f.name_en.trim().to_lowercase(),
                    },
                ]
            })
            .collect()
    }
}
