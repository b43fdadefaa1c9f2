//! The networks and VMs of a VM application.

use super::Decision;
use crate::application::sandbox::{check_network, Network, VmConfig};
use crate::application::{Application, ApplicationCommand, ApplicationError, ApplicationEvent};

impl Application {
    pub(super) fn create_network(
        &self,
        command: &ApplicationCommand,
        network: &Network,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.vm_application()?;
        check_network(&network.name, &network.description)?;
        if live.network_named(&network.name).is_some() {
            return Err(ApplicationError::NetworkNameTaken(network.name.clone()));
        }
        Ok(vec![ApplicationEvent::NetworkCreated {
            network: network.clone(),
        }])
    }

    pub(super) fn update_network(
        &self,
        command: &ApplicationCommand,
        network: &Network,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.vm_application()?;
        check_network(&network.name, &network.description)?;
        let old = live
            .networks
            .iter()
            .find(|n| n.id == network.id)
            .ok_or(ApplicationError::NetworkNotFound)?;
        if old == network {
            return Ok(Vec::new());
        }
        if live
            .networks
            .iter()
            .any(|n| n.id != network.id && n.name == network.name)
        {
            return Err(ApplicationError::NetworkNameTaken(network.name.clone()));
        }
        if old.name != network.name {
            Self::refuse_if_used(live, &old.name)?;
        }
        Ok(vec![ApplicationEvent::NetworkUpdated {
            network: network.clone(),
        }])
    }

    pub(super) fn delete_network(
        &self,
        command: &ApplicationCommand,
        network_id: &str,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let old = live
            .networks
            .iter()
            .find(|n| n.id == network_id)
            .ok_or(ApplicationError::NetworkNotFound)?;
        Self::refuse_if_used(live, &old.name)?;
        Ok(vec![ApplicationEvent::NetworkDeleted {
            network_id: network_id.to_owned(),
        }])
    }

    pub(super) fn create_vm(&self, command: &ApplicationCommand, vm: &VmConfig) -> Decision {
        let live = self.live_for(command)?;
        live.vm_application()?;
        if live.vm(&vm.id).is_some() {
            return Err(ApplicationError::VmExists);
        }
        live.check_vm(vm)?;
        let mut events = vec![ApplicationEvent::VmCreated { vm: vm.clone() }];
        events.extend(live.configured());
        Ok(events)
    }

    pub(super) fn update_vm(&self, command: &ApplicationCommand, vm: &VmConfig) -> Decision {
        let live = self.live_for(command)?;
        live.vm_application()?;
        let old = live.vm(&vm.id).ok_or(ApplicationError::VmNotFound)?;
        if old == vm {
            return Ok(Vec::new());
        }
        live.check_vm(vm)?;
        let mut events = vec![ApplicationEvent::VmUpdated { vm: vm.clone() }];
        events.extend(live.configured());
        Ok(events)
    }

    pub(super) fn delete_vm(&self, command: &ApplicationCommand, vm_id: &str) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        live.vm(vm_id).ok_or(ApplicationError::VmNotFound)?;
        Ok(vec![ApplicationEvent::VmDeleted {
            vm_id: vm_id.to_owned(),
        }])
    }
}
