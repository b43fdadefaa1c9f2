//! The per-host IP allocator. A launch takes one address for each port of the VM: port *i* is on
//! plane *i* of its host (`VDU1_APP_Plane01_IP`..`04`, in that order); ports beyond the host's
//! planes get none. Addresses are reservations
//! (`host.address`, key `[hostId, ip]`) held by the Vm aggregate from allocation until its
//! instance is cleaned up, so no two live VMs on a host share one; a lost race for an address
//! is retried with the next free one.

use std::collections::HashSet;

use commands::CommandError;
use domain::mephost::{parse_network_parameter, Cidr, OPTIONAL_PLANE, REQUIRED_PLANES};
use domain::operation::OperationState;
use domain::vm::{
    host_address_key, InstantiateInfo, LaunchPlan, PlaneAddress, VmError, VmEvent, HOST_ADDRESS,
};

use crate::runner::{RunError, Workflows};
use crate::steps::Advance;

const ATTEMPTS: usize = 20;

/// The plane keys of the host that the VM's ports use, with their CIDRs, in plane order.
fn planes(plan: &LaunchPlan) -> Vec<(String, Cidr)> {
    let params = parse_network_parameter(&plan.host.network_parameter).unwrap_or_default();
    REQUIRED_PLANES
        .iter()
        .chain(std::iter::once(&OPTIONAL_PLANE))
        .filter_map(|key| {
            let cidr = Cidr::parse(params.get(*key)?)?;
            Some(((*key).to_owned(), cidr))
        })
        .take(plan.vm.spec.ports.len())
        .collect()
}

/// Gateway parameters: the host's `..._GW` when given, else the first address of the plane.
pub fn gateways(plan: &LaunchPlan) -> Vec<(String, String)> {
    let params = parse_network_parameter(&plan.host.network_parameter).unwrap_or_default();
    planes(plan)
        .into_iter()
        .map(|(key, cidr)| {
            let gw_key = format!("{}_GW", key.trim_end_matches("_IP"));
            let value = params
                .get(&gw_key)
                .cloned()
                .unwrap_or_else(|| cidr.gateway().to_string());
            (gw_key, value)
        })
        .collect()
}

/// Addresses of the host held by live instances.
async fn held(workflows: &Workflows, host_id: &str) -> Result<HashSet<String>, db::DbError> {
    let prefix = commands::reservations::first_part_prefix(host_id);
    let keys =
        commands::reservations::keys_with_prefix(workflows.pool(), HOST_ADDRESS, &prefix).await?;
    Ok(keys.into_iter().collect())
}

/// Takes free addresses for the launch and records them.
pub async fn allocate(
    workflows: &Workflows,
    vm_id: &str,
    plan: &LaunchPlan,
    op: &OperationState,
    index: usize,
    info: &InstantiateInfo,
) -> Result<Advance, RunError> {
    let host = plan.host.id.as_str();
    for _ in 0..ATTEMPTS {
        let taken = held(workflows, host).await?;
        let mut addresses = Vec::new();
        for (i, (key, cidr)) in planes(plan).into_iter().enumerate() {
            let Some(ip) = cidr
                .assignable()
                .map(|a| a.to_string())
                .find(|ip| !taken.contains(&host_address_key(host, ip)))
            else {
                let error = format!("no free address left in {key} of host {}", plan.host.name);
                return Ok(super::fail(
                    op,
                    index,
                    info,
                    super::INSTANTIATE_FAILED,
                    &error,
                ));
            };
            addresses.push(PlaneAddress {
                key,
                ip,
                network_name: plan.vm.spec.ports.get(i).map(|p| p.network_name.clone()),
            });
        }
        let event = VmEvent::AddressesAllocated {
            host_id: host.to_owned(),
            addresses,
        };
        match workflows.try_record_vm(vm_id, op, vec![event]).await {
            Ok(()) => return Ok(Advance::Recorded),
            Err(CommandError::Duplicate { .. }) => continue,
            Err(CommandError::Rejected(VmError::Operation(_))) => return Ok(Advance::Stopped),
            Err(other) => return Err(RunError::Command(other.to_string())),
        }
    }
    Err(RunError::Command(format!(
        "could not reserve addresses on host {host} after {ATTEMPTS} attempts"
    )))
}
