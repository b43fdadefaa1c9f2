//! The Application aggregate (the v1.5 "application"; the older "project" maps onto it): its
//! basic fields, owner, selected sandbox host and life-cycle status, with the rules that guard
//! every change.

mod command;
mod decide;
mod error;
mod event;
mod fold;
#[cfg(test)]
mod helm_chart_tests;
pub mod helm_charts;
pub mod package;
#[cfg(test)]
mod package_tests;
pub mod release;
#[cfg(test)]
mod release_tests;
pub mod rules;
pub mod sandbox;
pub mod scripts;
pub mod services;
pub mod testing;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ApplicationAction, ApplicationCommand};
pub use error::{ApplicationError, FieldError};
pub use event::{ApplicationEvent, ApplicationEventKind};
pub use values::{
    AppClass, AppCreateType, AppName, AppStatus, AppVersion, ApplicationFields, Architecture,
    Description, FileRef, Label, Provider,
};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::operation::Operations;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};
use sandbox::{check_vm, default_network_names, Network, VmConfig};

/// A step of the life cycle (configuration moves the status by `LiveApplication::configured`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transition {
    Package,
    Test,
    Release,
}

/// Scope of the (name, version, provider) reservation.
pub const NAME_VERSION_PROVIDER: &str = "application.name_version_provider";

/// The write-side state of one application.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub state: Option<LiveApplication>,
    /// Set once deleted: the id cannot be reused.
    pub deleted: bool,
}

/// An application that exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveApplication {
    pub fields: ApplicationFields,
    pub owner_id: String,
    pub owner_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub status: AppStatus,
    pub mep_host_id: Option<String>,
    #[serde(default)]
    pub networks: Vec<Network>,
    #[serde(default)]
    pub vms: Vec<VmConfig>,
    /// The clean-env operations.
    #[serde(default)]
    pub operations: Operations,
    /// The MEC traffic rules it declares (app configuration).
    #[serde(default)]
    pub traffic_rules: Vec<rules::TrafficRule>,
    /// The MEC DNS rules it declares (app configuration).
    #[serde(default)]
    pub dns_rules: Vec<rules::DnsRule>,
    /// The capabilities it requires (app configuration).
    #[serde(default)]
    pub services_required: Vec<services::ServiceRequired>,
    /// The services it produces (app configuration).
    #[serde(default)]
    pub services_produced: Vec<services::ServiceProduced>,
    /// Its certificate for the edge platform (app configuration).
    #[serde(default)]
    pub certificate: Option<services::AppCertificate>,
    /// Its scripts.
    #[serde(default)]
    pub scripts: Vec<scripts::AppScript>,
    /// Its helm charts (container applications).
    #[serde(default)]
    pub helm_charts: Vec<helm_charts::HelmChart>,
    /// Its package, once generated.
    #[serde(default)]
    pub package: Option<package::AppPackage>,
    /// Its test tasks, oldest first.
    #[serde(default)]
    pub test_tasks: Vec<testing::TestTask>,
    /// Its release, once released.
    #[serde(default)]
    pub release: Option<release::Release>,
}

impl LiveApplication {
    pub fn vm(&self, id: &str) -> Option<&VmConfig> {
        self.vms.iter().find(|vm| vm.id == id)
    }

    fn network_named(&self, name: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name)
    }

    /// The default networks a VM application starts with, as events.
    fn default_networks(fields: &ApplicationFields) -> Vec<ApplicationEvent> {
        default_network_names(fields.pkg_spec_id.as_ref().map(|p| p.as_str()))
            .iter()
            .map(|name| ApplicationEvent::NetworkCreated {
                network: Network {
                    id: uuid::Uuid::new_v4().to_string(),
                    name: (*name).to_owned(),
                    description: String::new(),
                },
            })
            .collect()
    }

    /// Checks a VM's configuration against the application: a unique name, ports on networks the
    /// application has.
    fn check_vm(&self, vm: &VmConfig) -> Result<(), ApplicationError> {
        check_vm(&vm.spec)?;
        if let Some(other) = self
            .vms
            .iter()
            .find(|other| other.id != vm.id && other.spec.name == vm.spec.name)
        {
            return Err(ApplicationError::VmNameTaken(other.spec.name.clone()));
        }
        for port in &vm.spec.ports {
            if self.network_named(&port.network_name).is_none() {
                return Err(ApplicationError::UnknownNetwork {
                    port: port.name.clone(),
                    network: port.network_name.clone(),
                });
            }
        }
        Ok(())
    }

    /// The status change that a configuration change makes (the first VM configures the app; a
    /// change after packaging invalidates the package and test).
    fn configured(&self) -> Option<ApplicationEvent> {
        matches!(
            self.status,
            AppStatus::Created | AppStatus::Packaged | AppStatus::Tested
        )
        .then_some(ApplicationEvent::ApplicationStatusChanged {
            from: self.status,
            to: AppStatus::Configured,
        })
    }

    fn writable(&self) -> Result<(), ApplicationError> {
        if self.status == AppStatus::Released {
            return Err(ApplicationError::Released);
        }
        Ok(())
    }

    fn vm_application(&self) -> Result<(), ApplicationError> {
        self.writable()?;
        if self.fields.app_class != AppClass::Vm {
            return Err(ApplicationError::NotAVmApplication);
        }
        Ok(())
    }

    fn container_application(&self) -> Result<(), ApplicationError> {
        self.writable()?;
        if self.fields.app_class != AppClass::Container {
            return Err(ApplicationError::NotAContainerApplication);
        }
        Ok(())
    }

    pub fn helm_chart(&self, id: &str) -> Option<&helm_charts::HelmChart> {
        self.helm_charts.iter().find(|c| c.id == id)
    }
}

