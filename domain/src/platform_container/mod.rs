//! The PlatformContainer aggregate: a container of the container platform (`containers`), in a
//! namespace, running an image with resources, ports, environment and volume mounts. Its stream
//! id is its integer id (`containers_id_seq`); its name (also its Kubernetes name) is unique in
//! its namespace and never changes. The namespace admits it first and releases it after its
//! deletion (ADR 0016). Its status follows the published lifecycle ([`lifecycle`]): an action
//! is an operation the workflow runner carries out against the orchestrator, and the status
//! changes when the orchestrator reports the outcome; a watcher records what the orchestrator
//! reports between actions. Each change is a `container_status_history` row.

mod command;
mod error;
mod event;
pub mod lifecycle;
mod report;
#[cfg(test)]
mod tests;
mod values;

pub use command::{Placement, PlatformContainerAction, PlatformContainerCommand};
pub use error::{ContainerSpecError, PlatformContainerError};
pub use event::{PlatformContainerEvent, PlatformContainerEventKind, StatusChange, TriggeredBy};
pub use lifecycle::{status_of, transition, ContainerStatus, Transition, Verb};
pub use report::{PodReport, WorkloadReport};
pub use values::{
    is_data_key, ContainerSpec, EnvSource, EnvVar, PortSpec, Protocol, VolumeMount, MAX_ENV,
    MAX_MOUNTS, MAX_PORTS, NODE_PORTS,
};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::operation::{OperationEvent, OperationKind, Operations};
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique `<namespace id>/<name>`.
pub const CONTAINER_NAME: &str = "platform_container.name";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlatformContainer {
    pub namespace_id: Option<i64>,
    pub kubernetes_namespace: String,
    pub image_reference: String,
    /// Kept after deletion: the removal of its workload needs its names.
    pub spec: Option<ContainerSpec>,
    pub status: ContainerStatus,
    pub pod: Option<PodReport>,
    pub deleted: bool,
    pub operations: Operations,
}

type E = PlatformContainerEvent;
type Error = PlatformContainerError;

impl PlatformContainer {
    /// The spec of a container that lives.
    pub fn live(&self) -> Option<&ContainerSpec> {
        self.spec.as_ref().filter(|_| !self.deleted)
    }

    fn requested(
        &self,
        command: &PlatformContainerCommand,
        kind: OperationKind,
        container_id: i64,
        operation_id: String,
        at: chrono::DateTime<chrono::Utc>,
    ) -> E {
        E::Operation(OperationEvent::OperationRequested {
            operation_id,
            kind,
            object_id: container_id.to_string(),
            object_name: self
                .spec
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            user_id: command.actor.user_id.clone(),
            user_name: command.actor.user_name.clone(),
            at,
        })
    }

