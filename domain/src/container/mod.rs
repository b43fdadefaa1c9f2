//! The Container aggregate: a container application's life on a K8S sandbox host, one stream
//! per application (its id is the application's) — the launch operation that packs its helm
//! charts, distributes and instantiates them, the instance it leaves (pods, containers,
//! services), and its clean-up. The charts themselves belong to the Application aggregate; a
//! launch copies them into its plan.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ContainerAction, ContainerCommand};
pub use error::ContainerError;
pub use event::{ContainerEvent, ContainerEventKind};
pub use values::{
    ContainerInfo, ContainerInstance, ContainerLaunchPlan, LaunchChart, PodInfo, ServiceInfo,
    ServicePortInfo,
};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::identity::Actor;
use crate::operation::{OperationEvent, OperationKind, Operations};

/// The deployment state of one container application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Container {
    pub owner_id: Option<String>,
    /// The plan of the last launch (kept while its instance lives: clean-up uses it).
    pub plan: Option<ContainerLaunchPlan>,
    pub instance: Option<ContainerInstance>,
    pub operations: Operations,
}

impl Container {
    fn check_actor(&self, actor: &Actor) -> Result<(), ContainerError> {
        match &self.owner_id {
            Some(owner) if !actor.may_act_on(owner) => Err(ContainerError::Forbidden),
            _ if !actor.may_write() => Err(ContainerError::Forbidden),
            _ => Ok(()),
        }
    }

    fn refuse_if_running(&self) -> Result<(), ContainerError> {
        match self.operations.ongoing() {
            Some(op) => Err(ContainerError::OperationRunning(op.id.clone())),
            None => Ok(()),
        }
    }

    fn decide(&self, command: ContainerCommand) -> Result<Vec<ContainerEvent>, ContainerError> {
        Ok(match command.action {
            ContainerAction::RequestLaunch {
                operation_id,
                plan,
                at,
            } => {
                self.check_actor(&command.actor)?;
                self.refuse_if_running()?;
                if self.instance.is_some() {
                    return Err(ContainerError::AlreadyInstantiated);
                }
                vec![
                    ContainerEvent::Operation(OperationEvent::OperationRequested {
                        operation_id,
                        kind: OperationKind::ContainerLaunch,
                        object_id: plan.app_id.clone(),
                        object_name: plan.app_name.clone(),
                        user_id: command.actor.user_id.clone(),
                        user_name: command.actor.user_name.clone(),
                        at,
                    }),
                    ContainerEvent::ContainerLaunchRequested { plan },
                ]
            }
            ContainerAction::Step {
                operation_id,
                events,
            } => {
                self.operations.check_ongoing(&operation_id)?;
                events
            }
            ContainerAction::Cancel { operation_id, at } => {
                self.check_actor(&command.actor)?;
                self.operations.check_ongoing(&operation_id)?;
                vec![ContainerEvent::Operation(
                    OperationEvent::OperationCancelled {
                        operation_id,
                        by: command.actor.user_name.clone(),
                        at,
                    },
                )]
            }
            ContainerAction::CleanInstance { log } => {
                self.refuse_if_running()?;
                if self.instance.is_none() {
                    return Ok(Vec::new());
                }
                let mut events: Vec<ContainerEvent> = log
                    .into_iter()
                    .map(|entry| ContainerEvent::ContainerHostLogged { entry: *entry })
                    .collect();
                events.push(ContainerEvent::ContainerInstanceCleaned {});
                events
            }
        })
    }
}

impl Aggregate for Container {
    const TYPE: &'static str = "container";
    type Command = ContainerCommand;
    type Event = ContainerEvent;
    type Error = ContainerError;
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
            ContainerEvent::ContainerLaunchRequested { plan } => {
                self.owner_id.get_or_insert_with(|| plan.tenant.clone());
                self.instance = Some(ContainerInstance {
                    operation_id: self
                        .operations
                        .current
                        .as_ref()
                        .map(|op| op.id.clone())
                        .unwrap_or_default(),
                    ..ContainerInstance::default()
                });
                self.plan = Some(*plan);
            }
            ContainerEvent::ContainerInstanceRecorded { info } => self.instance = Some(info),
            ContainerEvent::ContainerHostLogged { .. } => {}
            ContainerEvent::ContainerInstanceCleaned {} => self.instance = None,
            ContainerEvent::Operation(op) => self.operations.apply(&op),
        }
    }
}

impl crate::uniqueness::HoldsUniqueKeys for Container {
    fn unique_keys(&self) -> Vec<crate::uniqueness::UniqueKey> {
        Vec::new()
    }
}
