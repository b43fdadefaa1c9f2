use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Spec = TestFramework<PlatformContainer>;

fn actor() -> Actor {
    Actor::new("5", "dev", vec![Role::Tenant])
}

fn spec() -> ContainerSpec {
    ContainerSpec {
        name: "web".into(),
        display_name: None,
        image_id: 3,
        cpu_request: Some("250m".into()),
        cpu_limit: Some("1".into()),
        memory_request: Some("64Mi".into()),
        memory_limit: Some("128Mi".into()),
        ports: vec![PortSpec {
            name: Some("http".into()),
            container_port: 8080,
            protocol: Protocol::Tcp,
            host_port: None,
            node_port: Some(30080),
        }],
        env: vec![EnvVar {
            name: "TOKEN".into(),
            source: EnvSource::Secret {
                name: "api".into(),
                key: "token".into(),
            },
        }],
        volume_mounts: vec![VolumeMount {
            volume_id: 9,
            mount_path: "/data".into(),
            read_only: false,
            sub_path: Some("web".into()),
        }],
    }
}

fn command(action: PlatformContainerAction) -> PlatformContainerCommand {
    PlatformContainerCommand {
        actor: actor(),
        action,
    }
}

fn create(spec: ContainerSpec) -> PlatformContainerCommand {
    command(PlatformContainerAction::Create {
        placement: Placement {
            namespace_id: 7,
            kubernetes_namespace: "team-a".into(),
        },
        image_reference: "nginx:1.25".into(),
        spec,
        by: Some(5),
    })
}

fn created() -> Vec<PlatformContainerEvent> {
    vec![
        PlatformContainerEvent::PlatformContainerCreated {
            namespace_id: 7,
            kubernetes_namespace: "team-a".into(),
            image_reference: "nginx:1.25".into(),
            spec: spec(),
            created_by: Some(5),
        },
        PlatformContainerEvent::PlatformContainerStatusChanged {
            change: StatusChange {
                previous: None,
                current: ContainerStatus::Pending,
                reason: Some("Created".into()),
                message: None,
                triggered_by: TriggeredBy::User,
                user_id: Some(5),
                operation_id: None,
            },
        },
    ]
}

fn status(current: ContainerStatus) -> PlatformContainerEvent {
    PlatformContainerEvent::PlatformContainerStatusChanged {
        change: StatusChange {
            previous: None,
            current,
            reason: None,
            message: None,
            triggered_by: TriggeredBy::User,
            user_id: None,
            operation_id: None,
        },
    }
}

fn act(verb: Verb) -> PlatformContainerCommand {
    command(PlatformContainerAction::Act {
        container_id: 1,
        verb,
        operation_id: "op-1".into(),
        at: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time"),
    })
}

#[test]
fn a_created_container_is_pending_with_one_history_change() {
    Spec::with(())
        .given_no_previous_events()
        .when(create(spec()))
        .then_expect_events(created());
}

#[test]
fn every_spec_rule_refuses_with_its_own_rejection() {
    type Change = Box<dyn Fn(&mut ContainerSpec)>;
    let cases: Vec<(Change, ContainerSpecError)> = vec![
        (
            Box::new(|s| s.name = "Web".into()),
            ContainerSpecError::Name,
        ),
        (
            Box::new(|s| s.cpu_limit = Some("lots".into())),
            ContainerSpecError::Quantity("cpuLimit"),
        ),
        (
            Box::new(|s| s.memory_request = Some("1Gi".into())),
            ContainerSpecError::RequestAboveLimit("memory"),
        ),
        (
            Box::new(|s| s.ports.push(s.ports[0].clone())),
            ContainerSpecError::DuplicatePort(8080, "TCP"),
        ),
        (
            Box::new(|s| s.ports[0].node_port = Some(8080)),
            ContainerSpecError::NodePort,
        ),
        (
            Box::new(|s| s.volume_mounts[0].sub_path = Some("a/../../etc".into())),
            ContainerSpecError::SubPath,
        ),
        (
            Box::new(|s| s.volume_mounts[0].mount_path = "data".into()),
            ContainerSpecError::MountPath,
        ),
        (
            Box::new(|s| s.env.push(s.env[0].clone())),
            ContainerSpecError::DuplicateEnv("TOKEN".into()),
        ),
        (
            Box::new(|s| s.env[0].name = "1X".into()),
            ContainerSpecError::EnvName,
        ),
    ];
    for (change, rejection) in cases {
        let mut bad = spec();
        change(&mut bad);
        Spec::with(())
            .given_no_previous_events()
            .when(create(bad))
            .then_expect_error(PlatformContainerError::Spec(rejection));
    }
}

