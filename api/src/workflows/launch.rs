//! The VM launch (reference section 3): "Build Application Package" (0-20), "Distribute
//! Application Package" (20-50), "Instantiate Application" (50-100). Which call comes next is
//! read from the recorded instantiate info, so a resumed launch repeats at most the one call that
//! was in flight when the process died. Instantiate status is the real outcome: `INSTANTIATING`
//! once LCM accepted the request, `SUCCESS` only when the workload is instantiated.

use std::collections::BTreeMap;

use domain::application::sandbox::VmCertificate;
use domain::operation::{OperationEvent, OperationState};
use domain::ports::InstantiateRequest;
use domain::vm::{
    HostLogEntry, InstantiateInfo, LaunchPlan, PortAddress, Vm, VmEvent, VmStatus, INSTANTIATED,
};
use serde_json::json;

use super::{failed, now, past_deadline, progressed, succeeded, Advance, RunError, Workflows};

pub const PACKAGE_GENERATE_SUCCESS: &str = "PACKAGE_GENERATE_SUCCESS";
pub const PACKAGE_DISTRIBUTE_SUCCESS: &str = "PACKAGE_DISTRIBUTE_SUCCESS";
pub const PACKAGE_DISTRIBUTE_FAILED: &str = "PACKAGE_DISTRIBUTE_FAILED";
pub const INSTANTIATING: &str = "INSTANTIATING";
pub const INSTANTIATE_FAILED: &str = "INSTANTIATE_FAILED";

fn ops(events: Vec<OperationEvent>) -> impl Iterator<Item = VmEvent> {
    events.into_iter().map(VmEvent::Operation)
}

/// The info with `change` applied, as an event.
fn info_event(info: &InstantiateInfo, change: impl FnOnce(&mut InstantiateInfo)) -> VmEvent {
    let mut next = info.clone();
    change(&mut next);
    VmEvent::InstantiateInfoRecorded { info: next }
}

/// Fails the action and the operation, recording `status` on the instantiate info.
pub(super) fn fail(
    op: &OperationState,
    index: usize,
    info: &InstantiateInfo,
    status: &str,
    error: &str,
) -> Advance {
    let mut events = vec![info_event(info, |i| {
        i.status = Some(status.to_owned());
        i.log = Some(error.to_owned());
    })];
    events.extend(ops(failed(op, index, error)));
    Advance::Record(events)
}

/// The package's name on LCM (also the app name instantiate uses).
fn package_name(plan: &LaunchPlan) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    };
    format!("{}-{}", clean(&plan.app_name), clean(&plan.vm.spec.name))
}

/// The CSAR of the single-VM application, with the password set-up merged into the user data.
fn build_package(workflows: &Workflows, plan: &LaunchPlan) -> Result<Vec<u8>, String> {
    let spec = &plan.vm.spec;
    let mut user_data = spec.user_data.clone().unwrap_or_default();
    if let Some(VmCertificate::Password { username, password }) = &spec.certificate {
        let plain = workflows
            .secrets()
            .unseal(password)
            .map_err(|e| format!("cannot open the VM password: {e}"))?;
        // chpasswd reads user:password lines; any character is safe inside a YAML literal block.
        let block: String = format!("{username}:{plain}")
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect();
        user_data.push_str(&format!(
            "\n#cloud-config\nchpasswd:\n  expire: false\n  list: |\n{block}ssh_pwauth: true\n"
        ));
    }
    let vnfd = json!({
        "name": plan.app_name, "version": plan.app_version, "provider": plan.app_provider,
        "vdu": { "name": spec.name, "flavorId": spec.flavor_id, "imageId": spec.image_id,
                 "areaZone": spec.area_zone, "flavorExtraSpecs": spec.flavor_extra_specs,
                 "ports": spec.ports, "userData": user_data },
    });
    Ok(crate::lcm::csar::build(
        &package_name(plan),
        &[("APPD/vnfd.json", vnfd.to_string().into_bytes())],
    ))
}

