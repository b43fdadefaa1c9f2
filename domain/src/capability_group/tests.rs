//! Given/when/then specs of the CapabilityGroup aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

fn fields() -> CapabilityGroupFields {
    CapabilityGroupFields {
        name: " 视频处理 ".into(),
        name_en: "Video processing".into(),
        group_type: "openmep".into(),
        description: None,
        description_en: None,
        icon_file_id: None,
    }
}

fn create(actor: Actor) -> CapabilityGroupCommand {
    CapabilityGroupCommand {
        actor,
        action: CapabilityGroupAction::Create {
            fields: fields(),
            author: None,
            created_at: 1_628_239_515_017,
        },
    }
}

fn admin() -> Actor {
    Actor::new("admin-1", "admin", vec![Role::Admin])
}

type Framework = TestFramework<CapabilityGroup>;

#[test]
fn an_admin_creates_a_group_with_trimmed_names_and_the_canonical_type() {
    let mut expected = fields();
    expected.name = "视频处理".into();
    expected.group_type = "OPENMEP".into();
    Framework::with(())
        .given_no_previous_events()
        .when(create(admin()))
        .then_expect_events(vec![CapabilityGroupEvent::CapabilityGroupCreated {
            fields: expected,
            author: "admin".into(),
            created_at: 1_628_239_515_017,
        }]);
}

#[test]
fn a_tenant_may_not_create_a_group() {
    Framework::with(())
        .given_no_previous_events()
        .when(create(Actor::new("t-1", "tenant", vec![Role::Tenant])))
        .then_expect_error(CapabilityGroupError::Forbidden);
}

#[test]
fn a_deleted_group_is_never_created_again() {
    Framework::with(())
        .given(vec![
            CapabilityGroupEvent::CapabilityGroupCreated {
                fields: fields(),
                author: "admin".into(),
                created_at: 1,
            },
            CapabilityGroupEvent::CapabilityGroupDeleted {},
        ])
        .when(create(admin()))
        .then_expect_error(CapabilityGroupError::AlreadyExists);
}

#[test]
fn both_names_are_held_unique_case_blind_while_the_group_lives() {
    let mut group = CapabilityGroup::default();
    group.apply(CapabilityGroupEvent::CapabilityGroupCreated {
        fields: fields().validated().expect("valid"),
        author: "admin".into(),
        created_at: 1,
    });
    let keys: Vec<(&str, String)> = group
        .unique_keys()
        .into_iter()
        .map(|k| (k.scope, k.key))
        .collect();
    assert_eq!(
        keys,
        vec![
            (GROUP_NAME, "视频处理".to_owned()),
            (GROUP_NAME_EN, "video processing".to_owned())
        ]
    );
    group.apply(CapabilityGroupEvent::CapabilityGroupDeleted {});
    assert!(group.unique_keys().is_empty());
}

#[test]
fn each_rule_rejects() {
    type Change = Box<dyn Fn(&mut CapabilityGroupFields)>;
    let cases: Vec<(Change, CapabilityGroupError)> = vec![
        (
            Box::new(|f| f.name = " ".into()),
            CapabilityGroupError::Name("name"),
        ),
        (
            Box::new(|f| f.name_en = "n".repeat(256)),
            CapabilityGroupError::Name("nameEn"),
        ),
        (
            Box::new(|f| f.group_type = "OTHER".into()),
            CapabilityGroupError::Type,
        ),
        (
            Box::new(|f| f.icon_file_id = Some("i".repeat(51))),
            CapabilityGroupError::TooLong("iconFileId", 50),
        ),
    ];
    for (change, expected) in cases {
        let mut f = fields();
        change(&mut f);
        assert_eq!(f.validated(), Err(expected));
    }
}

#[test]
fn a_group_is_not_deleted_while_capabilities_are_filed_under_it() {
    let admin = Actor::new("a", "admin", vec![Role::Admin]);
    let join = |id: &str| CapabilityGroupCommand {
        actor: admin.clone(),
        action: CapabilityGroupAction::Join {
            capability_id: id.into(),
        },
    };
    let created = CapabilityGroupEvent::CapabilityGroupCreated {
        fields: CapabilityGroupFields {
            name: "视频".into(),
            name_en: "Video".into(),
            group_type: "OPENMEP".into(),
            description: None,
            description_en: None,
            icon_file_id: None,
        },
        author: "a".into(),
        created_at: 1,
    };
    let joined = CapabilityGroupEvent::CapabilityJoined {
        capability_id: "c1".into(),
    };
    TestFramework::<CapabilityGroup>::with(())
        .given(vec![created.clone()])
        .when(join("c1"))
        .then_expect_events(vec![joined.clone()]);
    TestFramework::<CapabilityGroup>::with(())
        .given(vec![created.clone(), joined.clone()])
        .when(join("c1"))
        .then_expect_events(vec![]);
    TestFramework::<CapabilityGroup>::with(())
        .given(vec![created.clone(), joined.clone()])
        .when(CapabilityGroupCommand {
            actor: admin.clone(),
            action: CapabilityGroupAction::Delete,
        })
        .then_expect_error(CapabilityGroupError::InUse(1));
    TestFramework::<CapabilityGroup>::with(())
        .given(vec![
            created,
            joined,
            CapabilityGroupEvent::CapabilityLeft {
                capability_id: "c1".into(),
            },
        ])
        .when(CapabilityGroupCommand {
            actor: admin,
            action: CapabilityGroupAction::Delete,
        })
        .then_expect_events(vec![CapabilityGroupEvent::CapabilityGroupDeleted {}]);
}
