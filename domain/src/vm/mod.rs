//! The Vm aggregate: one configured VM's life on a sandbox host — its launch and image export
//! operations, the instance facts they leave (instantiate info, export info, addresses, images)
//! and its status NOT_DEPLOY -> DEPLOYED -> EXPORTED. The VM's configuration itself (name, flavor,
//! ports, certificate) belongs to the Application aggregate; a launch copies it into its plan.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{VmAction, VmCommand};
pub use error::VmError;
pub use event::{VmEvent, VmEventKind};
pub use values::{
    ExportInfo, ExportedImage, HostLogEntry, HostSnapshot, InstantiateInfo, LaunchPlan,
    PlaneAddress, PortAddress, VmStatus,
};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::identity::Actor;
use crate::operation::{OperationEvent, OperationKind, Operations};
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of a host address reservation: key `[hostId, ip]`.
pub const HOST_ADDRESS: &str = "host.address";

/// Instantiate status once the workload runs.
pub const INSTANTIATED: &str = "SUCCESS";

/// The deployment state of one VM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vm {
    pub owner_id: Option<String>,
    pub status: VmStatus,
    pub target_image_id: Option<i32>,
    /// The plan of the last launch (kept while its instance lives: export and clean-up use it).
    pub plan: Option<LaunchPlan>,
    pub instance: Option<InstantiateInfo>,
    pub export: Option<ExportInfo>,
    pub host_id: Option<String>,
    pub addresses: Vec<PlaneAddress>,
    pub operations: Operations,
}

impl Vm {
    fn check_actor(&self, actor: &Actor) -> Result<(), VmError> {
        match &self.owner_id {
            Some(owner) if !actor.may_act_on(owner) => Err(VmError::Forbidden),
            _ if !actor.may_write() => Err(VmError::Forbidden),
            _ => Ok(()),
        }
    }

    fn refuse_if_running(&self) -> Result<(), VmError> {
        match self.operations.ongoing() {
            Some(op) => Err(VmError::OperationRunning(op.id.clone())),
            None => Ok(()),
        }
    }

    /// Whether anything of the VM is left on a host: an instance (or a launch's leftovers), an
    /// exported image, or reserved addresses. Clean-up removes all of them.
    pub fn holds_host_resources(&self) -> bool {
        self.instance.is_some() || self.export.is_some() || !self.addresses.is_empty()
    }
}

impl Aggregate for Vm {
    const TYPE: &'static str = "vm";
    type Command = VmCommand;
    type Event = VmEvent;
    type Error = VmError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = match command.action {
            VmAction::RequestLaunch {
                operation_id,
                plan,
                at,
            } => {
                self.check_actor(&command.actor)?;
                self.refuse_if_running()?;
                if self.instance.is_some() {
                    return Err(VmError::AlreadyInstantiated);
                }
                vec![
                    VmEvent::Operation(OperationEvent::OperationRequested {
                        operation_id,
                        kind: OperationKind::VmLaunch,
                        object_id: plan.vm.id.clone(),
                        object_name: plan.vm.spec.name.clone(),
                        user_id: command.actor.user_id.clone(),
                        user_name: command.actor.user_name.clone(),
                        at,
                    }),
                    VmEvent::LaunchRequested { plan },
                ]
            }
            VmAction::RequestExport { operation_id, at } => {
                self.check_actor(&command.actor)?;
                self.refuse_if_running()?;
                let (Some(instance), Some(plan)) = (&self.instance, &self.plan) else {
                    return Err(VmError::NotInstantiated);
                };
                if instance.status.as_deref() != Some(INSTANTIATED) {
                    return Err(VmError::NotInstantiated);
                }
                vec![VmEvent::Operation(OperationEvent::OperationRequested {
                    operation_id,
                    kind: OperationKind::VmExportImage,
                    object_id: plan.vm.id.clone(),
                    object_name: plan.vm.spec.name.clone(),
                    user_id: command.actor.user_id.clone(),
                    user_name: command.actor.user_name.clone(),
                    at,
                })]
            }
            VmAction::Step {
                operation_id,
                events,
            } => {
                self.operations.check_ongoing(&operation_id)?;
                events
            }
            VmAction::Cancel { operation_id, at } => {
                self.check_actor(&command.actor)?;
                self.operations.check_ongoing(&operation_id)?;
                vec![VmEvent::Operation(OperationEvent::OperationCancelled {
                    operation_id,
                    by: command.actor.user_name.clone(),
                    at,
                })]
            }
            VmAction::CleanInstance { log } => {
                self.refuse_if_running()?;
                if !self.holds_host_resources() {
                    return Ok(());
                }
                let mut events: Vec<VmEvent> = log
                    .into_iter()
                    .map(|entry| VmEvent::HostLogged { entry: *entry })
                    .collect();
                events.push(VmEvent::InstanceCleaned {});
                events
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            VmEvent::LaunchRequested { plan } => {
                self.owner_id.get_or_insert_with(|| plan.tenant.clone());
                self.instance = Some(InstantiateInfo {
                    operation_id: self
                        .operations
                        .current
                        .as_ref()
                        .map(|op| op.id.clone())
                        .unwrap_or_default(),
                    ..InstantiateInfo::default()
                });
                self.plan = Some(*plan);
            }
            VmEvent::InstantiateInfoRecorded { info } => self.instance = Some(info),
            VmEvent::AddressesAllocated { host_id, addresses } => {
                self.host_id = Some(host_id);
                self.addresses = addresses;
            }
            VmEvent::VmStatusChanged {
                status,
                target_image_id,
            } => {
                self.status = status;
                if target_image_id.is_some() {
                    self.target_image_id = target_image_id;
                }
            }
            VmEvent::ImageExportInfoRecorded { info } => self.export = Some(info),
            VmEvent::VmImageExported { .. } | VmEvent::HostLogged { .. } => {}
            VmEvent::InstanceCleaned {} => {
                self.instance = None;
                self.export = None;
                self.addresses.clear();
                self.host_id = None;
            }
            VmEvent::Operation(op) => self.operations.apply(&op),
        }
    }
}

impl HoldsUniqueKeys for Vm {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        let Some(host) = &self.host_id else {
            return Vec::new();
        };
        self.addresses
            .iter()
            .map(|a| UniqueKey {
                scope: HOST_ADDRESS,
                key: host_address_key(host, &a.ip),
            })
            .collect()
    }
}

/// The reservation key of an address on a host.
pub fn host_address_key(host_id: &str, ip: &str) -> String {
    serde_json::json!([host_id, ip]).to_string()
}