pub async fn advance(
    workflows: &Workflows,
    vm_id: &str,
    vm: &Vm,
    op: &OperationState,
    index: usize,
) -> Result<Advance, RunError> {
    let (Some(plan), Some(info)) = (&vm.plan, &vm.instance) else {
        return Ok(Advance::Record(
            ops(failed(op, index, "the launch plan is missing")).collect(),
        ));
    };
    let action = &op.actions[index];
    let lcm = workflows.lcm();
    let at = &plan.host.lcm;
    let tenant = plan.tenant.as_str();
    let host_ip = plan.host.mec_host_ip.as_str();
    Ok(match index {
        // Build Application Package.
        0 => {
            if let Err(error) = build_package(workflows, plan) {
                return Ok(fail(op, index, info, "PACKAGE_GENERATE_FAILED", &error));
            }
            let mut events: Vec<VmEvent> = vec![
                VmEvent::Operation(progressed(
                    op,
                    index,
                    25,
                    "single-VM application built, password set-up merged into user data",
                )),
                VmEvent::Operation(progressed(op, index, 50, "CSAR generated")),
                info_event(info, |i| {
                    i.app_package_id = Some(uuid::Uuid::new_v4().to_string());
                    i.status = Some(PACKAGE_GENERATE_SUCCESS.into());
                }),
            ];
            events.push(VmEvent::Operation(succeeded(
                op,
                index,
                "instantiate info updated",
            )));
            Advance::Record(events)
        }
        // Distribute Application Package.
        1 => {
            if info.mepm_package_id.is_none() {
                let csar = match build_package(workflows, plan) {
                    Ok(csar) => csar,
                    Err(error) => {
                        return Ok(fail(op, index, info, PACKAGE_DISTRIBUTE_FAILED, &error))
                    }
                };
                let file = format!("{}.csar", package_name(plan));
                return Ok(match lcm.upload_package(at, tenant, &file, csar).await {
                    Ok(uploaded) => Advance::Record(vec![
                        info_event(info, |i| {
                            i.mepm_package_id = Some(uploaded.package_id.clone());
                            i.status = Some(PACKAGE_DISTRIBUTE_SUCCESS.into());
                        }),
                        VmEvent::Operation(progressed(
                            op,
                            index,
                            25,
                            &format!("uploaded to LCM as package {}", uploaded.package_id),
                        )),
                    ]),
                    Err(e) => fail(
                        op,
                        index,
                        info,
                        PACKAGE_DISTRIBUTE_FAILED,
                        &format!("upload package to lcm failed: {e}"),
                    ),
                });
            }
            let package = info.mepm_package_id.clone().unwrap_or_default();
            if info.distributed_mec_host.is_none() {
                return Ok(match lcm.distribute(at, tenant, &package, host_ip).await {
                    Ok(()) => Advance::Record(vec![
                        info_event(info, |i| i.distributed_mec_host = Some(host_ip.to_owned())),
                        VmEvent::Operation(progressed(
                            op,
                            index,
                            50,
                            "distribute request accepted",
                        )),
                    ]),
                    Err(e) => fail(
                        op,
                        index,
                        info,
                        PACKAGE_DISTRIBUTE_FAILED,
                        &format!("distribute package failed: {e}"),
                    ),
                });
            }
            match lcm.distribution(at, tenant, &package, host_ip).await {
                Ok(d) if d.status == "Distributed" => Advance::Record(vec![VmEvent::Operation(
                    succeeded(op, index, "LCM reports Distributed"),
                )]),
                Ok(d) if d.status == "killed" || d.status == "error" => {
                    let error = format!(
                        "distribute package failed on host {host_ip}: {} {}",
                        d.status,
                        d.error.unwrap_or_default()
                    );
                    fail(op, index, info, PACKAGE_DISTRIBUTE_FAILED, error.trim())
                }
                Ok(_) if past_deadline(action.started_at, workflows.deadlines().distribute) => {
                    fail(
                        op,
                        index,
                        info,
                        PACKAGE_DISTRIBUTE_FAILED,
                        "distribute package timed out",
                    )
                }
                Ok(_) => Advance::Poll,
                Err(e) => fail(
                    op,
                    index,
                    info,
                    PACKAGE_DISTRIBUTE_FAILED,
                    &format!("query distribute status failed: {e}"),
                ),
            }
        }
        // Instantiate Application.
        _ => {
            if info.app_instance_id.is_none() {
                if vm.host_id.is_none() {
                    return super::addresses::allocate(workflows, vm_id, plan, op, index, info)
                        .await;
                }
                let mut parameters = BTreeMap::new();
                for address in &vm.addresses {
                    parameters.insert(address.key.clone(), address.ip.clone());
                }
                for (key, value) in super::addresses::gateways(plan) {
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
                            VmEvent::Operation(progressed(
                                op,
                                index,
                                30,
                                "instantiate request accepted",
                            )),
                        ]),
                        Err(e) => fail(
                            op,
                            index,
                            info,
                            INSTANTIATE_FAILED,
                            &format!("instantiate failed: {e}"),
                        ),
                    },
                );
            }
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
                    let mut next = fail(op, index, info, INSTANTIATE_FAILED, &message);
                    if let Advance::Record(events) = &mut next {
                        if let Some(VmEvent::InstantiateInfoRecorded { info }) = events.first_mut()
                        {
                            info.log = Some(w.raw);
                        }
                    }
                    next
                }
                Ok(_) if past_deadline(action.started_at, workflows.deadlines().instantiate) => {
                    fail(op, index, info, INSTANTIATE_FAILED, "instantiate timed out")
                }
                Ok(_) => Advance::Poll,
                Err(e) => fail(
                    op,
                    index,
                    info,
                    INSTANTIATE_FAILED,
                    &format!("query workload status failed: {e}"),
                ),
            }
        }
    })
}
