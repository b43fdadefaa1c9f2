//! "Instantiate Application" (50-100): allocate the VM's addresses on the host, ask LCM to
//! instantiate, and poll the workload until it runs (the VM is then DEPLOYED and the deploy is
//! logged on the host) or fails, or the deadline passes.

use std::collections::BTreeMap;

use domain::operation::OperationEvent;
use domain::ports::InstantiateRequest;
use domain::vm::{HostLogEntry, PortAddress, VmEvent, VmStatus, INSTANTIATED};

use super::{addresses, info_event, package_name, Step, INSTANTIATE_FAILED, INSTANTIATING};
use crate::runner::RunError;
use crate::steps::{now, past_deadline, progressed, succeeded, Advance};

/// The next call of the instantiation: allocate addresses, instantiate, or poll the workload.
pub(super) async fn instantiate(step: &Step<'_>) -> Result<Advance, RunError> {
    let (workflows, vm_id, vm, op, index, plan, info) = (
        step.workflows,
        step.vm_id,
        step.vm,
        step.op,
        step.index,
        step.plan,
        step.info,
    );
    let action = &op.actions[index];
    let lcm = workflows.lcm();
    let at = &plan.host.lcm;
    let tenant = plan.tenant.as_str();
    let host_ip = plan.host.mec_host_ip.as_str();
    if info.app_instance_id.is_none() {
        if vm.host_id.is_none() {
            return addresses::allocate(workflows, vm_id, plan, op, index, info).await;
        }
        let mut parameters = BTreeMap::new();
        for address in &vm.addresses {
            parameters.insert(address.key.clone(), address.ip.clone());
        }
        for (key, value) in addresses::gateways(plan) {
            parameters.entry(key).or_insert(value);
        }
        let request = InstantiateRequest {
            host_ip: host_ip.to_owned(),
            app_name: package_name(plan),
            package_id: info.mepm_package_id.clone().unwrap_or_default(),
            parameters,
        };
        return Ok(
            match lcm
                .instantiate(at, tenant, &plan.app_instance_id, &request)
                .await
            {
                Ok(()) => Advance::Record(vec![
                    info_event(info, |i| {
                        i.app_instance_id = Some(plan.app_instance_id.clone());
                        i.status = Some(INSTANTIATING.into());
                    }),
                    VmEvent::Operation(progressed(op, index, 30, "instantiate request accepted")),
                ]),
                Err(e) => step.fail(INSTANTIATE_FAILED, &format!("instantiate failed: {e}")),
            },
        );
    }
    Ok(
        match lcm.workload(at, tenant, &plan.app_instance_id).await {
            Ok(w) if w.status == "Instantiated" => {
                let vm_out = w.vms.first();
                let ports: Vec<PortAddress> = vm_out
                    .map(|v| {
                        v.networks
                            .iter()
                            .map(|n| PortAddress {
                                network_name: vm
                                    .addresses
                                    .iter()
                                    .find(|a| a.ip == n.ip)
                                    .and_then(|a| a.network_name.clone())
                                    .unwrap_or_else(|| n.name.clone()),
                                ip_address: n.ip.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let at_time = now();
                let mut events = vec![
                    info_event(info, |i| {
                        i.vm_instance_id = vm_out.map(|v| v.vm_id.clone());
                        i.vnc_url = vm_out.map(|v| v.vnc_url.clone());
                        i.ports = ports;
                        i.log = Some(w.raw.clone());
                        i.status = Some(INSTANTIATED.into());
                        i.instantiate_time = Some(at_time);
                    }),
                    VmEvent::VmStatusChanged {
                        status: VmStatus::Deployed,
                        target_image_id: None,
                    },
                    VmEvent::HostLogged {
                        entry: HostLogEntry {
                            log_id: format!("{}-deploy", op.id),
                            host_id: plan.host.id.clone(),
                            host_ip: host_ip.to_owned(),
                            user_id: op.user_id.clone(),
                            user_name: op.user_name.clone(),
                            app_id: plan.app_id.clone(),
                            app_name: plan.app_name.clone(),
                            app_instance_id: plan.app_instance_id.clone(),
                            operation: "deploy".into(),
                            status: "SUCCESS".into(),
                            at: at_time,
                        },
                    },
                    VmEvent::Operation(succeeded(op, index, "workload status Instantiated")),
                ];
                events.push(VmEvent::Operation(OperationEvent::OperationSucceeded {
                    operation_id: op.id.clone(),
                    at: at_time,
                }));
                Advance::Record(events)
            }
            Ok(w) if w.status == "Failure" => {
                let message = format!("instantiate failed: {}", w.msg);
                let mut next = step.fail(INSTANTIATE_FAILED, &message);
                if let Advance::Record(events) = &mut next {
                    if let Some(VmEvent::InstantiateInfoRecorded { info }) = events.first_mut() {
                        info.log = Some(w.raw);
                    }
                }
                next
            }
            Ok(_) if past_deadline(action.started_at, workflows.deadlines().instantiate) => {
                step.fail(INSTANTIATE_FAILED, "instantiate timed out")
            }
            Ok(_) => Advance::Poll,
            Err(e) => step.fail(
                INSTANTIATE_FAILED,
                &format!("query workload status failed: {e}"),
            ),
        },
    )
}
