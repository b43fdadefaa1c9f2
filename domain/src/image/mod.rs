//! The Image aggregate: a container image the container platform's containers run
//! (`container_images`), registered as `name:tag` with what is known of it (digest, repository,
//! size, architecture, OS). Its stream id is its integer id (`container_images_id_seq`);
//! `(name, tag)` is unique. A deleted image's `name:tag` is free again.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ImageAction, ImageCommand};
pub use error::ImageError;
pub use event::{ImageEvent, ImageEventKind};
pub use values::{is_image_name, is_tag, ImageFields, ARCHITECTURES, OPERATING_SYSTEMS};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique `name:tag`.
pub const IMAGE_REFERENCE: &str = "image.reference";

/// The state a decision needs: the reference while the image is registered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Image {
    pub reference: Option<String>,
    pub deleted: bool,
}

impl Aggregate for Image {
    const TYPE: &'static str = "image";
    type Command = ImageCommand;
    type Event = ImageEvent;
    type Error = ImageError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command.action {
            ImageAction::Register { fields, by } => {
                if self.reference.is_some() || self.deleted {
                    return Err(ImageError::AlreadyExists);
                }
                ImageEvent::ImageRegistered {
                    fields: fields.validated()?,
                    registered_by: by,
                }
            }
            ImageAction::Delete => {
                self.reference.as_ref().ok_or(ImageError::NotFound)?;
                ImageEvent::ImageDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ImageEvent::ImageRegistered { fields, .. } => {
                self.reference = Some(fields.reference());
            }
            ImageEvent::ImageDeleted {} => {
                self.reference = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for Image {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.reference
            .iter()
            .map(|reference| UniqueKey {
                scope: IMAGE_REFERENCE,
                key: reference.clone(),
            })
            .collect()
    }
}
