//! Given/when/then specs of the Application aggregate: one per rule, asserting typed variants.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

pub(super) type Spec = TestFramework<Application>;

pub(super) fn owner() -> Actor {
    Actor::new("u-owner", "owner", vec![Role::Tenant])
}
pub(super) fn other_tenant() -> Actor {
    Actor::new("u-other", "other", vec![Role::Tenant])
}
fn admin() -> Actor {
    Actor::new("u-admin", "admin", vec![Role::Admin])
}
pub(super) fn guest() -> Actor {
    Actor::new("u-guest", "guest", vec![Role::Guest])
}

fn fields(name: &str) -> ApplicationFields {
    ApplicationFields {
        name: AppName::parse(name).expect("valid name"),
        description: Description::parse("a test application").expect("valid description"),
        version: AppVersion::parse("v1.0").expect("valid version"),
        provider: Provider::parse("edgedev").expect("valid provider"),
        architecture: Architecture::X86,
        app_class: AppClass::Container,
        app_type: Label::parse("Video", 50, FieldError::Type).expect("valid type"),
        industry: Label::parse("Smart Park", 100, FieldError::Industry).expect("valid industry"),
        icon_file_id: FileRef::parse(
            "7b5b3d2e-0a5c-4b8e-9d2f-6f1d5c1a2b3c",
            FieldError::IconFileId,
        )
        .expect("valid icon"),
        guide_file_id: None,
        app_create_type: AppCreateType::Develop,
        pkg_spec_id: None,
    }
}

pub(super) fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("valid time")
}

fn create(name: &str) -> ApplicationAction {
    ApplicationAction::Create {
        fields: fields(name),
        created_at: at(),
    }
}

pub(super) fn created() -> ApplicationEvent {
    ApplicationEvent::ApplicationCreated {
        fields: fields("camera-app"),
        owner_id: "u-owner".into(),
        owner_name: "owner".into(),
        created_at: at(),
    }
}

pub(super) fn moved(from: AppStatus, to: AppStatus) -> ApplicationEvent {
    ApplicationEvent::ApplicationStatusChanged { from, to }
}

pub(super) fn cmd(actor: Actor, action: ApplicationAction) -> ApplicationCommand {
    ApplicationCommand { actor, action }
}

#[test]
fn a_tenant_creates_an_application_they_own() {
    Spec::with(())
        .given_no_previous_events()
        .when(cmd(owner(), create("camera-app")))
        .then_expect_events(vec![created()]);
}

#[test]
fn a_guest_cannot_create_an_application() {
    Spec::with(())
        .given_no_previous_events()
        .when(cmd(guest(), create("camera-app")))
        .then_expect_error(ApplicationError::Forbidden);
}

#[test]
fn an_existing_id_cannot_be_created_again() {
    Spec::with(())
        .given(vec![created()])
        .when(cmd(owner(), create("camera-app")))
        .then_expect_error(ApplicationError::AlreadyExists);
}

#[test]
fn a_deleted_id_is_never_reused() {
    Spec::with(())
        .given(vec![created(), ApplicationEvent::ApplicationDeleted {}])
        .when(cmd(owner(), create("camera-app")))
        .then_expect_error(ApplicationError::AlreadyExists);
}

#[test]
fn the_owner_updates_the_basic_fields() {
    Spec::with(())
        .given(vec![created()])
        .when(cmd(
            owner(),
            ApplicationAction::Update(fields("camera-app-2")),
        ))
        .then_expect_events(vec![ApplicationEvent::ApplicationUpdated {
            fields: fields("camera-app-2"),
        }]);
}

#[test]
fn an_update_that_changes_nothing_appends_nothing() {
    Spec::with(())
        .given(vec![created()])
        .when(cmd(
            owner(),
            ApplicationAction::Update(fields("camera-app")),
        ))
        .then_expect_events(vec![]);
}

#[test]
fn another_tenant_cannot_update_delete_or_select_a_host() {
    for action in [
        ApplicationAction::Update(fields("camera-app-2")),
        ApplicationAction::Delete,
        ApplicationAction::SelectSandboxHost {
            mep_host_id: "1f0c8a4e-7d7e-4d6b-9a43-0f1c2d3e4f50".into(),
        },
        ApplicationAction::DeleteAppCertificate,
    ] {
        Spec::with(())
            .given(vec![created()])
            .when(cmd(other_tenant(), action))
            .then_expect_error(ApplicationError::Forbidden);
    }
}

#[test]
fn an_admin_may_act_on_any_application() {
    Spec::with(())
        .given(vec![created()])
        .when(cmd(admin(), ApplicationAction::Delete))
        .then_expect_events(vec![ApplicationEvent::ApplicationDeleted {}]);
}

