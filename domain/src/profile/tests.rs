//! Given/when/then specs of the Profile aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};
use crate::plugin::StoredFile;

type Spec = TestFramework<Profile>;

fn admin() -> Actor {
    Actor::new("u-admin", "admin", vec![Role::Admin])
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("time")
}

fn fields() -> ProfileFields {
    ProfileFields {
        name: "smart-park".into(),
        description: "a park".into(),
        description_en: None,
        profile_type: "Video Application".into(),
        industry: "Smart Park".into(),
        architecture: "X86".into(),
        app_class: "CONTAINER".into(),
        create_type: "DEVELOP".into(),
        apps: vec![
            ProfileApp {
                name: "web".into(),
                version: "v1.0".into(),
                deploy_file: "deploy/web.yaml".into(),
            },
            ProfileApp {
                name: "db".into(),
                version: "v1.0".into(),
                deploy_file: "deploy/db.yaml".into(),
            },
        ],
        seq: vec!["db".into(), "web".into()],
        config_file: None,
        topo_file: None,
        file: StoredFile {
            sha256: "ab".repeat(32),
            size: 10,
            file_name: "park.zip".into(),
        },
    }
}

fn create(fields: ProfileFields) -> ProfileCommand {
    ProfileCommand {
        actor: admin(),
        action: ProfileAction::Create { fields, at: at() },
    }
}

#[test]
fn an_admin_creates_a_profile_whose_apps_deploy_in_seq_order() {
    Spec::with(())
        .given_no_previous_events()
        .when(create(fields()))
        .then_expect_events(vec![ProfileEvent::ProfileCreated {
            fields: fields(),
            at: at(),
        }]);
    let profile = fields();
    let order: Vec<&str> = profile
        .apps_in_order()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(order, ["db", "web"]);
}

#[test]
fn a_tenant_may_not_and_a_seq_must_list_every_app() {
    Spec::with(())
        .given_no_previous_events()
        .when(ProfileCommand {
            actor: Actor::new("u-t", "t", vec![Role::Tenant]),
            action: ProfileAction::Delete,
        })
        .then_expect_error(ProfileError::Forbidden);
    let mut broken = fields();
    broken.seq = vec!["web".into()];
    Spec::with(())
        .given_no_previous_events()
        .when(create(broken))
        .then_expect_error(ProfileError::Invalid(
            "seq must list every app of appList once".into(),
        ));
}

#[test]
fn a_deleted_profile_is_gone_for_good() {
    Spec::with(())
        .given(vec![
            ProfileEvent::ProfileCreated {
                fields: fields(),
                at: at(),
            },
            ProfileEvent::ProfileDeleted {},
        ])
        .when(create(fields()))
        .then_expect_error(ProfileError::AlreadyExists);
}
