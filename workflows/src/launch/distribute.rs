//! "Distribute Application Package" (20-50): upload the CSAR to the host's LCM, ask it to
//! distribute the package to the host, and poll until it is distributed (or the deadline passes).

use domain::vm::VmEvent;

use super::{
    build_package, info_event, package_name, Step, PACKAGE_DISTRIBUTE_FAILED,
    PACKAGE_DISTRIBUTE_SUCCESS,
};
use crate::steps::{past_deadline, progressed, succeeded, Advance};

/// The next call of the distribution: upload, distribute, or poll.
pub(super) async fn distribute(step: &Step<'_>) -> Advance {
    let (workflows, op, index, plan, info) =
        (step.workflows, step.op, step.index, step.plan, step.info);
    let action = &op.actions[index];
    let lcm = workflows.lcm();
    let at = &plan.host.lcm;
    let tenant = plan.tenant.as_str();
    let host_ip = plan.host.mec_host_ip.as_str();
    if info.mepm_package_id.is_none() {
        let csar = match build_package(workflows, plan) {
            Ok(csar) => csar,
            Err(error) => return step.fail(PACKAGE_DISTRIBUTE_FAILED, &error),
        };
        let file = format!("{}.csar", package_name(plan));
        return match lcm.upload_package(at, tenant, &file, csar).await {
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
            Err(e) => step.fail(
                PACKAGE_DISTRIBUTE_FAILED,
                &format!("upload package to lcm failed: {e}"),
            ),
        };
    }
    let package = info.mepm_package_id.clone().unwrap_or_default();
    if info.distributed_mec_host.is_none() {
        return match lcm.distribute(at, tenant, &package, host_ip).await {
            Ok(()) => Advance::Record(vec![
                info_event(info, |i| i.distributed_mec_host = Some(host_ip.to_owned())),
                VmEvent::Operation(progressed(op, index, 50, "distribute request accepted")),
            ]),
            Err(e) => step.fail(
                PACKAGE_DISTRIBUTE_FAILED,
                &format!("distribute package failed: {e}"),
            ),
        };
    }
    match lcm.distribution(at, tenant, &package, host_ip).await {
        Ok(d) if d.status == "Distributed" => Advance::Record(vec![VmEvent::Operation(succeeded(
            op,
            index,
            "LCM reports Distributed",
        ))]),
        Ok(d) if d.status == "killed" || d.status == "error" => {
            let error = format!(
                "distribute package failed on host {host_ip}: {} {}",
                d.status,
                d.error.unwrap_or_default()
            );
            step.fail(PACKAGE_DISTRIBUTE_FAILED, error.trim())
        }
        Ok(_) if past_deadline(action.started_at, workflows.deadlines().distribute) => {
            step.fail(PACKAGE_DISTRIBUTE_FAILED, "distribute package timed out")
        }
        Ok(_) => Advance::Poll,
        Err(e) => step.fail(
            PACKAGE_DISTRIBUTE_FAILED,
            &format!("query distribute status failed: {e}"),
        ),
    }
}
