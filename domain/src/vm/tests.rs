//! Given/when/then specs of the Vm aggregate.

use chrono::{DateTime, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::application::sandbox::{VmConfig, VmSpec};
use crate::identity::Role;
use crate::operation::OperationError;
use crate::ports::LcmEndpoint;

type Spec = TestFramework<Vm>;

fn owner() -> Actor {
    Actor::new("u-owner", "owner", vec![Role::Tenant])
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("valid time")
}

fn plan() -> LaunchPlan {
    LaunchPlan {
        app_id: "app".into(),
        app_name: "camera".into(),
        app_version: "v1".into(),
        app_provider: "edgedev".into(),
        tenant: "u-owner".into(),
        host: HostSnapshot {
            id: "host".into(),
            name: "sandbox".into(),
            lcm: LcmEndpoint {
                protocol: "http".into(),
                ip: "127.0.0.1".into(),
                port: 30204,
            },
            mec_host_ip: "10.0.0.2".into(),
            vim_type: "OpenStack".into(),
            network_parameter: String::new(),
        },
        vm: VmConfig {
            id: "vm".into(),
            spec: VmSpec {
                name: "vm1".into(),
                flavor_id: "f".into(),
                image_id: 1,
                user_data: None,
                area_zone: None,
                flavor_extra_specs: None,
                ports: Vec::new(),
                certificate: None,
            },
        },
        app_instance_id: "inst".into(),
    }
}

fn launch(op: &str) -> VmCommand {
    VmCommand {
        actor: owner(),
        action: VmAction::RequestLaunch {
            operation_id: op.into(),
            plan: Box::new(plan()),
            at: at(),
        },
    }
}

fn requested(op: &str) -> Vec<VmEvent> {
    vec![
        VmEvent::Operation(OperationEvent::OperationRequested {
            operation_id: op.into(),
            kind: OperationKind::VmLaunch,
            object_id: "vm".into(),
            object_name: "vm1".into(),
            user_id: "u-owner".into(),
            user_name: "owner".into(),
            at: at(),
        }),
        VmEvent::LaunchRequested {
            plan: Box::new(plan()),
        },
    ]
}

#[test]
fn a_launch_is_requested_once() {
    Spec::with(())
        .given_no_previous_events()
        .when(launch("op1"))
        .then_expect_events(requested("op1"));
    Spec::with(())
        .given(requested("op1"))
        .when(launch("op2"))
        .then_expect_error(VmError::OperationRunning("op1".into()));
}

#[test]
fn a_finished_launch_still_blocks_a_new_one_until_clean_up() {
    let mut given = requested("op1");
    given.push(VmEvent::Operation(OperationEvent::OperationFailed {
        operation_id: "op1".into(),
        error: "boom".into(),
        at: at(),
    }));
    Spec::with(())
        .given(given.clone())
        .when(launch("op2"))
        .then_expect_error(VmError::AlreadyInstantiated);
    given.push(VmEvent::InstanceCleaned {});
    Spec::with(())
        .given(given)
        .when(launch("op2"))
        .then_expect_events(requested("op2"));
}

#[test]
fn export_needs_a_successful_instance() {
    Spec::with(())
        .given(requested("op1"))
        .when(VmCommand {
            actor: owner(),
            action: VmAction::RequestExport {
                operation_id: "op2".into(),
                at: at(),
            },
        })
        .then_expect_error(VmError::OperationRunning("op1".into()));
    let mut given = requested("op1");
    given.push(VmEvent::Operation(OperationEvent::OperationSucceeded {
        operation_id: "op1".into(),
        at: at(),
    }));
    Spec::with(())
        .given(given)
        .when(VmCommand {
            actor: owner(),
            action: VmAction::RequestExport {
                operation_id: "op2".into(),
                at: at(),
            },
        })
        .then_expect_error(VmError::NotInstantiated);
}

#[test]
fn steps_of_a_cancelled_operation_are_refused() {
    let mut given = requested("op1");
    given.push(VmEvent::Operation(OperationEvent::OperationCancelled {
        operation_id: "op1".into(),
        by: "owner".into(),
        at: at(),
    }));
    Spec::with(())
        .given(given)
        .when(VmCommand {
            actor: owner(),
            action: VmAction::Step {
                operation_id: "op1".into(),
                events: vec![VmEvent::InstanceCleaned {}],
            },
        })
        .then_expect_error(VmError::Operation(OperationError::Finished));
}

#[test]
fn another_tenant_cannot_cancel() {
    Spec::with(())
        .given(requested("op1"))
        .when(VmCommand {
            actor: Actor::new("u-other", "other", vec![Role::Tenant]),
            action: VmAction::Cancel {
                operation_id: "op1".into(),
                at: at(),
            },
        })
        .then_expect_error(VmError::Forbidden);
}
