//! Given/when/then specs of the Namespace aggregate.

use std::collections::BTreeMap;

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Framework = TestFramework<Namespace>;

fn command(action: NamespaceAction) -> NamespaceCommand {
    NamespaceCommand {
        actor: Actor::new("1", "admin", vec![Role::Admin]),
        action,
    }
}

fn fields(quota: &[(&str, &str)]) -> NamespaceFields {
    NamespaceFields {
        name: "team-a".into(),
        display_name: Some(" Team A ".into()),
        description: None,
        kubernetes_name: "team-a".into(),
        cluster_name: "edge-1".into(),
        resource_quota: Some(
            quota
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn created() -> NamespaceEvent {
    NamespaceEvent::NamespaceCreated {
        fields: fields(&[]).validated().expect("valid"),
        created_by: Some(1),
    }
}

#[test]
fn a_quota_holds_known_keys_with_quantities_and_requests_within_limits() {
    let good = fields(&[
        ("requests.cpu", "500m"),
        ("limits.cpu", "2"),
        ("limits.memory", "1Gi"),
        ("pods", "10"),
    ]);
    assert!(good.validated().is_ok());
    for quota in [
        vec![("cpus", "1")],
        vec![("limits.cpu", "two")],
        vec![("pods", "1.5")],
        vec![("requests.memory", "2Gi"), ("limits.memory", "1Gi")],
    ] {
        assert!(
            matches!(fields(&quota).validated(), Err(NamespaceError::Quota(_))),
            "{quota:?}"
        );
    }
    let mut bad = fields(&[]);
    bad.kubernetes_name = "Team_A".into();
    assert_eq!(bad.validated(), Err(NamespaceError::Name("kubernetesName")));
}

#[test]
fn resources_are_admitted_only_while_active_and_block_the_delete() {
    let admitted = NamespaceEvent::NamespaceResourceAdmitted {
        kind: ResourceKind::ConfigMap,
        id: 7,
    };
    Framework::with(())
        .given(vec![
            created(),
            NamespaceEvent::NamespaceDeactivated { updated_by: None },
        ])
        .when(command(NamespaceAction::Admit {
            kind: ResourceKind::Secret,
            id: 8,
        }))
        .then_expect_error(NamespaceError::Inactive);
    Framework::with(())
        .given(vec![created(), admitted.clone()])
        .when(command(NamespaceAction::Delete))
        .then_expect_error(NamespaceError::NotEmpty("1 config maps".into()));
    Framework::with(())
        .given(vec![
            created(),
            admitted,
            NamespaceEvent::NamespaceResourceReleased {
                kind: ResourceKind::ConfigMap,
                id: 7,
            },
        ])
        .when(command(NamespaceAction::Delete))
        .then_expect_events(vec![NamespaceEvent::NamespaceDeleted {}]);
}

#[test]
fn a_deleted_namespace_frees_its_names_and_is_not_created_again() {
    let mut namespace = Namespace::default();
    namespace.apply(created());
    assert_eq!(namespace.unique_keys()[1].key, "edge-1/team-a");
    namespace.apply(NamespaceEvent::NamespaceDeleted {});
    assert!(namespace.unique_keys().is_empty());
    Framework::with(())
        .given(vec![created(), NamespaceEvent::NamespaceDeleted {}])
        .when(command(NamespaceAction::Create {
            fields: fields(&[]),
            by: None,
        }))
        .then_expect_error(NamespaceError::AlreadyExists);
}
