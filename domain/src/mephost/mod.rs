//! The MepHost aggregate: a sandbox edge host that admins register (reference 1.8), with the
//! original's field rules, its network parameters (the plane CIDRs addresses are allocated from)
//! and its sealed login. `mecHostIp` is unique across hosts (a reservation).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{MepHostAction, MepHostCommand};
pub use error::MepHostError;
pub use event::{MepHostEvent, MepHostEventKind};
pub use values::{
    parse_network_parameter, Cidr, HostProxy, MepHostFields, OPTIONAL_PLANE, REQUIRED_PLANES,
    VNC_PORT,
};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique `mecHostIp`.
pub const MEC_HOST_IP: &str = "mephost.mec_host_ip";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MepHost {
    pub fields: Option<MepHostFields>,
    pub user_id: String,
    pub deleted: bool,
}

impl Aggregate for MepHost {
    const TYPE: &'static str = "mephost";
    type Command = MepHostCommand;
    type Event = MepHostEvent;
    type Error = MepHostError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if !command.actor.is_admin() {
            return Err(MepHostError::Forbidden);
        }
        let event = match command.action {
            MepHostAction::Register(fields) => {
                if self.fields.is_some() || self.deleted {
                    return Err(MepHostError::AlreadyExists);
                }
                MepHostEvent::MepHostRegistered {
                    fields,
                    user_id: command.actor.user_id,
                }
            }
            MepHostAction::Update(mut fields) => {
                let current = self.fields.as_ref().ok_or(MepHostError::NotFound)?;
                if fields.mec_host_password.is_none() {
                    fields.mec_host_password = current.mec_host_password.clone();
                }
                if *current == fields {
                    return Ok(());
                }
                MepHostEvent::MepHostUpdated { fields }
            }
            MepHostAction::Delete => {
                self.fields.as_ref().ok_or(MepHostError::NotFound)?;
                MepHostEvent::MepHostDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            MepHostEvent::MepHostRegistered { fields, user_id } => {
                self.fields = Some(fields);
                self.user_id = user_id;
            }
            MepHostEvent::MepHostUpdated { fields } => self.fields = Some(fields),
            MepHostEvent::MepHostDeleted {} => {
                self.fields = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for MepHost {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.fields
            .iter()
            .map(|f| UniqueKey {
                scope: MEC_HOST_IP,
                key: f.mec_host_ip.clone(),
            })
            .collect()
    }
}
