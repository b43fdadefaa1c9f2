//! Given/when/then specs of the Capability aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};
use crate::uniqueness::HoldsUniqueKeys;

fn fields() -> CapabilityFields {
    CapabilityFields {
        name: "拥塞检测".into(),
        name_en: "Congestion Detection".into(),
        version: "v1".into(),
        description: None,
        description_en: Some("real-time congestion scheduling".into()),
        provider: Some("Huawei".into()),
        group_id: "406593b4-c782-409c-8f46-a6fd5e1f6221".into(),
        api_file_id: "api".into(),
        guide_file_id: "guide".into(),
        guide_file_id_en: None,
        icon_file_id: "icon".into(),
        host: "congestion-detection".into(),
        port: 8080,
        protocol: "HTTP".into(),
        author: None,
        experience_url: None,
    }
}

fn admin() -> Actor {
    Actor::new("admin-1", "admin", vec![Role::Admin])
}

fn command(actor: Actor, action: CapabilityAction) -> CapabilityCommand {
    CapabilityCommand { actor, action }
}

fn created() -> CapabilityEvent {
    let mut f = fields();
    f.protocol = "http".into();
    CapabilityEvent::CapabilityCreated {
        fields: f,
        user_id: "admin-1".into(),
        uploaded_at: 7,
    }
}

type Framework = TestFramework<Capability>;

#[test]
fn an_admin_creates_a_capability_with_the_protocol_in_lower_case() {
    Framework::with(())
        .given_no_previous_events()
        .when(command(
            admin(),
            CapabilityAction::Create {
                fields: fields(),
                uploaded_at: 7,
            },
        ))
        .then_expect_events(vec![created()]);
}

#[test]
fn a_tenant_may_not_manage_capabilities() {
    let tenant = Actor::new("t-1", "tenant", vec![Role::Tenant]);
    Framework::with(())
        .given(vec![created()])
        .when(command(tenant, CapabilityAction::Delete))
        .then_expect_error(CapabilityError::Forbidden);
}

#[test]
fn each_rule_is_checked() {
    let mut blank = fields();
    blank.api_file_id = " ".into();
    let mut port = fields();
    port.port = 70_000;
    let mut protocol = fields();
    protocol.protocol = "grpc".into();
    let mut long = fields();
    long.host = "h".repeat(51);
    for (f, error) in [
        (blank, CapabilityError::Required("apiFileId")),
        (port, CapabilityError::Port),
        (protocol, CapabilityError::Protocol),
        (long, CapabilityError::TooLong("host", 50)),
    ] {
        Framework::with(())
            .given_no_previous_events()
            .when(command(
                admin(),
                CapabilityAction::Create {
                    fields: f,
                    uploaded_at: 7,
                },
            ))
            .then_expect_error(error);
    }
}

#[test]
fn a_deleted_capability_is_not_created_again_and_frees_its_names() {
    Framework::with(())
        .given(vec![created(), CapabilityEvent::CapabilityDeleted {}])
        .when(command(
            admin(),
            CapabilityAction::Create {
                fields: fields(),
                uploaded_at: 7,
            },
        ))
        .then_expect_error(CapabilityError::AlreadyExists);
    let mut capability = Capability::default();
    capability.apply(created());
    assert_eq!(capability.unique_keys().len(), 2);
    assert_eq!(capability.unique_keys()[1].key, "congestion detection");
    capability.apply(CapabilityEvent::CapabilityDeleted {});
    assert!(capability.unique_keys().is_empty());
}

#[test]
fn an_update_replaces_the_fields_of_a_live_capability_only() {
    let mut changed = fields();
    changed.port = 9090;
    let mut expected = changed.clone();
    expected.protocol = "http".into();
    Framework::with(())
        .given(vec![created()])
        .when(command(admin(), CapabilityAction::Update(changed.clone())))
        .then_expect_events(vec![CapabilityEvent::CapabilityUpdated {
            fields: expected,
        }]);
    Framework::with(())
        .given_no_previous_events()
        .when(command(admin(), CapabilityAction::Update(changed)))
        .then_expect_error(CapabilityError::NotFound);
}

#[test]
fn applications_select_and_unselect_once_each_and_a_selected_capability_is_not_deleted() {
    let tenant = Actor::new("t-1", "tenant", vec![Role::Tenant]);
    let select = |app: &str| CapabilityAction::Select {
        application_id: app.into(),
    };
    let selected = CapabilityEvent::CapabilitySelected {
        application_id: "app-1".into(),
        select_count: 1,
    };
    Framework::with(())
        .given(vec![created()])
        .when(command(tenant.clone(), select("app-1")))
        .then_expect_events(vec![selected.clone()]);
    Framework::with(())
        .given(vec![created(), selected.clone()])
        .when(command(tenant.clone(), select("app-1")))
        .then_expect_events(vec![]);
    Framework::with(())
        .given(vec![created(), selected.clone()])
        .when(command(tenant.clone(), select("app-2")))
        .then_expect_events(vec![CapabilityEvent::CapabilitySelected {
            application_id: "app-2".into(),
            select_count: 2,
        }]);
    Framework::with(())
        .given(vec![created(), selected.clone()])
        .when(command(admin(), CapabilityAction::Delete))
        .then_expect_error(CapabilityError::InUse(1));
    Framework::with(())
        .given(vec![created(), selected])
        .when(command(
            tenant,
            CapabilityAction::Unselect {
                application_id: "app-1".into(),
            },
        ))
        .then_expect_events(vec![CapabilityEvent::CapabilityUnselected {
            application_id: "app-1".into(),
            select_count: 0,
        }]);
}
