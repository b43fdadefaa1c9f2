//! Given/when/then specs of the ConfigMap aggregate.

use std::collections::BTreeMap;

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Framework = TestFramework<ConfigMap>;

fn command(action: ConfigMapAction) -> ConfigMapCommand {
    ConfigMapCommand {
        actor: Actor::new("1", "admin", vec![Role::Admin]),
        action,
    }
}

fn fields(data: &[(&str, &str)], binary: &[(&str, &str)]) -> ConfigMapFields {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>()
    };
    ConfigMapFields {
        name: "app.settings".into(),
        kubernetes_name: "app.settings".into(),
        data: map(data),
        binary_data: map(binary),
    }
}

#[test]
fn keys_values_and_size_are_checked() {
    assert!(
        fields(&[("log.level", "debug")], &[("logo.png", "iVBORw0=")])
            .validated()
            .is_ok()
    );
    for (bad, expected) in [
        (
            fields(&[("bad key", "x")], &[]),
            ConfigMapError::Key("bad key".into()),
        ),
        (
            fields(&[("..", "x")], &[]),
            ConfigMapError::Key("..".into()),
        ),
        (
            fields(&[("k", "x")], &[("k", "eA==")]),
            ConfigMapError::KeyInBoth("k".into()),
        ),
        (
            fields(&[], &[("b", "not base64!")]),
            ConfigMapError::NotBase64("b".into()),
        ),
    ] {
        assert_eq!(bad.validated(), Err(expected));
    }
    let big = "x".repeat(MAX_BYTES);
    assert_eq!(
        fields(&[("k", &big)], &[]).validated(),
        Err(ConfigMapError::TooLarge(MAX_BYTES + 1))
    );
    let mut upper = fields(&[], &[]);
    upper.name = "App".into();
    assert_eq!(upper.validated(), Err(ConfigMapError::Name("name")));
}

#[test]
fn the_name_never_changes_and_the_key_is_per_namespace() {
    let created = ConfigMapEvent::ConfigMapCreated {
        namespace_id: 4,
        fields: fields(&[("a", "1")], &[]),
        created_by: None,
    };
    let mut renamed = fields(&[], &[]);
    renamed.name = "other".into();
    Framework::with(())
        .given(vec![created.clone()])
        .when(command(ConfigMapAction::Update {
            fields: renamed,
            by: None,
        }))
        .then_expect_error(ConfigMapError::Renamed);
    let mut map = ConfigMap::default();
    map.apply(created);
    assert_eq!(map.unique_keys()[0].key, "4/app.settings");
    assert_eq!(map.keys, vec!["a".to_owned()]);
}
