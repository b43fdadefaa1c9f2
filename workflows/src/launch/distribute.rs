//! "Distribute Application Package" (20-50): upload the CSAR to the host's LCM, ask it to
//! distribute the package to the host, and poll until it is distributed (or the deadline passes).
//! [`next_call`] is the conversation with LCM, shared by the VM and the container launch; each
//! records its outcome on its own instantiate info.

use chrono::{DateTime, Utc};
use domain::ports::LcmEndpoint;
use domain::vm::VmEvent;

use super::{
    build_package, info_event, package_name, Step, PACKAGE_DISTRIBUTE_FAILED,
    PACKAGE_DISTRIBUTE_SUCCESS,
};
use crate::runner::Workflows;
use crate::steps::{past_deadline, progressed, succeeded, Advance};

/// Where a package's distribution is, as its instantiate info records it.
pub(crate) struct Distributing<'a> {
    pub workflows: &'a Workflows,
    pub at: &'a LcmEndpoint,
    pub tenant: &'a str,
    pub host_ip: &'a str,
    /// The package LCM knows it as, once uploaded.
    pub package_id: Option<&'a str>,
    /// Whether LCM accepted the distribute request.
    pub requested: bool,
    /// When the action started (its deadline counts from there).
    pub started_at: DateTime<Utc>,
}

/// What the next call of a distribution came to.
pub(crate) enum Distributed {
    /// The package was uploaded as this LCM package id (progress 25).
    Uploaded(String),
    /// LCM accepted the distribute request (progress 50).
    Requested,
    /// LCM reports the package distributed to the host (the action succeeded).
    Done,
    /// Still distributing: poll again.
    Pending,
    /// The distribution failed, with the error as recorded.
    Failed(String),
}

/// The next call of a distribution: upload (the package `csar` builds, named `file`),
/// distribute, or poll.
pub(crate) async fn next_call(
    d: &Distributing<'_>,
    file: &str,
    csar: impl std::future::Future<Output = Result<Vec<u8>, String>>,
) -> Distributed {
    let lcm = d.workflows.lcm();
    let Some(package) = d.package_id else {
        let csar = match csar.await {
            Ok(csar) => csar,
            Err(error) => return Distributed::Failed(error),
        };
        return match lcm.upload_package(d.at, d.tenant, file, csar).await {
            Ok(uploaded) => Distributed::Uploaded(uploaded.package_id),
            Err(e) => Distributed::Failed(format!("upload package to lcm failed: {e}")),
        };
    };
    if !d.requested {
        return match lcm.distribute(d.at, d.tenant, package, d.host_ip).await {
            Ok(()) => Distributed::Requested,
            Err(e) => Distributed::Failed(format!("distribute package failed: {e}")),
        };
    }
    match lcm.distribution(d.at, d.tenant, package, d.host_ip).await {
        Ok(x) if x.status == "Distributed" => Distributed::Done,
        Ok(x) if x.status == "killed" || x.status == "error" => {
            let error = format!(
                "distribute package failed on host {}: {} {}",
                d.host_ip,
                x.status,
                x.error.unwrap_or_default()
            );
            Distributed::Failed(error.trim().to_owned())
        }
        Ok(_) if past_deadline(d.started_at, d.workflows.deadlines().distribute) => {
            Distributed::Failed("distribute package timed out".into())
        }
        Ok(_) => Distributed::Pending,
        Err(e) => Distributed::Failed(format!("query distribute status failed: {e}")),
    }
}

/// The progress log of an upload.
pub(crate) fn uploaded_log(package_id: &str) -> String {
    format!("uploaded to LCM as package {package_id}")
}

pub(crate) const REQUESTED_LOG: &str = "distribute request accepted";
pub(crate) const DONE_LOG: &str = "LCM reports Distributed";

/// The next call of the VM's distribution, recorded on its instantiate info.
pub(super) async fn distribute(step: &Step<'_>) -> Advance {
    let (workflows, op, index, plan, info) =
        (step.workflows, step.op, step.index, step.plan, step.info);
    let host_ip = plan.host.mec_host_ip.as_str();
    let d = Distributing {
        workflows,
        at: &plan.host.lcm,
        tenant: &plan.tenant,
        host_ip,
        package_id: info.mepm_package_id.as_deref(),
        requested: info.distributed_mec_host.is_some(),
        started_at: op.actions[index].started_at,
    };
    let file = format!("{}.csar", package_name(plan));
    let csar = async { build_package(workflows, plan) };
    let op_event =
        |progress: i32, log: &str| VmEvent::Operation(progressed(op, index, progress, log));
    match next_call(&d, &file, csar).await {
        Distributed::Uploaded(package) => Advance::Record(vec![
            info_event(info, |i| {
                i.mepm_package_id = Some(package.clone());
                i.status = Some(PACKAGE_DISTRIBUTE_SUCCESS.into());
            }),
            op_event(25, &uploaded_log(&package)),
        ]),
        Distributed::Requested => Advance::Record(vec![
            info_event(info, |i| i.distributed_mec_host = Some(host_ip.to_owned())),
            op_event(50, REQUESTED_LOG),
        ]),
        Distributed::Done => {
            Advance::Record(vec![VmEvent::Operation(succeeded(op, index, DONE_LOG))])
        }
        Distributed::Pending => Advance::Poll,
        Distributed::Failed(error) => step.fail(PACKAGE_DISTRIBUTE_FAILED, &error),
    }
}
