use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Spec = TestFramework<Volume>;

fn fields(volume_type: VolumeType) -> VolumeFields {
    VolumeFields {
        name: "data".into(),
        volume_type,
        storage_class: None,
        size: None,
        access_mode: None,
        mount_path: None,
        host_path: None,
        source_name: None,
    }
}

fn create(fields: VolumeFields) -> VolumeCommand {
    VolumeCommand {
        actor: Actor::new("1", "admin", vec![Role::Admin]),
        action: VolumeAction::Create {
            namespace_id: 7,
            fields,
            by: None,
        },
    }
}

#[test]
fn a_claim_needs_a_size_and_gets_read_write_once() {
    let mut claim = fields(VolumeType::PersistentVolumeClaim);
    claim.size = Some("1Gi".into());
    let mut expected = claim.clone();
    expected.access_mode = Some(AccessMode::ReadWriteOnce);
    Spec::with(())
        .given_no_previous_events()
        .when(create(claim))
        .then_expect_events(vec![VolumeEvent::VolumeCreated {
            namespace_id: 7,
            fields: expected,
            created_by: None,
        }]);
    Spec::with(())
        .given_no_previous_events()
        .when(create(fields(VolumeType::PersistentVolumeClaim)))
        .then_expect_error(VolumeError::Required("size", "persistent_volume_claim"));
}

#[test]
fn each_type_refuses_the_fields_of_the_others() {
    let mut sized_secret = fields(VolumeType::Secret);
    sized_secret.source_name = Some("tls".into());
    sized_secret.size = Some("1Gi".into());
    let mut pathless = fields(VolumeType::HostPath);
    pathless.source_name = Some("x".into());
    let mut escaping = fields(VolumeType::HostPath);
    escaping.host_path = Some("/var/../etc".into());
    let mut relative = fields(VolumeType::HostPath);
    relative.host_path = Some("var/log".into());
    let mut zero = fields(VolumeType::EmptyDir);
    zero.size = Some("0".into());
    let mut bad_mount = fields(VolumeType::EmptyDir);
    bad_mount.mount_path = Some("data".into());
    let mut bad_name = fields(VolumeType::EmptyDir);
    bad_name.name = "Data".into();
    let cases = [
        (sized_secret, VolumeError::NotApplicable("size", "secret")),
        (
            pathless,
            VolumeError::NotApplicable("sourceName", "host_path"),
        ),
        (
            fields(VolumeType::ConfigMap),
            VolumeError::Required("sourceName", "config_map"),
        ),
        (
            fields(VolumeType::HostPath),
            VolumeError::Required("hostPath", "host_path"),
        ),
        (escaping, VolumeError::Path("hostPath")),
        (relative, VolumeError::Path("hostPath")),
        (zero, VolumeError::Size),
        (bad_mount, VolumeError::Path("mountPath")),
        (bad_name, VolumeError::Name),
    ];
    for (fields, error) in cases {
        Spec::with(())
            .given_no_previous_events()
            .when(create(fields))
            .then_expect_error(error);
    }
}

#[test]
fn a_deleted_volume_frees_its_name_and_keeps_its_id() {
    let created = VolumeEvent::VolumeCreated {
        namespace_id: 7,
        fields: fields(VolumeType::EmptyDir),
        created_by: None,
    };
    let mut volume = Volume::default();
    volume.apply(created.clone());
    assert_eq!(volume.unique_keys()[0].key, "7/data");
    volume.apply(VolumeEvent::VolumeDeleted {});
    assert!(volume.unique_keys().is_empty());
    Spec::with(())
        .given(vec![created.clone(), VolumeEvent::VolumeDeleted {}])
        .when(create(fields(VolumeType::EmptyDir)))
        .then_expect_error(VolumeError::AlreadyExists);
}