    fn decide(&self, command: PlatformContainerCommand) -> Result<Vec<E>, Error> {
        use PlatformContainerAction as A;
        match &command.action {
            A::Create {
                placement,
                image_reference,
                spec,
                by,
            } => {
                if self.spec.is_some() || self.deleted {
                    return Err(Error::AlreadyExists);
                }
                return Ok(vec![
                    E::PlatformContainerCreated {
                        namespace_id: placement.namespace_id,
                        kubernetes_namespace: placement.kubernetes_namespace.clone(),
                        image_reference: image_reference.clone(),
                        spec: spec.clone().validated()?,
                        created_by: *by,
                    },
                    E::PlatformContainerStatusChanged {
                        change: StatusChange {
                            previous: None,
                            current: ContainerStatus::Pending,
                            reason: Some("Created".into()),
                            message: None,
                            triggered_by: TriggeredBy::User,
                            user_id: *by,
                            operation_id: None,
                        },
                    },
                ]);
            }
            A::Step {
                operation_id,
                events,
            } => {
                self.operations.check_ongoing(operation_id)?;
                return Ok(events.clone());
            }
            _ => {}
        }
        let current = self.live().ok_or(Error::NotFound)?;
        let busy = self.operations.ongoing().map(|op| op.id.clone());
        Ok(match command.action.clone() {
            A::Create { .. } | A::Step { .. } => unreachable!("decided above"),
            A::Update {
                image_reference,
                spec,
                by,
            } => {
                let spec = spec.validated()?;
                if spec.name != current.name {
                    return Err(Error::Immutable("name"));
                }
                if spec == *current && image_reference == self.image_reference {
                    return Ok(vec![]);
                }
                vec![E::PlatformContainerUpdated {
                    image_reference,
                    spec,
                    updated_by: by,
                }]
            }
            A::Act {
                container_id,
                verb,
                operation_id,
                at,
            } => {
                if let Some(op) = busy {
                    return Err(Error::Busy(op));
                }
                match transition(self.status, verb) {
                    Transition::AlreadyThere => return Err(Error::AlreadyThere(self.status)),
                    Transition::NotAllowed => return Err(Error::NotAllowed(self.status, verb)),
                    Transition::Allowed => {}
                }
                vec![self.requested(&command, verb.operation(), container_id, operation_id, at)]
            }
            A::Delete {
                container_id,
                force,
                operation_id,
                by,
                at,
            } => {
                let mut events = Vec::new();
                if let Some(op) = busy {
                    if !force {
                        return Err(Error::Busy(op));
                    }
                    events.push(E::Operation(OperationEvent::OperationCancelled {
                        operation_id: op,
                        by: command.actor.user_name.clone(),
                        at,
                    }));
                }
                if self.status.needs_force() && !force {
                    return Err(Error::NeedsForce(self.status));
                }
                events.push(E::PlatformContainerDeleted {
                    forced: force,
                    deleted_by: by,
                });
                events.push(self.requested(
                    &command,
                    OperationKind::ContainerRemove,
                    container_id,
                    operation_id,
                    at,
                ));
                events
            }
            A::Observe { report } => {
                if busy.is_some() {
                    return Ok(vec![]);
                }
                let mut events = Vec::new();
                if let Some(status) = status_of(&report).filter(|s| *s != self.status) {
                    let pod = report.pod.as_ref().map(|p| p.clone().bounded());
                    let pod = pod.as_ref();
                    events.push(E::PlatformContainerStatusChanged {
                        change: StatusChange {
                            previous: Some(self.status),
                            current: status,
                            reason: pod.and_then(|p| p.reason.clone()),
                            message: pod.and_then(|p| p.message.clone()),
                            triggered_by: TriggeredBy::Kubernetes,
                            user_id: None,
                            operation_id: None,
                        },
                    });
                }
                let pod = report.pod.map(PodReport::bounded);
                if report.exists && pod != self.pod {
                    events.push(E::PlatformContainerPodReported { pod });
                }
                events
            }
        })
    }
}

impl Aggregate for PlatformContainer {
    const TYPE: &'static str = "platform_container";
    type Command = PlatformContainerCommand;
    type Event = PlatformContainerEvent;
    type Error = PlatformContainerError;
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
            E::PlatformContainerCreated {
                namespace_id,
                kubernetes_namespace,
                image_reference,
                spec,
                ..
            } => {
                self.namespace_id = Some(namespace_id);
                self.kubernetes_namespace = kubernetes_namespace;
                self.image_reference = image_reference;
                self.spec = Some(spec);
            }
            E::PlatformContainerUpdated {
                image_reference,
                spec,
                ..
            } => {
                self.image_reference = image_reference;
                self.spec = Some(spec);
            }
            E::PlatformContainerStatusChanged { change } => self.status = change.current,
            E::PlatformContainerPodReported { pod } => self.pod = pod,
            E::PlatformContainerDeleted { .. } => self.deleted = true,
            E::Operation(op) => self.operations.apply(&op),
        }
    }
}

impl HoldsUniqueKeys for PlatformContainer {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        match (&self.namespace_id, self.live()) {
            (Some(namespace), Some(spec)) => vec![UniqueKey {
                scope: CONTAINER_NAME,
                key: format!("{namespace}/{}", spec.name),
            }],
            _ => vec![],
        }
    }
}
