//! The Application aggregate (the v1.5 "application"; the older "project" maps onto it): its
//! basic fields, owner, selected sandbox host and life-cycle status, with the rules that guard
//! every change.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ApplicationAction, ApplicationCommand};
pub use error::{ApplicationError, FieldError};
pub use event::ApplicationEvent;
pub use values::{
    AppClass, AppCreateType, AppName, AppStatus, AppVersion, ApplicationFields, Architecture,
    Description, FileRef, Label, Provider,
};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

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
}

impl Application {
    fn live_for(&self, command: &ApplicationCommand) -> Result<&LiveApplication, ApplicationError> {
        let live = self.state.as_ref().ok_or(ApplicationError::NotFound)?;
        if !command.actor.may_act_on(&live.owner_id) {
            return Err(ApplicationError::Forbidden);
        }
        Ok(live)
    }

    /// The status change a transition command asks for, or why it is not allowed.
    fn transition(
        live: &LiveApplication,
        action: &ApplicationAction,
    ) -> Result<Option<AppStatus>, ApplicationError> {
        use AppStatus::*;
        let from = live.status;
        let (name, to, allowed): (&'static str, AppStatus, &[AppStatus]) = match action {
            // A configuration change invalidates an earlier package or test.
            ApplicationAction::MarkConfigured => (
                "configure",
                Configured,
                &[Created, Configured, Packaged, Tested],
            ),
            ApplicationAction::MarkPackaged => {
                ("package", Packaged, &[Configured, Packaged, Tested])
            }
            ApplicationAction::MarkTested => ("test", Tested, &[Packaged, Tested]),
            ApplicationAction::Release => ("release", Released, &[Tested]),
            _ => return Ok(None),
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
        let event = match &command.action {
            ApplicationAction::Create { fields, created_at } => {
                if !command.actor.may_write() {
                    return Err(ApplicationError::Forbidden);
                }
                if self.state.is_some() || self.deleted {
                    return Err(ApplicationError::AlreadyExists);
                }
                ApplicationEvent::ApplicationCreated {
                    fields: fields.clone(),
                    owner_id: command.actor.user_id.clone(),
                    owner_name: command.actor.user_name.clone(),
                    created_at: *created_at,
                }
            }
            ApplicationAction::Update(fields) => {
                let live = self.live_for(&command)?;
                if live.status == AppStatus::Released {
                    return Err(ApplicationError::Released);
                }
                if live.fields == *fields {
                    return Ok(());
                }
                ApplicationEvent::ApplicationUpdated {
                    fields: fields.clone(),
                }
            }
            ApplicationAction::Delete => {
                self.live_for(&command)?;
                ApplicationEvent::ApplicationDeleted {}
            }
            ApplicationAction::SelectSandboxHost { mep_host_id } => {
                let live = self.live_for(&command)?;
                if live.status == AppStatus::Released {
                    return Err(ApplicationError::Released);
                }
                if uuid::Uuid::parse_str(mep_host_id).is_err() {
                    return Err(FieldError::MepHostId.into());
                }
                if live.mep_host_id.as_deref() == Some(mep_host_id.as_str()) {
                    return Ok(());
                }
                ApplicationEvent::SandboxHostSelected {
                    mep_host_id: mep_host_id.clone(),
                }
            }
            transition => {
                let live = self.live_for(&command)?;
                match Self::transition(live, transition)? {
                    Some(to) => ApplicationEvent::ApplicationStatusChanged {
                        from: live.status,
                        to,
                    },
                    None => return Ok(()),
                }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
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
