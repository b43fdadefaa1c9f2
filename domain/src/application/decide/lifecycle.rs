//! Creating, updating and deleting an application, and selecting its sandbox host.

use chrono::{DateTime, Utc};

use super::Decision;
use crate::application::{
    AppClass, AppStatus, Application, ApplicationCommand, ApplicationError, ApplicationEvent,
    ApplicationFields, FieldError, LiveApplication,
};

impl Application {
    pub(super) fn create(
        &self,
        command: &ApplicationCommand,
        fields: &ApplicationFields,
        created_at: DateTime<Utc>,
    ) -> Decision {
        if !command.actor.may_write() {
            return Err(ApplicationError::Forbidden);
        }
        if self.state.is_some() || self.deleted {
            return Err(ApplicationError::AlreadyExists);
        }
        let mut events = vec![ApplicationEvent::ApplicationCreated {
            fields: fields.clone(),
            owner_id: command.actor.user_id.clone(),
            owner_name: command.actor.user_name.clone(),
            created_at,
        }];
        if fields.app_class == AppClass::Vm {
            events.extend(LiveApplication::default_networks(fields));
        }
        Ok(events)
    }

    pub(super) fn update(
        &self,
        command: &ApplicationCommand,
        fields: &ApplicationFields,
    ) -> Decision {
        let live = self.live_for(command)?;
        if live.status == AppStatus::Released {
            return Err(ApplicationError::Released);
        }
        if live.fields == *fields {
            return Ok(Vec::new());
        }
        let mut events = vec![ApplicationEvent::ApplicationUpdated {
            fields: fields.clone(),
        }];
        // An application switched to VM gets its default networks (reference 7).
        if fields.app_class == AppClass::Vm && live.networks.is_empty() {
            events.extend(LiveApplication::default_networks(fields));
        }
        Ok(events)
    }

    pub(super) fn delete(&self, command: &ApplicationCommand) -> Decision {
        self.live_for(command)?;
        Ok(vec![ApplicationEvent::ApplicationDeleted {}])
    }

    pub(super) fn select_sandbox_host(
        &self,
        command: &ApplicationCommand,
        mep_host_id: &str,
    ) -> Decision {
        let live = self.live_for(command)?;
        if live.status == AppStatus::Released {
            return Err(ApplicationError::Released);
        }
        if uuid::Uuid::parse_str(mep_host_id).is_err() {
            return Err(FieldError::MepHostId.into());
        }
        if live.mep_host_id.as_deref() == Some(mep_host_id) {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::SandboxHostSelected {
            mep_host_id: mep_host_id.to_owned(),
        }])
    }
}
