//! The VmCatalogue aggregate: one entry of the older model's VM catalogue (the seed's
//! `tbl_vm_regulation`, `tbl_vm_network` and `tbl_vm_user_data`), on a stream named by its kind
//! and key (`regulation/1`, `network/Network_N6`, `user-data/ubuntu`). The entries are recorded
//! at first start from the catalogue data; they are reference data, not changed through the API.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::VmCatalogueCommand;
pub use error::VmCatalogueError;
pub use event::{VmCatalogueEvent, VmCatalogueEventKind};
pub use values::{unescape, VmCatalogueEntry, VmNetworkType, VmRegulation, VmUserData};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VmCatalogue {
    pub entry: Option<VmCatalogueEntry>,
}

impl Aggregate for VmCatalogue {
    const TYPE: &'static str = "vm_catalogue";
    type Command = VmCatalogueCommand;
    type Event = VmCatalogueEvent;
    type Error = VmCatalogueError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if !command.actor.is_admin() {
            return Err(VmCatalogueError::Forbidden);
        }
        if self.entry.is_some() {
            return Err(VmCatalogueError::AlreadyExists);
        }
        let entry = command.entry.validated()?;
        sink.write(VmCatalogueEvent::VmCatalogueEntryRecorded { entry }, self)
            .await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let VmCatalogueEvent::VmCatalogueEntryRecorded { entry } = event;
        self.entry = Some(entry);
    }
}

impl HoldsUniqueKeys for VmCatalogue {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        Vec::new()
    }
}
