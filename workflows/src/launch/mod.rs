//! The VM launch (reference section 3): "Build Application Package" (0-20), "Distribute
//! Application Package" (20-50), "Instantiate Application" (50-100). Which call comes next is
//! read from the recorded instantiate info, so a resumed launch repeats at most the one call that
//! was in flight when the process died. Instantiate status is the real outcome: `INSTANTIATING`
//! once LCM accepted the request, `SUCCESS` only when the workload is instantiated.
//!
//! One module per action: [`build`], [`distribute`], [`instantiate`] (with [`addresses`], the
//! per-host IP allocator it uses).

pub mod addresses;
mod build;
pub(crate) mod distribute;
mod instantiate;

use domain::application::sandbox::VmCertificate;
use domain::operation::{OperationEvent, OperationState};
use domain::vm::{InstantiateInfo, LaunchPlan, Vm, VmEvent};
use serde_json::json;

use crate::runner::{RunError, Workflows};
use crate::steps::{failed, Advance};

pub const PACKAGE_GENERATE_SUCCESS: &str = "PACKAGE_GENERATE_SUCCESS";
pub const PACKAGE_DISTRIBUTE_SUCCESS: &str = "PACKAGE_DISTRIBUTE_SUCCESS";
pub const PACKAGE_DISTRIBUTE_FAILED: &str = "PACKAGE_DISTRIBUTE_FAILED";
pub const INSTANTIATING: &str = "INSTANTIATING";
pub const INSTANTIATE_FAILED: &str = "INSTANTIATE_FAILED";

pub(crate) fn ops(events: Vec<OperationEvent>) -> impl Iterator<Item = VmEvent> {
    events.into_iter().map(VmEvent::Operation)
}

/// The info with `change` applied, as an event.
pub(crate) fn info_event(
    info: &InstantiateInfo,
    change: impl FnOnce(&mut InstantiateInfo),
) -> VmEvent {
    let mut next = info.clone();
    change(&mut next);
    VmEvent::InstantiateInfoRecorded { info: next }
}

/// Fails the action and the operation, recording `status` on the instantiate info.
pub(crate) fn fail(
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
pub(crate) fn package_name(plan: &LaunchPlan) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    };
    format!("{}-{}", clean(&plan.app_name), clean(&plan.vm.spec.name))
}

/// The CSAR of the single-VM application, with the password set-up merged into the user data.
pub(crate) fn build_package(workflows: &Workflows, plan: &LaunchPlan) -> Result<Vec<u8>, String> {
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

/// What every action of a launch works with.
pub(crate) struct Step<'a> {
    pub workflows: &'a Workflows,
    pub vm_id: &'a str,
    pub vm: &'a Vm,
    pub op: &'a OperationState,
    pub index: usize,
    pub plan: &'a LaunchPlan,
    pub info: &'a InstantiateInfo,
}

impl Step<'_> {
    /// Fails this action and the launch, recording `status` on the instantiate info.
    pub fn fail(&self, status: &str, error: &str) -> Advance {
        fail(self.op, self.index, self.info, status, error)
    }
}

/// Takes the next step of action `index` of the launch.
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
    let step = Step {
        workflows,
        vm_id,
        vm,
        op,
        index,
        plan,
        info,
    };
    match index {
        0 => Ok(build::build(&step)),
        1 => Ok(distribute::distribute(&step).await),
        _ => instantiate::instantiate(&step).await,
    }
}
