//! The Namespace aggregate (issue "Container platform I"): a Kubernetes namespace of the
//! container platform, with its quota and status. Its stream id is its integer id
//! (`namespaces_id_seq`, ADR 0015). `name` is unique, and `kubernetesName` unique in its
//! cluster. It also counts what lives in it: each config map, secret, container or volume is
//! admitted here (a small event) before its own stream is written, and released when deleted,
//! so "refused while it holds resources" and "only into an active namespace" are decided on
//! this one stream, race-free (ADR 0016). A resource admitted by a request that died before
//! writing it is released by the next delete of the namespace (the handler finds no stream).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{NamespaceAction, NamespaceCommand};
pub use error::NamespaceError;
pub use event::{NamespaceEvent, NamespaceEventKind};
pub use values::{NamespaceFields, BYTE_KEYS, COUNT_KEYS, CPU_KEYS};

use std::collections::BTreeSet;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique namespace name.
pub const NAMESPACE_NAME: &str = "namespace.name";
/// Scope of the unique `<clusterName>/<kubernetesName>`.
pub const KUBERNETES_NAME: &str = "namespace.kubernetes_name";

/// The kinds of resource a namespace holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    ConfigMap,
    Secret,
    Container,
    Volume,
}

impl ResourceKind {
    /// The plural a person reads in a message.
    pub fn plural(self) -> &'static str {
        match self {
            ResourceKind::ConfigMap => "config maps",
            ResourceKind::Secret => "secrets",
            ResourceKind::Container => "containers",
            ResourceKind::Volume => "volumes",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Namespace {
    pub fields: Option<NamespaceFields>,
    pub active: bool,
    pub deleted: bool,
    /// What lives in it, by kind and id.
    pub held: BTreeSet<(ResourceKind, i64)>,
}

impl Namespace {
    fn decide(&self, action: NamespaceAction) -> Result<Vec<NamespaceEvent>, NamespaceError> {
        use NamespaceEvent as E;
        if let NamespaceAction::Create { fields, by } = action {
            if self.fields.is_some() || self.deleted {
                return Err(NamespaceError::AlreadyExists);
            }
            return Ok(vec![E::NamespaceCreated {
                fields: fields.validated()?,
                created_by: by,
            }]);
        }
        let current = self.fields.as_ref().ok_or(NamespaceError::NotFound)?;
        Ok(match action {
            NamespaceAction::Create { .. } => unreachable!("decided above"),
            NamespaceAction::Update { fields, by } => {
                let fields = fields.validated()?;
                if fields.kubernetes_name != current.kubernetes_name {
                    return Err(NamespaceError::Immutable("kubernetesName"));
                }
                if fields.cluster_name != current.cluster_name {
                    return Err(NamespaceError::Immutable("clusterName"));
                }
                if *current == fields {
                    return Ok(vec![]);
                }
                vec![E::NamespaceUpdated {
                    fields,
                    updated_by: by,
                }]
            }
            NamespaceAction::Activate { by } if !self.active => {
                vec![E::NamespaceActivated { updated_by: by }]
            }
            NamespaceAction::Deactivate { by } if self.active => {
                vec![E::NamespaceDeactivated { updated_by: by }]
            }
            NamespaceAction::Activate { .. } | NamespaceAction::Deactivate { .. } => vec![],
            NamespaceAction::Delete => {
                if let Some(kinds) = self.held_kinds() {
                    return Err(NamespaceError::NotEmpty(kinds));
                }
                vec![E::NamespaceDeleted {}]
            }
            NamespaceAction::Admit { kind, id } => {
                if !self.active {
                    return Err(NamespaceError::Inactive);
                }
                if self.held.contains(&(kind, id)) {
                    return Ok(vec![]);
                }
                vec![E::NamespaceResourceAdmitted { kind, id }]
            }
            NamespaceAction::Release { kind, id } => {
                if !self.held.contains(&(kind, id)) {
                    return Ok(vec![]);
                }
                vec![E::NamespaceResourceReleased { kind, id }]
            }
        })
    }

    /// "2 config maps and 1 secret", or none when it holds nothing.
    fn held_kinds(&self) -> Option<String> {
        let mut counts: Vec<(ResourceKind, usize)> = Vec::new();
        for (kind, _) in &self.held {
            match counts.last_mut() {
                Some((last, n)) if last == kind => *n += 1,
                _ => counts.push((*kind, 1)),
            }
        }
        let parts: Vec<String> = counts
            .iter()
            .map(|(kind, n)| format!("{n} {}", kind.plural()))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

impl Aggregate for Namespace {
    const TYPE: &'static str = "namespace";
    type Command = NamespaceCommand;
    type Event = NamespaceEvent;
    type Error = NamespaceError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command.action)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            NamespaceEvent::NamespaceCreated { fields, .. } => {
                self.fields = Some(fields);
                self.active = true;
            }
            NamespaceEvent::NamespaceUpdated { fields, .. } => self.fields = Some(fields),
            NamespaceEvent::NamespaceActivated { .. } => self.active = true,
            NamespaceEvent::NamespaceDeactivated { .. } => self.active = false,
            NamespaceEvent::NamespaceDeleted {} => {
                self.fields = None;
                self.active = false;
                self.deleted = true;
            }
            NamespaceEvent::NamespaceResourceAdmitted { kind, id } => {
                self.held.insert((kind, id));
            }
            NamespaceEvent::NamespaceResourceReleased { kind, id } => {
                self.held.remove(&(kind, id));
            }
        }
    }
}

impl HoldsUniqueKeys for Namespace {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        let Some(fields) = &self.fields else {
            return vec![];
        };
        vec![
            UniqueKey {
                scope: NAMESPACE_NAME,
                key: fields.name.clone(),
            },
            UniqueKey {
                scope: KUBERNETES_NAME,
                key: format!("{}/{}", fields.cluster_name, fields.kubernetes_name),
            },
        ]
    }
}
