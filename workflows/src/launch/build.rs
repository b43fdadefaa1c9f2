//! "Build Application Package" (0-20): the CSAR of the single-VM application, built to check it
//! can be (it is built again for the upload, so nothing large is kept in the log).

use domain::vm::VmEvent;

use super::{build_package, info_event, Step, PACKAGE_GENERATE_SUCCESS};
use crate::steps::{progressed, succeeded, Advance};

/// Builds the package and records it on the instantiate info.
pub(super) fn build(step: &Step<'_>) -> Advance {
    let (workflows, op, index, plan, info) =
        (step.workflows, step.op, step.index, step.plan, step.info);
    if let Err(error) = build_package(workflows, plan) {
        return step.fail("PACKAGE_GENERATE_FAILED", &error);
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
