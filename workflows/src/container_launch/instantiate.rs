//! "Instantiate Application" (50-100) of a container launch: ask LCM to instantiate the
//! package, then poll the workload until every pod is `Running` with a named container (the
//! pods, their containers' usage, the services and the pods' events are then recorded, and the
//! deploy is logged on the host), until LCM reports `Failure`, or until the deadline passes
//! (the pods that do not run are named).

use domain::container::{ContainerEvent, ContainerInfo, PodInfo, ServiceInfo, ServicePortInfo};
use domain::operation::OperationEvent;
use domain::ports::{InstantiateRequest, PodEvents, Workload, WorkloadPod};
use domain::vm::{HostLogEntry, INSTANTIATED};

use super::{package_name, Step};
use crate::launch::{INSTANTIATE_FAILED, INSTANTIATING};
use crate::steps::{now, past_deadline, succeeded, Advance};

/// Whether a pod runs: `Running` with at least one container, each named.
fn runs(pod: &WorkloadPod) -> bool {
    pod.pod_status == "Running"
        && !pod.containers.is_empty()
        && pod.containers.iter().all(|c| !c.container_name.is_empty())
}

/// The next call of the instantiation: instantiate, or poll the workload.
pub(super) async fn instantiate(step: &Step<'_>) -> Advance<ContainerEvent> {
    let (workflows, op, index, plan, info) =
        (step.workflows, step.op, step.index, step.plan, step.info);
    let lcm = workflows.lcm();
    let (at, tenant, host_ip) = (
        &plan.host.lcm,
        plan.tenant.as_str(),
        plan.host.mec_host_ip.as_str(),
    );
    if info.app_instance_id.is_none() {
        let request = InstantiateRequest {
            host_ip: host_ip.to_owned(),
            app_name: package_name(plan),
            package_id: info.mepm_package_id.clone().unwrap_or_default(),
            parameters: Default::default(),
        };
        return match lcm
            .instantiate(at, tenant, &plan.app_instance_id, &request)
            .await
        {
            Ok(()) => Advance::Record(vec![
                step.info_event(|i| {
                    i.app_instance_id = Some(plan.app_instance_id.clone());
                    i.status = Some(INSTANTIATING.into());
                }),
                step.progressed(30, "instantiate request accepted"),
            ]),
            Err(e) => step.fail(INSTANTIATE_FAILED, &format!("instantiate failed: {e}")),
        };
    }
    let action = &op.actions[index];
    let workload = match lcm.workload(at, tenant, &plan.app_instance_id).await {
        Ok(w) => w,
        Err(e) => {
            return step.fail(
                INSTANTIATE_FAILED,
                &format!("query workload status failed: {e}"),
            )
        }
    };
    if workload.status == "Failure" {
        let message = format!("instantiate failed: {}", workload.msg);
        let mut next = step.fail(INSTANTIATE_FAILED, &message);
        if let Advance::Record(events) = &mut next {
            if let Some(ContainerEvent::ContainerInstanceRecorded { info }) = events.first_mut() {
                info.log = Some(workload.raw);
            }
        }
        return next;
    }
    if !workload.pods.is_empty() && workload.pods.iter().all(runs) {
        return match lcm.workload_events(at, tenant, &plan.app_instance_id).await {
            Ok(events) => running(step, workload, &events),
            Err(e) => step.fail(
                INSTANTIATE_FAILED,
                &format!("query workload events failed: {e}"),
            ),
        };
    }
    if past_deadline(action.started_at, workflows.deadlines().instantiate) {
        let waiting: Vec<String> = workload
            .pods
            .iter()
            .filter(|p| !runs(p))
            .map(|p| format!("{} ({})", p.pod_name, p.pod_status))
            .collect();
        let detail = if waiting.is_empty() {
            "no pod was reported".to_owned()
        } else {
            format!("pods not running: {}", waiting.join(", "))
        };
        return step.fail(
            INSTANTIATE_FAILED,
            &format!("instantiate timed out: {detail}"),
        );
    }
    Advance::Poll
}

/// The events of a launch whose pods all run.
fn running(step: &Step<'_>, workload: Workload, events: &[PodEvents]) -> Advance<ContainerEvent> {
    let (op, index, plan) = (step.op, step.index, step.plan);
    let pods: Vec<PodInfo> = workload
        .pods
        .iter()
        .map(|pod| PodInfo {
            name: pod.pod_name.clone(),
            pod_status: pod.pod_status.clone(),
            events_info: events
                .iter()
                .find(|e| e.pod_name == pod.pod_name)
                .map(|e| e.pod_events_info.join("\n")),
            containers: pod
                .containers
                .iter()
                .map(|c| ContainerInfo {
                    name: c.container_name.clone(),
                    cpu_usage: c.metrics_usage.cpu_usage.clone(),
                    mem_usage: c.metrics_usage.mem_usage.clone(),
                    disk_usage: c.metrics_usage.disk_usage.clone(),
                })
                .collect(),
        })
        .collect();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let services: Vec<ServiceInfo> = workload
        .services
        .iter()
        .map(|s| ServiceInfo {
            name: s.service_name.clone(),
            service_type: s.service_type.clone(),
            ports: s
                .ports
                .iter()
                .map(|p| ServicePortInfo {
                    port: text(&p.port),
                    target_port: text(&p.target_port),
                    node_port: text(&p.node_port),
                })
                .collect(),
        })
        .collect();
    let at = now();
    let pod_count = pods.len();
    Advance::Record(vec![
        step.info_event(|i| {
            i.pods = pods;
            i.services = services;
            i.log = Some(workload.raw.clone());
            i.status = Some(INSTANTIATED.into());
            i.instantiate_time = Some(at);
        }),
        ContainerEvent::ContainerHostLogged {
            entry: HostLogEntry {
                log_id: format!("{}-deploy", op.id),
                host_id: plan.host.id.clone(),
                host_ip: plan.host.mec_host_ip.clone(),
                user_id: op.user_id.clone(),
                user_name: op.user_name.clone(),
                app_id: plan.app_id.clone(),
                app_name: plan.app_name.clone(),
                app_instance_id: plan.app_instance_id.clone(),
                operation: "deploy".into(),
                status: "SUCCESS".into(),
                at,
            },
        },
        ContainerEvent::Operation(succeeded(op, index, &format!("{pod_count} pod(s) Running"))),
        ContainerEvent::Operation(OperationEvent::OperationSucceeded {
            operation_id: op.id.clone(),
            at,
        }),
    ])
}
