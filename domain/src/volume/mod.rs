//! The Volume aggregate: storage a namespace's containers mount (`volumes`), of one of five
//! types, each with its own rules (`values`). Its stream id is its integer id (`volumes_id_seq`);
//! its name is unique in its namespace and never changes. The namespace admits it first and
//! releases it after its deletion (ADR 0016). A `host_path` volume needs `volumes:admin` (the
//! handler checks it); a `config_map` or `secret` volume names one of the namespace's.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{VolumeAction, VolumeCommand};
pub use error::VolumeError;
pub use event::{VolumeEvent, VolumeEventKind};
pub use values::{is_absolute_path, AccessMode, VolumeFields, VolumeType};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique `<namespace id>/<name>`.
pub const VOLUME_NAME: &str = "volume.name";

/// The state a decision needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    pub namespace_id: Option<i64>,
    pub name: Option<String>,
    pub deleted: bool,
    /// What it is (a container's Deployment mounts it by these).
    #[serde(default)]
    pub fields: Option<VolumeFields>,
}

impl Aggregate for Volume {
    const TYPE: &'static str = "volume";
    type Command = VolumeCommand;
    type Event = VolumeEvent;
    type Error = VolumeError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command.action {
            VolumeAction::Create {
                namespace_id,
                fields,
                by,
            } => {
                if self.name.is_some() || self.deleted {
                    return Err(VolumeError::AlreadyExists);
                }
                VolumeEvent::VolumeCreated {
                    namespace_id,
                    fields: fields.validated()?,
                    created_by: by,
                }
            }
            VolumeAction::Update { fields, by } => {
                let current = self
                    .fields
                    .as_ref()
                    .filter(|_| !self.deleted)
                    .ok_or(VolumeError::NotFound)?;
                let fields = fields.validated()?;
                current.check_change(&fields)?;
                if fields == *current {
                    return Ok(());
                }
                VolumeEvent::VolumeUpdated {
                    fields,
                    updated_by: by,
                }
            }
            VolumeAction::Delete => {
                self.name.as_ref().ok_or(VolumeError::NotFound)?;
                VolumeEvent::VolumeDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            VolumeEvent::VolumeCreated {
                namespace_id,
                fields,
                ..
            } => {
                self.namespace_id = Some(namespace_id);
                self.name = Some(fields.name.clone());
                self.fields = Some(fields);
            }
            VolumeEvent::VolumeUpdated { fields, .. } => self.fields = Some(fields),
            VolumeEvent::VolumeDeleted {} => {
                self.name = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for Volume {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        match (&self.namespace_id, &self.name) {
            (Some(namespace), Some(name)) => vec![UniqueKey {
                scope: VOLUME_NAME,
                key: format!("{namespace}/{name}"),
            }],
            _ => vec![],
        }
    }
}
