//! The NamespaceSecret aggregate (`secret`): a namespace's secret of type `Opaque`,
//! `kubernetes.io/tls` or `kubernetes.io/dockerconfigjson`. Its values are sealed with the
//! server's key before they enter a command, so events, tables, logs and messages hold only
//! ciphertext; reading them back is a command of its own (`Reveal`), so every reveal is in the
//! log. Its stream id is its integer id (`secrets_id_seq`); its name is unique in its namespace
//! and, like its type, never changes. The namespace admits it first and releases it after its
//! deletion (ADR 0016).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{SecretAction, SecretCommand};
pub use error::SecretError;
pub use event::{SecretEvent, SecretEventKind};
pub use values::{check_name, check_plain, SecretType};

use std::collections::BTreeMap;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::config_map::is_data_key;
use crate::secret::Sealed;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique `<namespace id>/<name>`.
pub const SECRET_NAME: &str = "secret.name";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamespaceSecret {
    pub namespace_id: Option<i64>,
    pub name: Option<String>,
    pub secret_type: Option<SecretType>,
    /// The sealed values by key.
    pub data: BTreeMap<String, Sealed>,
    pub deleted: bool,
}

fn check_keys(data: &BTreeMap<String, Sealed>) -> Result<(), SecretError> {
    match data.keys().find(|k| !is_data_key(k)) {
        Some(key) => Err(SecretError::Key(key.clone())),
        None => Ok(()),
    }
}

impl NamespaceSecret {
    fn decide(&self, action: SecretAction) -> Result<SecretEvent, SecretError> {
        if let SecretAction::Create {
            namespace_id,
            name,
            secret_type,
            data,
            by,
        } = action
        {
            if self.name.is_some() || self.deleted {
                return Err(SecretError::AlreadyExists);
            }
            check_name(&name)?;
            check_keys(&data)?;
            return Ok(SecretEvent::SecretCreated {
                namespace_id,
                name,
                secret_type,
                data,
                created_by: by,
            });
        }
        let current = self.name.as_ref().ok_or(SecretError::NotFound)?;
        Ok(match action {
            SecretAction::Create { .. } => unreachable!("decided above"),
            SecretAction::Update {
                name,
                secret_type,
                data,
                by,
            } => {
                if name != *current {
                    return Err(SecretError::Renamed);
                }
                if Some(secret_type) != self.secret_type {
                    return Err(SecretError::Retyped);
                }
                check_keys(&data)?;
                SecretEvent::SecretUpdated {
                    data,
                    updated_by: by,
                }
            }
            SecretAction::Reveal { by } => SecretEvent::SecretRevealed {
                revealed_by: by,
                keys: self.data.keys().cloned().collect(),
            },
            SecretAction::Reseal { data } => {
                if data.keys().ne(self.data.keys()) {
                    return Err(SecretError::Key("a resealed secret keeps its keys".into()));
                }
                SecretEvent::SecretResealed { data }
            }
            SecretAction::Delete => SecretEvent::SecretDeleted {},
        })
    }
}

impl Aggregate for NamespaceSecret {
    const TYPE: &'static str = "secret";
    type Command = SecretCommand;
    type Event = SecretEvent;
    type Error = SecretError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = self.decide(command.action)?;
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            SecretEvent::SecretCreated {
                namespace_id,
                name,
                secret_type,
                data,
                ..
            } => {
                self.namespace_id = Some(namespace_id);
                self.name = Some(name);
                self.secret_type = Some(secret_type);
                self.data = data;
            }
            SecretEvent::SecretUpdated { data, .. } | SecretEvent::SecretResealed { data } => {
                self.data = data
            }
            SecretEvent::SecretRevealed { .. } => {}
            SecretEvent::SecretDeleted {} => {
                self.name = None;
                self.data.clear();
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for NamespaceSecret {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        match (&self.namespace_id, &self.name) {
            (Some(namespace), Some(name)) => vec![UniqueKey {
                scope: SECRET_NAME,
                key: format!("{namespace}/{name}"),
            }],
            _ => vec![],
        }
    }
}