#[test]
fn the_lifecycle_table_decides_each_action() {
    for from in ContainerStatus::ALL {
        for verb in Verb::ALL {
            let mut given = created();
            given.push(status(from));
            let expected = transition(from, verb);
            let result = Spec::with(()).given(given).when(act(verb));
            match expected {
                Transition::Allowed => {
                    result.then_expect_events(vec![PlatformContainerEvent::Operation(
                        crate::operation::OperationEvent::OperationRequested {
                            operation_id: "op-1".into(),
                            kind: verb.operation(),
                            object_id: "1".into(),
                            object_name: "web".into(),
                            user_id: "5".into(),
                            user_name: "dev".into(),
                            at: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time"),
                        },
                    )])
                }
                Transition::AlreadyThere => {
                    result.then_expect_error(PlatformContainerError::AlreadyThere(from))
                }
                Transition::NotAllowed => {
                    result.then_expect_error(PlatformContainerError::NotAllowed(from, verb))
                }
            }
        }
    }
    assert_eq!(
        transition(ContainerStatus::Running, Verb::Start),
        Transition::AlreadyThere
    );
    assert_eq!(
        transition(ContainerStatus::Stopped, Verb::Pause),
        Transition::NotAllowed
    );
    assert_eq!(
        transition(ContainerStatus::Running, Verb::Restart),
        Transition::Allowed
    );
}

#[test]
fn a_running_container_is_deleted_only_with_force() {
    let mut given = created();
    given.push(status(ContainerStatus::Running));
    let delete = |force| {
        command(PlatformContainerAction::Delete {
            container_id: 1,
            force,
            operation_id: "op-2".into(),
            by: Some(5),
            at: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time"),
        })
    };
    Spec::with(())
        .given(given.clone())
        .when(delete(false))
        .then_expect_error(PlatformContainerError::NeedsForce(ContainerStatus::Running));
    let events = Spec::with(())
        .given(given)
        .when(delete(true))
        .inspect_result()
        .expect("deleted");
    assert!(matches!(
        events[0],
        PlatformContainerEvent::PlatformContainerDeleted { forced: true, .. }
    ));
}

#[test]
fn a_report_of_a_crash_loop_is_a_change_by_kubernetes() {
    let mut given = created();
    given.push(status(ContainerStatus::Running));
    let pod = PodReport {
        pod_name: Some("web-1".into()),
        phase: Some("Running".into()),
        reason: Some("CrashLoopBackOff".into()),
        restart_count: 4,
        ..PodReport::default()
    };
    let events = Spec::with(())
        .given(given)
        .when(command(PlatformContainerAction::Observe {
            report: WorkloadReport {
                exists: true,
                replicas: 1,
                paused: false,
                restarted_at: None,
                pod: Some(pod.clone()),
            },
        }))
        .inspect_result()
        .expect("observed");
    assert_eq!(
        events,
        vec![
            PlatformContainerEvent::PlatformContainerStatusChanged {
                change: StatusChange {
                    previous: Some(ContainerStatus::Running),
                    current: ContainerStatus::CrashLoopBackOff,
                    reason: Some("CrashLoopBackOff".into()),
                    message: None,
                    triggered_by: TriggeredBy::Kubernetes,
                    user_id: None,
                    operation_id: None,
                },
            },
            PlatformContainerEvent::PlatformContainerPodReported { pod: Some(pod) },
        ]
    );
}
