//! The ContainerImage aggregate (reference 1.10, container images): an image a developer
//! uploaded as a `docker save` tar and edgedev pushed to the image registry, or an admin
//! imported from it; `(imageName, imageVersion, userName)` is unique.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ContainerImageAction, ContainerImageCommand};
pub use error::ContainerImageError;
pub use event::{ContainerImageEvent, ContainerImageEventKind};
pub use values::{ContainerImageFields, ImageType};

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::identity::Actor;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the (name, version, user name) reservation.
pub const NAME_VERSION_USER: &str = "container_image.name_version_user";

/// An image that exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveImage {
    pub fields: ContainerImageFields,
    pub user_id: String,
    pub user_name: String,
    pub created_at: DateTime<Utc>,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerImage {
    pub state: Option<LiveImage>,
    pub deleted: bool,
}

impl ContainerImage {
    /// Whether `actor` may see the image: its owner, an admin, anyone for a public one.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        self.state.as_ref().is_some_and(|live| {
            actor.may_act_on(&live.user_id) || live.fields.image_type == ImageType::Public
        })
    }

    fn pushed(
        &self,
        actor: &Actor,
        fields: ContainerImageFields,
        at: DateTime<Utc>,
    ) -> ContainerImageEvent {
        ContainerImageEvent::ContainerImagePushed {
            fields,
            user_id: actor.user_id.clone(),
            user_name: actor.user_name.clone(),
            at,
        }
    }

    fn decide(
        &self,
        command: ContainerImageCommand,
    ) -> Result<Vec<ContainerImageEvent>, ContainerImageError> {
        let actor = &command.actor;
        if self.deleted {
            return Err(ContainerImageError::Deleted);
        }
        Ok(match command.action {
            ContainerImageAction::RecordPush { fields, at } => {
                if !actor.may_write() {
                    return Err(ContainerImageError::Forbidden);
                }
                if let Some(live) = &self.state {
                    if live.user_id != actor.user_id {
                        return Err(ContainerImageError::Forbidden);
                    }
                }
                vec![self.pushed(actor, fields, at)]
            }
            ContainerImageAction::Import { fields, at } => {
                if !actor.is_admin() {
                    return Err(ContainerImageError::Forbidden);
                }
                if self.state.is_some() {
                    return Ok(Vec::new());
                }
                vec![self.pushed(actor, fields, at)]
            }
            ContainerImageAction::SetType { image_type } => {
                let live = self.state.as_ref().ok_or(ContainerImageError::NotFound)?;
                if live.user_id != actor.user_id {
                    return Err(ContainerImageError::Forbidden);
                }
                if live.fields.image_type == image_type {
                    return Ok(Vec::new());
                }
                vec![ContainerImageEvent::ContainerImageTypeChanged { image_type }]
            }
            ContainerImageAction::Delete => {
                let live = self.state.as_ref().ok_or(ContainerImageError::NotFound)?;
                if !actor.may_act_on(&live.user_id) {
                    return Err(ContainerImageError::Forbidden);
                }
                vec![ContainerImageEvent::ContainerImageDeleted {}]
            }
        })
    }
}

impl Aggregate for ContainerImage {
    const TYPE: &'static str = "container_image";
    type Command = ContainerImageCommand;
    type Event = ContainerImageEvent;
    type Error = ContainerImageError;
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
            ContainerImageEvent::ContainerImagePushed {
                fields,
                user_id,
                user_name,
                at,
            } => {
                let created_at = self.state.as_ref().map_or(at, |l| l.created_at);
                self.state = Some(LiveImage {
                    fields,
                    user_id,
                    user_name,
                    created_at,
                    uploaded_at: at,
                });
            }
            ContainerImageEvent::ContainerImageTypeChanged { image_type } => {
                if let Some(live) = self.state.as_mut() {
                    live.fields.image_type = image_type;
                }
            }
            ContainerImageEvent::ContainerImageDeleted {} => {
                self.state = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for ContainerImage {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.state
            .iter()
            .map(|live| UniqueKey {
                scope: NAME_VERSION_USER,
                key: serde_json::json!([
                    live.fields.image_name,
                    live.fields.image_version,
                    live.user_name
                ])
                .to_string(),
            })
            .collect()
    }
}