#[test]
fn a_guest_cannot_change_even_their_own_looking_application() {
    let guest_named_owner = Actor::new("u-owner", "owner", vec![Role::Guest]);
    Spec::with(())
        .given(vec![created()])
        .when(cmd(guest_named_owner, ApplicationAction::Delete))
        .then_expect_error(ApplicationError::Forbidden);
}

#[test]
fn commands_on_a_missing_application_are_not_found() {
    for action in [
        ApplicationAction::Update(fields("camera-app")),
        ApplicationAction::Delete,
        ApplicationAction::DeleteAppCertificate,
    ] {
        Spec::with(())
            .given_no_previous_events()
            .when(cmd(owner(), action))
            .then_expect_error(ApplicationError::NotFound);
    }
}

#[test]
fn commands_on_a_deleted_application_are_not_found() {
    Spec::with(())
        .given(vec![created(), ApplicationEvent::ApplicationDeleted {}])
        .when(cmd(owner(), ApplicationAction::Delete))
        .then_expect_error(ApplicationError::NotFound);
}

#[test]
fn selecting_a_sandbox_host_records_it_once() {
    let host = "1f0c8a4e-7d7e-4d6b-9a43-0f1c2d3e4f50".to_owned();
    Spec::with(())
        .given(vec![created()])
        .when(cmd(
            owner(),
            ApplicationAction::SelectSandboxHost {
                mep_host_id: host.clone(),
            },
        ))
        .then_expect_events(vec![ApplicationEvent::SandboxHostSelected {
            mep_host_id: host.clone(),
        }]);
    Spec::with(())
        .given(vec![
            created(),
            ApplicationEvent::SandboxHostSelected {
                mep_host_id: host.clone(),
            },
        ])
        .when(cmd(
            owner(),
            ApplicationAction::SelectSandboxHost { mep_host_id: host },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn a_sandbox_host_id_must_be_a_uuid() {
    Spec::with(())
        .given(vec![created()])
        .when(cmd(
            owner(),
            ApplicationAction::SelectSandboxHost {
                mep_host_id: "not-a-uuid".into(),
            },
        ))
        .then_expect_error(ApplicationError::InvalidField(FieldError::MepHostId));
}

/// The live application after `events`.
fn live_after(events: Vec<ApplicationEvent>) -> LiveApplication {
    let mut app = Application::default();
    for event in events {
        app.apply(event);
    }
    app.state.expect("live")
}

#[test]
fn the_status_walks_created_configured_packaged_tested_released() {
    use AppStatus::*;
    let steps = [
        (
            vec![created(), moved(Created, Configured)],
            Transition::Package,
            Packaged,
        ),
        (
            vec![
                created(),
                moved(Created, Configured),
                moved(Configured, Packaged),
            ],
            Transition::Test,
            Tested,
        ),
        (
            vec![
                created(),
                moved(Created, Configured),
                moved(Configured, Packaged),
                moved(Packaged, Tested),
            ],
            Transition::Release,
            Released,
        ),
    ];
    for (given, step, to) in steps {
        assert_eq!(
            Application::transition(&live_after(given), step),
            Ok(Some(to))
        );
    }
}

#[test]
fn a_status_cannot_skip_a_step() {
    use AppStatus::*;
    let configured = vec![created(), moved(Created, Configured)];
    let packaged = vec![
        created(),
        moved(Created, Configured),
        moved(Configured, Packaged),
    ];
    let cases = [
        (vec![created()], Transition::Package, "package", "CREATED"),
        (vec![created()], Transition::Test, "test", "CREATED"),
        (vec![created()], Transition::Release, "release", "CREATED"),
        (configured.clone(), Transition::Test, "test", "CONFIGURED"),
        (configured, Transition::Release, "release", "CONFIGURED"),
        (packaged, Transition::Release, "release", "PACKAGED"),
    ];
    for (given, step, name, from) in cases {
        assert_eq!(
            Application::transition(&live_after(given), step),
            Err(ApplicationError::InvalidTransition { action: name, from })
        );
    }
}

#[test]
fn a_released_application_is_frozen() {
    use AppStatus::*;
    let released = vec![
        created(),
        moved(Created, Configured),
        moved(Configured, Packaged),
        moved(Packaged, Tested),
        moved(Tested, Released),
    ];
    Spec::with(())
        .given(released.clone())
        .when(cmd(
            owner(),
            ApplicationAction::Update(fields("camera-app-2")),
        ))
        .then_expect_error(ApplicationError::Released);
    assert_eq!(
        Application::transition(&live_after(released), Transition::Release),
        Err(ApplicationError::InvalidTransition {
            action: "release",
            from: "RELEASED",
        })
    );
}

#[test]
fn reconfiguring_a_packaged_application_sends_it_back_to_configured() {
    use AppStatus::*;
    Spec::with(())
        .given(vec![
            created(),
            moved(Created, Configured),
            moved(Configured, Packaged),
        ])
        .when(cmd(
            owner(),
            ApplicationAction::Update(fields("camera-app-2")),
        ))
        .then_expect_events(vec![
            ApplicationEvent::ApplicationUpdated {
                fields: fields("camera-app-2"),
            },
            moved(Packaged, Configured),
        ]);
}

#[test]
fn the_unique_key_is_held_while_live_and_released_on_delete() {
    let mut app = Application::default();
    cqrs_es::Aggregate::apply(&mut app, created());
    assert_eq!(app.unique_keys().len(), 1);
    assert_eq!(
        app.unique_keys()[0].key,
        r#"["camera-app","v1.0","edgedev"]"#
    );
    cqrs_es::Aggregate::apply(&mut app, ApplicationEvent::ApplicationDeleted {});
    assert!(app.unique_keys().is_empty());
}

#[test]
fn field_rules_reject_what_the_rule_table_rejects() {
    for bad in [
        "abc",
        "_camera",
        "camera-",
        " camera",
        "12345",
        "cam@ra",
        &"x".repeat(33),
    ] {
        assert_eq!(AppName::parse(bad), Err(FieldError::Name), "name {bad:?}");
    }
    for good in ["camera", "Camera App", "相机应用程序", "cam_era-1"] {
        assert!(AppName::parse(good).is_ok(), "name {good:?}");
    }
    for bad in ["", ".1", "v1.0.0.0.0.0", "v1/0"] {
        assert_eq!(
            AppVersion::parse(bad),
            Err(FieldError::Version),
            "version {bad:?}"
        );
    }
    assert!(AppVersion::parse("v1.0").is_ok());
    for bad in ["", " acme", &"p".repeat(31)] {
        assert_eq!(
            Provider::parse(bad),
            Err(FieldError::Provider),
            "provider {bad:?}"
        );
    }
    for bad in ["", " starts with space", "123456", &"d".repeat(256)] {
        assert_eq!(
            Description::parse(bad),
            Err(FieldError::Description),
            "description {bad:?}"
        );
    }
    assert_eq!(AppClass::parse("vm"), Ok(AppClass::Vm));
    assert_eq!(AppClass::parse("VMWARE"), Err(FieldError::AppClass));
    assert_eq!(Architecture::parse("arm"), Ok(Architecture::Arm));
    assert_eq!(Architecture::parse("riscv"), Err(FieldError::Architecture));
    assert_eq!(
        AppCreateType::parse("integrated"),
        Ok(AppCreateType::Integrated)
    );
    assert_eq!(
        AppCreateType::parse("MIGRATED"),
        Err(FieldError::AppCreateType)
    );
    assert_eq!(
        FileRef::parse("", FieldError::IconFileId),
        Err(FieldError::IconFileId)
    );
}

#[test]
fn events_round_trip_through_their_wire_form() {
    let event = created();
    let (name, body) = crate::wire::to_wire(&event).expect("serializes");
    assert_eq!(name, "ApplicationCreated");
    assert_eq!(body["name"], "camera-app");
    assert_eq!(body["appClass"], "CONTAINER");
    assert_eq!(body["ownerId"], "u-owner");
    let back: ApplicationEvent = crate::wire::from_wire(&name, body).expect("deserializes");
    assert_eq!(back, event);
    // Operation steps keep the operation's own wire names.
    let step = ApplicationEvent::Operation(crate::operation::OperationEvent::ActionStarted {
        operation_id: "op".into(),
        action: 0,
        at: at(),
    });
    let (name, body) = crate::wire::to_wire(&step).expect("serializes");
    assert_eq!(name, "ActionStarted");
    assert_eq!(body["operationId"], "op");
    let back: ApplicationEvent = crate::wire::from_wire(&name, body).expect("deserializes");
    assert_eq!(back, step);
    let deleted =
        crate::wire::to_wire(&ApplicationEvent::ApplicationDeleted {}).expect("serializes");
    assert_eq!(deleted.0, "ApplicationDeleted");
}

mod sandbox_specs {
    use super::*;
    use crate::application::sandbox::{Network, VmConfig, VmPort, VmSpec};
    use crate::operation::OperationError;

    fn vm_fields() -> ApplicationFields {
        ApplicationFields {
            app_class: AppClass::Vm,
            ..fields("camera-app")
        }
    }

    fn vm_app() -> Vec<ApplicationEvent> {
        let mut events = vec![ApplicationEvent::ApplicationCreated {
            fields: vm_fields(),
            owner_id: "u-owner".into(),
            owner_name: "owner".into(),
            created_at: at(),
        }];
        for (id, name) in [("n1", "MEC_APP_N6"), ("n2", "MEC_APP_Internet")] {
            events.push(ApplicationEvent::NetworkCreated {
                network: Network {
                    id: id.into(),
                    name: name.into(),
                    description: String::new(),
                },
            });
        }
        events
    }

    fn vm(id: &str, name: &str, network: &str) -> VmConfig {
        VmConfig {
            id: id.into(),
            spec: VmSpec {
                name: name.into(),
                flavor_id: "flavor".into(),
                image_id: 1,
                user_data: None,
                area_zone: None,
                flavor_extra_specs: None,
                ports: vec![VmPort {
                    id: format!("{id}-p"),
                    name: "eth0".into(),
                    description: String::new(),
                    network_name: network.into(),
                }],
                certificate: None,
            },
        }
    }

    fn by_owner(action: ApplicationAction) -> ApplicationCommand {
        ApplicationCommand {
            actor: owner(),
            action,
        }
    }

    #[test]
    fn a_new_vm_application_gets_the_default_networks_of_its_spec() {
        let events = handled(by_owner(ApplicationAction::Create {
            fields: vm_fields(),
            created_at: at(),
        }));
        let names: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                ApplicationEvent::NetworkCreated { network } => Some(network.name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["MEC_APP_N6", "MEC_APP_Internet", "MEC_APP_MP1"]);
    }

    #[test]
    fn the_first_vm_configures_the_application() {
        Spec::with(())
            .given(vm_app())
            .when(by_owner(ApplicationAction::CreateVm(vm(
                "v1",
                "vm1",
                "MEC_APP_N6",
            ))))
            .then_expect_events(vec![
                ApplicationEvent::VmCreated {
                    vm: vm("v1", "vm1", "MEC_APP_N6"),
                },
                ApplicationEvent::ApplicationStatusChanged {
                    from: AppStatus::Created,
                    to: AppStatus::Configured,
                },
            ]);
    }

    #[test]
    fn a_port_must_be_on_a_network_of_the_application() {
        Spec::with(())
            .given(vm_app())
            .when(by_owner(ApplicationAction::CreateVm(vm(
                "v1", "vm1", "nowhere",
            ))))
            .then_expect_error(ApplicationError::UnknownNetwork {
                port: "eth0".into(),
                network: "nowhere".into(),
            });
    }

    #[test]
    fn a_network_in_use_cannot_be_deleted_and_names_are_unique() {
        let mut given = vm_app();
        given.push(ApplicationEvent::VmCreated {
            vm: vm("v1", "vm1", "MEC_APP_N6"),
        });
        Spec::with(())
            .given(given.clone())
            .when(by_owner(ApplicationAction::DeleteNetwork {
                network_id: "n1".into(),
            }))
            .then_expect_error(ApplicationError::NetworkInUse("vm1".into()));
        Spec::with(())
            .given(given.clone())
            .when(by_owner(ApplicationAction::DeleteNetwork {
                network_id: "n2".into(),
            }))
            .then_expect_events(vec![ApplicationEvent::NetworkDeleted {
                network_id: "n2".into(),
            }]);
        Spec::with(())
            .given(given)
            .when(by_owner(ApplicationAction::CreateNetwork(Network {
                id: "n3".into(),
                name: "MEC_APP_Internet".into(),
                description: String::new(),
            })))
            .then_expect_error(ApplicationError::NetworkNameTaken(
                "MEC_APP_Internet".into(),
            ));
    }

    #[test]
    fn a_step_of_an_unknown_operation_is_refused() {
        Spec::with(())
            .given(vm_app())
            .when(by_owner(ApplicationAction::OperationStep {
                operation_id: "op".into(),
                events: Vec::new(),
            }))
            .then_expect_error(ApplicationError::Operation(OperationError::Unknown));
    }
}

/// Runs one command on a new application and returns its events (for events with generated ids,
/// which the framework's equality cannot match).
fn handled(command: ApplicationCommand) -> Vec<ApplicationEvent> {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let mut app = Application::default();
    let sink = cqrs_es::event_sink::EventSink::default();
    let mut fut = std::pin::pin!(async {
        app.handle(command, &(), &sink).await.expect("accepted");
        sink.collect().await
    });
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(events) = fut.as_mut().poll(&mut cx) {
            return events;
        }
    }
}