impl Application {
    fn live_for(&self, command: &ApplicationCommand) -> Result<&LiveApplication, ApplicationError> {
        let live = self.state.as_ref().ok_or(ApplicationError::NotFound)?;
        if !command.actor.may_act_on(&live.owner_id) {
            return Err(ApplicationError::Forbidden);
        }
        Ok(live)
    }

    /// The status change a step of the life cycle makes, or why the status does not allow it.
    /// Only the commands that do the step (a re-pack, a test task, a release) take it.
    fn transition(
        live: &LiveApplication,
        step: Transition,
    ) -> Result<Option<AppStatus>, ApplicationError> {
        use AppStatus::*;
        let from = live.status;
        let (name, to, allowed): (&'static str, AppStatus, &[AppStatus]) = match step {
            Transition::Package => ("package", Packaged, &[Configured, Packaged, Tested]),
            Transition::Test => ("test", Tested, &[Packaged, Tested]),
            Transition::Release => ("release", Released, &[Tested]),
        };
        if !allowed.contains(&from) {
            return Err(ApplicationError::transition(name, from));
        }
        Ok((from != to).then_some(to))
    }
}

impl Aggregate for Application {
    const TYPE: &'static str = "application";
    type Command = ApplicationCommand;
    type Event = ApplicationEvent;
    type Error = ApplicationError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = self.decide(&command)?;
        self.write_all(events, sink).await
    }

    fn apply(&mut self, event: Self::Event) {
        if let ApplicationEvent::ApplicationCreated { .. } = &event {
        } else if let Some(live) = self.state.as_mut() {
            if live.apply_sandbox(&event) {
                return;
            }
        }
        match event {
            ApplicationEvent::ApplicationCreated {
                fields,
                owner_id,
                owner_name,
                created_at,
            } => {
                self.state = Some(LiveApplication {
                    fields,
                    owner_id,
                    owner_name,
                    created_at,
                    status: AppStatus::Created,
                    mep_host_id: None,
                    networks: Vec::new(),
                    vms: Vec::new(),
                    operations: Operations::default(),
                    traffic_rules: Vec::new(),
                    dns_rules: Vec::new(),
                    services_required: Vec::new(),
                    services_produced: Vec::new(),
                    certificate: None,
                    scripts: Vec::new(),
                    helm_charts: Vec::new(),
                    package: None,
                    test_tasks: Vec::new(),
                    release: None,
                });
            }
            ApplicationEvent::ApplicationUpdated { fields } => {
                if let Some(live) = self.state.as_mut() {
                    live.fields = fields;
                }
            }
            ApplicationEvent::SandboxHostSelected { mep_host_id } => {
                if let Some(live) = self.state.as_mut() {
                    live.mep_host_id = Some(mep_host_id);
                }
            }
            ApplicationEvent::ApplicationStatusChanged { to, .. } => {
                if let Some(live) = self.state.as_mut() {
                    live.status = to;
                }
            }
            ApplicationEvent::ApplicationDeleted {} => {
                self.state = None;
                self.deleted = true;
            }
            _ => {}
        }
    }
}

impl Application {
    /// Writes several events of one command in order.
    async fn write_all(
        &mut self,
        events: Vec<ApplicationEvent>,
        sink: &EventSink<Self>,
    ) -> Result<(), ApplicationError> {
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn refuse_if_used(live: &LiveApplication, network: &str) -> Result<(), ApplicationError> {
        let users: Vec<&str> = live
            .vms
            .iter()
            .filter(|vm| vm.spec.ports.iter().any(|p| p.network_name == network))
            .map(|vm| vm.spec.name.as_str())
            .collect();
        if users.is_empty() {
            Ok(())
        } else {
            Err(ApplicationError::NetworkInUse(users.join(", ")))
        }
    }
}

impl HoldsUniqueKeys for Application {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.state
            .iter()
            .map(|live| UniqueKey {
                scope: NAME_VERSION_PROVIDER,
                key: name_version_provider_key(&live.fields),
            })
            .collect()
    }
}

/// The reservation key of (name, version, provider): a JSON array, so no separator is ambiguous.
pub fn name_version_provider_key(fields: &ApplicationFields) -> String {
    serde_json::json!([
        fields.name.as_str(),
        fields.version.as_str(),
        fields.provider.as_str()
    ])
    .to_string()
}
