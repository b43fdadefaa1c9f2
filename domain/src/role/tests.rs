//! Given/when/then specs of the Role aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role as PlatformRole};
use crate::permission::Permission;

type Framework = TestFramework<Role>;

fn command(action: RoleAction) -> RoleCommand {
    RoleCommand {
        actor: Actor::new("1", "admin", vec![PlatformRole::Admin]),
        action,
    }
}

fn fields(name: &str, permissions: &[&str]) -> RoleFields {
    RoleFields {
        name: name.into(),
        display_name: " Viewer ".into(),
        description: Some(String::new()),
        permissions: permissions
            .iter()
            .map(|p| Permission::parse(p).expect("a permission"))
            .collect(),
    }
}

#[test]
fn a_role_keeps_an_upper_case_name_and_sorted_distinct_permissions() {
    let mut expected = fields("NS_VIEWER", &["configmaps:read", "secrets:read"]);
    expected.display_name = "Viewer".into();
    expected.description = None;
    Framework::with(())
        .given_no_previous_events()
        .when(command(RoleAction::Create {
            fields: fields(
                "ns_viewer",
                &["secrets:read", "configmaps:read", "secrets:read"],
            ),
            system: false,
        }))
        .then_expect_events(vec![RoleEvent::RoleCreated {
            fields: expected,
            system: false,
        }]);
}

#[test]
fn bad_names_are_refused() {
    for name in [
        "A",
        "1ADMIN",
        "ADMIN ROLE",
        " ADMIN",
        "ADMIN-ROLE",
        &"A".repeat(51),
    ] {
        assert_eq!(role_name(name), Err(RoleError::Name), "{name}");
    }
}

#[test]
fn system_roles_cannot_be_changed_or_deleted() {
    let created = RoleEvent::RoleCreated {
        fields: fields("ADMIN", &["*:*"]).validated().expect("valid"),
        system: true,
    };
    Framework::with(())
        .given(vec![created.clone()])
        .when(command(RoleAction::Delete))
        .then_expect_error(RoleError::SystemRole);
    Framework::with(())
        .given(vec![created])
        .when(command(RoleAction::Update(fields("ADMIN", &[]))))
        .then_expect_error(RoleError::SystemRole);
}

#[test]
fn a_deleted_role_frees_its_name_and_is_not_created_again() {
    let created = RoleEvent::RoleCreated {
        fields: fields("VIEWER", &[]).validated().expect("valid"),
        system: false,
    };
    let mut role = Role::default();
    role.apply(created.clone());
    role.apply(RoleEvent::RoleDeleted {});
    assert!(role.unique_keys().is_empty());
    Framework::with(())
        .given(vec![created, RoleEvent::RoleDeleted {}])
        .when(command(RoleAction::Create {
            fields: fields("VIEWER", &[]),
            system: false,
        }))
        .then_expect_error(RoleError::AlreadyExists);
}
