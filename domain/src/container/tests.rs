//! Given/when/then specs of the Container aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::Role;
use crate::operation::OperationEvent;
use crate::ports::LcmEndpoint;
use crate::vm::HostSnapshot;

type Spec = TestFramework<Container>;

fn owner() -> Actor {
    Actor::new("u-owner", "owner", vec![Role::Tenant])
}

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time")
}

fn plan() -> ContainerLaunchPlan {
    ContainerLaunchPlan {
        app_id: "app".into(),
        app_name: "shop".into(),
        app_version: "v1".into(),
        app_provider: "edgedev".into(),
        tenant: "u-owner".into(),
        host: HostSnapshot {
            id: "host".into(),
            name: "k8s".into(),
            lcm: LcmEndpoint {
                protocol: "http".into(),
                ip: "127.0.0.1".into(),
                port: 30204,
            },
            mec_host_ip: "10.0.0.3".into(),
            vim_type: "K8S".into(),
            network_parameter: String::new(),
        },
        charts: vec![LaunchChart {
            id: "c1".into(),
            name: "web.tgz".into(),
            helm_chart_file_id: "f1".into(),
        }],
        app_instance_id: "inst".into(),
    }
}

fn launch(op: &str) -> ContainerCommand {
    ContainerCommand {
        actor: owner(),
        action: ContainerAction::RequestLaunch {
            operation_id: op.into(),
            plan: Box::new(plan()),
            at: at(),
        },
    }
}

fn launched(op: &str) -> Vec<ContainerEvent> {
    vec![
        ContainerEvent::Operation(OperationEvent::OperationRequested {
            operation_id: op.into(),
            kind: OperationKind::ContainerLaunch,
            object_id: "app".into(),
            object_name: "shop".into(),
            user_id: "u-owner".into(),
            user_name: "owner".into(),
            at: at(),
        }),
        ContainerEvent::ContainerLaunchRequested {
            plan: Box::new(plan()),
        },
    ]
}

fn finished(op: &str) -> ContainerEvent {
    ContainerEvent::Operation(OperationEvent::OperationSucceeded {
        operation_id: op.into(),
        at: at(),
    })
}

#[test]
fn a_launch_requests_the_operation_with_its_plan() {
    Spec::with(())
        .given_no_previous_events()
        .when(launch("op1"))
        .then_expect_events(launched("op1"));
}

#[test]
fn a_launched_application_is_cleaned_before_it_launches_again() {
    let mut given = launched("op1");
    given.push(finished("op1"));
    Spec::with(())
        .given(given.clone())
        .when(launch("op2"))
        .then_expect_error(ContainerError::AlreadyInstantiated);
    given.push(ContainerEvent::ContainerInstanceCleaned {});
    Spec::with(())
        .given(given)
        .when(launch("op2"))
        .then_expect_events(launched("op2"));
}

#[test]
fn a_running_launch_refuses_a_clean_up_and_another_tenant() {
    Spec::with(())
        .given(launched("op1"))
        .when(ContainerCommand {
            actor: owner(),
            action: ContainerAction::CleanInstance { log: None },
        })
        .then_expect_error(ContainerError::OperationRunning("op1".into()));
    Spec::with(())
        .given(launched("op1"))
        .when(ContainerCommand {
            actor: Actor::new("u-other", "other", vec![Role::Tenant]),
            action: ContainerAction::Cancel {
                operation_id: "op1".into(),
                at: at(),
            },
        })
        .then_expect_error(ContainerError::Forbidden);
}

#[test]
fn cleaning_nothing_records_nothing() {
    Spec::with(())
        .given_no_previous_events()
        .when(ContainerCommand {
            actor: owner(),
            action: ContainerAction::CleanInstance { log: None },
        })
        .then_expect_events(vec![]);
}
