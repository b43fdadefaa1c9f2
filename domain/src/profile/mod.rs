//! The Profile aggregate (reference 1.10, "industry templates"): an admin's zip with a
//! `profile.yaml`, deploy files of Kubernetes manifests and a config script, from which a tenant
//! makes a container application with its helm charts and script in one request.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ProfileAction, ProfileCommand};
pub use error::ProfileError;
pub use event::{ProfileEvent, ProfileEventKind};
pub use values::{ProfileApp, ProfileFields, MAX_APPS};

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// The write-side state of one profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub fields: Option<ProfileFields>,
    pub created_at: Option<DateTime<Utc>>,
    /// Set once deleted: the id is never used again.
    pub deleted: bool,
}

impl Profile {
    fn decide(&self, command: ProfileCommand) -> Result<Vec<ProfileEvent>, ProfileError> {
        if !command.actor.is_admin() {
            return Err(ProfileError::Forbidden);
        }
        Ok(match command.action {
            ProfileAction::Create { fields, at } => {
                if self.fields.is_some() || self.deleted {
                    return Err(ProfileError::AlreadyExists);
                }
                vec![ProfileEvent::ProfileCreated {
                    fields: fields.validated()?,
                    at,
                }]
            }
            ProfileAction::Update { fields, at } => {
                if self.fields.is_none() {
                    return Err(ProfileError::NotFound);
                }
                vec![ProfileEvent::ProfileUpdated {
                    fields: fields.validated()?,
                    at,
                }]
            }
            ProfileAction::Delete => {
                if self.fields.is_none() {
                    return Err(ProfileError::NotFound);
                }
                vec![ProfileEvent::ProfileDeleted {}]
            }
        })
    }
}

impl Aggregate for Profile {
    const TYPE: &'static str = "profile";
    type Command = ProfileCommand;
    type Event = ProfileEvent;
    type Error = ProfileError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ProfileEvent::ProfileCreated { fields, at } => {
                self.fields = Some(fields);
                self.created_at = Some(at);
            }
            ProfileEvent::ProfileUpdated { fields, .. } => self.fields = Some(fields),
            ProfileEvent::ProfileDeleted {} => {
                self.fields = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for Profile {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        Vec::new()
    }
}
