//! Given/when/then specs of the ContainerImage aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::Role;

type Spec = TestFramework<ContainerImage>;

fn owner() -> Actor {
    Actor::new("u-owner", "owner", vec![Role::Tenant])
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("time")
}

fn fields() -> ContainerImageFields {
    ContainerImageFields {
        image_name: "shop/web".into(),
        image_version: "1.0".into(),
        image_type: ImageType::Private,
        image_path: "127.0.0.1:5000/edgedev/shop/web:1.0".into(),
        file_name: "web.tar".into(),
        digest: "sha256:ab".into(),
    }
}

fn pushed() -> ContainerImageEvent {
    ContainerImageEvent::ContainerImagePushed {
        fields: fields(),
        user_id: "u-owner".into(),
        user_name: "owner".into(),
        at: at(),
    }
}

fn by(actor: Actor, action: ContainerImageAction) -> ContainerImageCommand {
    ContainerImageCommand { actor, action }
}

#[test]
fn a_push_is_recorded_for_its_owner_and_only_the_owner_changes_the_type() {
    Spec::with(())
        .given_no_previous_events()
        .when(by(
            owner(),
            ContainerImageAction::RecordPush {
                fields: fields(),
                at: at(),
            },
        ))
        .then_expect_events(vec![pushed()]);
    Spec::with(())
        .given(vec![pushed()])
        .when(by(
            Actor::new("u-admin", "admin", vec![Role::Admin]),
            ContainerImageAction::SetType {
                image_type: ImageType::Public,
            },
        ))
        .then_expect_error(ContainerImageError::Forbidden);
    Spec::with(())
        .given(vec![pushed()])
        .when(by(
            owner(),
            ContainerImageAction::SetType {
                image_type: ImageType::Public,
            },
        ))
        .then_expect_events(vec![ContainerImageEvent::ContainerImageTypeChanged {
            image_type: ImageType::Public,
        }]);
}

#[test]
fn another_tenant_neither_pushes_over_nor_deletes_and_a_deleted_id_stays_gone() {
    let other = Actor::new("u-other", "other", vec![Role::Tenant]);
    Spec::with(())
        .given(vec![pushed()])
        .when(by(
            other.clone(),
            ContainerImageAction::RecordPush {
                fields: fields(),
                at: at(),
            },
        ))
        .then_expect_error(ContainerImageError::Forbidden);
    Spec::with(())
        .given(vec![pushed()])
        .when(by(other, ContainerImageAction::Delete))
        .then_expect_error(ContainerImageError::Forbidden);
    Spec::with(())
        .given(vec![
            pushed(),
            ContainerImageEvent::ContainerImageDeleted {},
        ])
        .when(by(
            owner(),
            ContainerImageAction::RecordPush {
                fields: fields(),
                at: at(),
            },
        ))
        .then_expect_error(ContainerImageError::Deleted);
}
