//! The ConfigMap aggregate: configuration data of one namespace (`data` strings and
//! `binaryData` base64, 1 MiB at most). Its stream id is its integer id (`config_maps_id_seq`);
//! its name is unique in its namespace and never changes. The namespace admits it first and
//! releases it after its deletion (ADR 0016), which is what keeps a namespace with config maps
//! from being deleted.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ConfigMapAction, ConfigMapCommand};
pub use error::ConfigMapError;
pub use event::{ConfigMapEvent, ConfigMapEventKind};
pub use values::{is_data_key, ConfigMapFields, MAX_BYTES};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique `<namespace id>/<name>`.
pub const CONFIG_MAP_NAME: &str = "config_map.name";

/// The state a decision needs: the namespace, the name and the key names (not the values).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigMap {
    pub namespace_id: Option<i64>,
    pub name: Option<String>,
    pub keys: Vec<String>,
    pub deleted: bool,
}

impl ConfigMap {
    fn keys_of(fields: &ConfigMapFields) -> Vec<String> {
        fields
            .data
            .keys()
            .chain(fields.binary_data.keys())
            .cloned()
            .collect()
    }
}

impl Aggregate for ConfigMap {
    const TYPE: &'static str = "config_map";
    type Command = ConfigMapCommand;
    type Event = ConfigMapEvent;
    type Error = ConfigMapError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command.action {
            ConfigMapAction::Create {
                namespace_id,
                fields,
                by,
            } => {
                if self.name.is_some() || self.deleted {
                    return Err(ConfigMapError::AlreadyExists);
                }
                ConfigMapEvent::ConfigMapCreated {
                    namespace_id,
                    fields: fields.validated()?,
                    created_by: by,
                }
            }
            ConfigMapAction::Update { fields, by } => {
                let name = self.name.as_ref().ok_or(ConfigMapError::NotFound)?;
                let fields = fields.validated()?;
                if fields.name != *name {
                    return Err(ConfigMapError::Renamed);
                }
                ConfigMapEvent::ConfigMapUpdated {
                    fields,
                    updated_by: by,
                }
            }
            ConfigMapAction::Delete => {
                self.name.as_ref().ok_or(ConfigMapError::NotFound)?;
                ConfigMapEvent::ConfigMapDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ConfigMapEvent::ConfigMapCreated {
                namespace_id,
                fields,
                ..
            } => {
                self.namespace_id = Some(namespace_id);
                self.keys = Self::keys_of(&fields);
                self.name = Some(fields.name);
            }
            ConfigMapEvent::ConfigMapUpdated { fields, .. } => self.keys = Self::keys_of(&fields),
            ConfigMapEvent::ConfigMapDeleted {} => {
                self.name = None;
                self.keys.clear();
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for ConfigMap {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        match (&self.namespace_id, &self.name) {
            (Some(namespace), Some(name)) => vec![UniqueKey {
                scope: CONFIG_MAP_NAME,
                key: format!("{namespace}/{name}"),
            }],
            _ => vec![],
        }
    }
}
