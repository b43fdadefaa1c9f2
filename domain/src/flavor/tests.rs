//! Given/when/then specs of the Flavor aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

fn fields() -> FlavorFields {
    FlavorFields {
        name: "General Computing-1".into(),
        description: Some("Ordinary APP".into()),
        architecture: "x86".into(),
        cpu: 1,
        memory: 1,
        system_disk_size: 20,
        data_disk_size: 40,
        gpu_extra_info: None,
        other_extra_info: None,
    }
}

fn admin() -> Actor {
    Actor::new("admin-1", "admin", vec![Role::Admin])
}

fn command(actor: Actor, action: FlavorAction) -> FlavorCommand {
    FlavorCommand { actor, action }
}

type Framework = TestFramework<Flavor>;

#[test]
fn an_admin_creates_a_flavor_with_the_canonical_architecture() {
    let mut expected = fields();
    expected.architecture = "X86".into();
    Framework::with(())
        .given_no_previous_events()
        .when(command(admin(), FlavorAction::Create(fields())))
        .then_expect_events(vec![FlavorEvent::FlavorCreated {
            fields: expected,
            user_id: "admin-1".into(),
        }]);
}

#[test]
fn a_tenant_may_not_create_or_delete() {
    let tenant = Actor::new("t-1", "tenant", vec![Role::Tenant]);
    Framework::with(())
        .given_no_previous_events()
        .when(command(tenant.clone(), FlavorAction::Create(fields())))
        .then_expect_error(FlavorError::Forbidden);
    Framework::with(())
        .given(vec![FlavorEvent::FlavorCreated {
            fields: fields(),
            user_id: "admin-1".into(),
        }])
        .when(command(tenant, FlavorAction::Delete))
        .then_expect_error(FlavorError::Forbidden);
}

#[test]
fn a_deleted_flavor_is_never_created_again() {
    Framework::with(())
        .given(vec![
            FlavorEvent::FlavorCreated {
                fields: fields(),
                user_id: "admin-1".into(),
            },
            FlavorEvent::FlavorDeleted {},
        ])
        .when(command(admin(), FlavorAction::Create(fields())))
        .then_expect_error(FlavorError::AlreadyExists);
}

#[test]
fn deleting_an_unknown_flavor_is_not_found() {
    Framework::with(())
        .given_no_previous_events()
        .when(command(admin(), FlavorAction::Delete))
        .then_expect_error(FlavorError::NotFound);
}

#[test]
fn each_rule_rejects() {
    type Change = Box<dyn Fn(&mut FlavorFields)>;
    let cases: Vec<(Change, FlavorError)> = vec![
        (Box::new(|f| f.name = " ".into()), FlavorError::Name),
        (
            Box::new(|f| f.name = format!("{} ", "n".repeat(255))),
            FlavorError::Name,
        ),
        (
            Box::new(|f| f.architecture = "mips".into()),
            FlavorError::Architecture,
        ),
        (
            Box::new(|f| f.cpu = 0),
            FlavorError::OutOfRange("cpu", 1, values::MAX_CPU),
        ),
        (
            Box::new(|f| f.memory = values::MAX_MEMORY + 1),
            FlavorError::OutOfRange("memory", 1, values::MAX_MEMORY),
        ),
        (
            Box::new(|f| f.data_disk_size = -1),
            FlavorError::OutOfRange("dataDiskSize", 0, values::MAX_DISK),
        ),
        (
            Box::new(|f| f.description = Some("d".repeat(256))),
            FlavorError::TooLong("description", values::MAX_DESCRIPTION),
        ),
    ];
    for (change, expected) in cases {
        let mut f = fields();
        change(&mut f);
        assert_eq!(f.validated(), Err(expected));
    }
}
