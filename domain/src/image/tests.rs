use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Spec = TestFramework<Image>;

fn fields(name: &str, tag: &str) -> ImageFields {
    ImageFields {
        name: name.into(),
        tag: tag.into(),
        digest: None,
        repository: None,
        size_bytes: Some(1024),
        architecture: Some("amd64".into()),
        os: Some("linux".into()),
        created_at: None,
    }
}

fn command(action: ImageAction) -> ImageCommand {
    ImageCommand {
        actor: Actor::new("1", "admin", vec![Role::Admin]),
        action,
    }
}

fn register(fields: ImageFields) -> ImageCommand {
    command(ImageAction::Register {
        fields,
        by: Some(1),
    })
}

#[test]
fn names_follow_the_reference_syntax() {
    for good in [
        "nginx",
        "library/nginx",
        "registry.example.com:5000/team/app",
        "localhost/app",
        "a__b/c-d/e.f",
        "a---b",
    ] {
        assert!(is_image_name(good), "{good}");
    }
    for bad in [
        "",
        "Nginx",
        "a//b",
        "-a",
        "a-",
        "a...b",
        "/a",
        "a/",
        "host:99999/a",
        "a b",
    ] {
        assert!(!is_image_name(bad), "{bad}");
    }
    assert!(is_tag("1.25-alpine") && is_tag("latest") && is_tag("_x"));
    assert!(!is_tag("") && !is_tag(".x") && !is_tag("-x") && !is_tag(&"a".repeat(129)));
}

#[test]
fn a_registered_image_holds_its_reference() {
    Spec::with(())
        .given_no_previous_events()
        .when(register(fields("nginx", "1.25")))
        .then_expect_events(vec![ImageEvent::ImageRegistered {
            fields: fields("nginx", "1.25"),
            registered_by: Some(1),
        }]);
    let mut image = Image::default();
    image.apply(ImageEvent::ImageRegistered {
        fields: fields("nginx", "1.25"),
        registered_by: None,
    });
    assert_eq!(image.unique_keys()[0].key, "nginx:1.25");
}

#[test]
fn each_rule_has_its_rejection() {
    let with = |change: fn(&mut ImageFields)| {
        let mut f = fields("nginx", "1");
        change(&mut f);
        f
    };
    let cases: Vec<(ImageFields, ImageError)> = vec![
        (with(|f| f.name = "UPPER".into()), ImageError::Name),
        (with(|f| f.tag = ".hidden".into()), ImageError::Tag),
        (
            with(|f| f.digest = Some("sha256:abc".into())),
            ImageError::Digest,
        ),
        (
            with(|f| f.repository = Some(" ".into())),
            ImageError::Repository,
        ),
        (with(|f| f.size_bytes = Some(-1)), ImageError::Size),
        (
            with(|f| f.architecture = Some("x86".into())),
            ImageError::Architecture(ARCHITECTURES.join(", ")),
        ),
        (
            with(|f| f.os = Some("plan9".into())),
            ImageError::Os(OPERATING_SYSTEMS.join(", ")),
        ),
    ];
    for (fields, error) in cases {
        Spec::with(())
            .given_no_previous_events()
            .when(register(fields))
            .then_expect_error(error);
    }
}

#[test]
fn a_deleted_image_is_gone_and_its_id_stays_used() {
    let registered = ImageEvent::ImageRegistered {
        fields: fields("nginx", "1"),
        registered_by: None,
    };
    Spec::with(())
        .given(vec![registered.clone()])
        .when(command(ImageAction::Delete))
        .then_expect_events(vec![ImageEvent::ImageDeleted {}]);
    Spec::with(())
        .given(vec![registered.clone(), ImageEvent::ImageDeleted {}])
        .when(command(ImageAction::Delete))
        .then_expect_error(ImageError::NotFound);
    Spec::with(())
        .given(vec![registered, ImageEvent::ImageDeleted {}])
        .when(register(fields("nginx", "1")))
        .then_expect_error(ImageError::AlreadyExists);
}
