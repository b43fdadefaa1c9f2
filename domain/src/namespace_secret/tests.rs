//! Given/when/then specs of the NamespaceSecret aggregate and the rules of plain values.

use std::collections::BTreeMap;

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Framework = TestFramework<NamespaceSecret>;

fn command(action: SecretAction) -> SecretCommand {
    SecretCommand {
        actor: Actor::new("1", "admin", vec![Role::Admin]),
        action,
    }
}

fn plain(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn sealed(keys: &[&str]) -> BTreeMap<String, Sealed> {
    keys.iter()
        .map(|k| ((*k).to_owned(), Sealed(format!("enc:v1:k:{k}"))))
        .collect()
}

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";

#[test]
fn each_type_has_its_rules() {
    assert_eq!(
        check_plain(SecretType::Opaque, &plain(&[("password", "x")])),
        Ok(())
    );
    assert_eq!(
        check_plain(SecretType::Opaque, &plain(&[("bad key", "x")])),
        Err(SecretError::Key("bad key".into()))
    );
    assert_eq!(
        check_plain(
            SecretType::Tls,
            &plain(&[("tls.crt", CERT), ("tls.key", KEY)])
        ),
        Ok(())
    );
    assert_eq!(
        check_plain(SecretType::Tls, &plain(&[("tls.crt", CERT)])),
        Err(SecretError::Missing("tls.key"))
    );
    assert_eq!(
        check_plain(
            SecretType::Tls,
            &plain(&[("tls.crt", KEY), ("tls.key", KEY)])
        ),
        Err(SecretError::Pem("tls.crt"))
    );
    assert_eq!(
        check_plain(
            SecretType::Tls,
            &plain(&[("tls.crt", CERT), ("tls.key", "plain text")])
        ),
        Err(SecretError::Pem("tls.key"))
    );
    let docker = r#"{"auths":{"registry.example":{"auth":"dXNlcjpwYXNz"}}}"#;
    assert_eq!(
        check_plain(
            SecretType::DockerConfigJson,
            &plain(&[(".dockerconfigjson", docker)])
        ),
        Ok(())
    );
    assert_eq!(
        check_plain(
            SecretType::DockerConfigJson,
            &plain(&[(".dockerconfigjson", "[]")])
        ),
        Err(SecretError::DockerConfig)
    );
    assert_eq!(SecretType::parse("kubernetes.io/tls"), Ok(SecretType::Tls));
    assert_eq!(SecretType::parse("tls"), Err(SecretError::Type));
}

#[test]
fn a_reveal_is_recorded_and_name_and_type_never_change() {
    let created = SecretEvent::SecretCreated {
        namespace_id: 3,
        name: "db".into(),
        secret_type: SecretType::Opaque,
        data: sealed(&["password", "user"]),
        created_by: Some(1),
    };
    Framework::with(())
        .given(vec![created.clone()])
        .when(command(SecretAction::Reveal { by: Some(2) }))
        .then_expect_events(vec![SecretEvent::SecretRevealed {
            revealed_by: Some(2),
            keys: vec!["password".into(), "user".into()],
        }]);
    Framework::with(())
        .given(vec![created.clone()])
        .when(command(SecretAction::Update {
            name: "db".into(),
            secret_type: SecretType::Tls,
            data: sealed(&["tls.crt", "tls.key"]),
            by: None,
        }))
        .then_expect_error(SecretError::Retyped);
    Framework::with(())
        .given(vec![created, SecretEvent::SecretDeleted {}])
        .when(command(SecretAction::Reveal { by: None }))
        .then_expect_error(SecretError::NotFound);
}
