//! Given/when/then specs of the Plugin aggregate.

use chrono::DateTime;
use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Spec = TestFramework<Plugin>;

fn at() -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("time")
}
fn owner() -> Actor {
    Actor::new("u-owner", "owner", vec![Role::Tenant])
}
fn other() -> Actor {
    Actor::new("u-other", "other", vec![Role::Tenant])
}
fn file(hash: &str) -> StoredFile {
    StoredFile {
        sha256: hash.into(),
        size: 10,
        file_name: format!("{hash}.zip"),
    }
}
fn fields() -> PluginFields {
    PluginFields {
        name: "idea-plugin".into(),
        code_language: CodeLanguage::Java,
        plugin_type: PluginType::Plugin,
        version: "1.0".into(),
        introduction: "an IDE plugin".into(),
        plugin_file: file("aa"),
        logo_file: file("bb"),
        api_file: file("cc"),
    }
}
fn uploaded() -> PluginEvent {
    PluginEvent::PluginUploaded {
        fields: fields(),
        owner_id: "u-owner".into(),
        owner_name: "owner".into(),
        uploaded_at: at(),
    }
}
fn cmd(actor: Actor, action: PluginAction) -> PluginCommand {
    PluginCommand { actor, action }
}
fn rate(actor: Actor, score: &str) -> PluginCommand {
    cmd(
        actor,
        PluginAction::Rate {
            score: Score::parse(score).expect("score"),
            at: at(),
        },
    )
}

#[test]
fn a_tenant_uploads_a_plugin() {
    Spec::with(())
        .given_no_previous_events()
        .when(cmd(
            owner(),
            PluginAction::Upload {
                fields: fields(),
                at: at(),
            },
        ))
        .then_expect_events(vec![uploaded()]);
}

#[test]
fn a_guest_cannot_upload_or_rate() {
    let guest = Actor::new("g", "guest", vec![Role::Guest]);
    Spec::with(())
        .given_no_previous_events()
        .when(cmd(
            guest.clone(),
            PluginAction::Upload {
                fields: fields(),
                at: at(),
            },
        ))
        .then_expect_error(PluginError::Forbidden);
    Spec::with(())
        .given(vec![uploaded()])
        .when(rate(guest, "5"))
        .then_expect_error(PluginError::Forbidden);
}

#[test]
fn only_the_owner_updates_and_the_owner_or_an_admin_deletes() {
    let patch = PluginPatch {
        version: Some("2.0".into()),
        ..PluginPatch::default()
    };
    Spec::with(())
        .given(vec![uploaded()])
        .when(cmd(other(), PluginAction::Update(patch.clone())))
        .then_expect_error(PluginError::Forbidden);
    Spec::with(())
        .given(vec![uploaded()])
        .when(cmd(other(), PluginAction::Delete))
        .then_expect_error(PluginError::Forbidden);
    let mut v2 = fields();
    v2.version = "2.0".into();
    Spec::with(())
        .given(vec![uploaded()])
        .when(cmd(owner(), PluginAction::Update(patch)))
        .then_expect_events(vec![PluginEvent::PluginUpdated { fields: v2 }]);
    let admin = Actor::new("a", "admin", vec![Role::Admin]);
    Spec::with(())
        .given(vec![uploaded()])
        .when(cmd(admin, PluginAction::Delete))
        .then_expect_events(vec![PluginEvent::PluginDeleted {}]);
}

#[test]
fn ratings_replace_a_users_earlier_rating() {
    let mut plugin = Plugin::default();
    for event in [
        uploaded(),
        PluginEvent::PluginRated {
            user_id: "u1".into(),
            user_name: "a".into(),
            score: 2,
            rated_at: at(),
        },
        PluginEvent::PluginRated {
            user_id: "u1".into(),
            user_name: "a".into(),
            score: 4,
            rated_at: at(),
        },
        PluginEvent::PluginRated {
            user_id: "u2".into(),
            user_name: "b".into(),
            score: 5,
            rated_at: at(),
        },
    ] {
        cqrs_es::Aggregate::apply(&mut plugin, event);
    }
    let live = plugin.state.expect("live");
    assert_eq!(live.ratings.len(), 2);
    assert!((live.satisfaction() - 4.5).abs() < 1e-9);
}

#[test]
fn scores_outside_one_to_five_are_rejected() {
    for bad in ["0", "6", "-1", "x", "3.5"] {
        assert_eq!(Score::parse(bad), Err(PluginError::Score), "{bad}");
    }
    assert_eq!(Score::parse("5").map(Score::value), Ok(5));
}

#[test]
fn commands_on_a_missing_or_deleted_plugin_are_not_found() {
    Spec::with(())
        .given(vec![uploaded(), PluginEvent::PluginDeleted {}])
        .when(cmd(
            owner(),
            PluginAction::Download {
                record_id: "r".into(),
                at: at(),
            },
        ))
        .then_expect_error(PluginError::NotFound);
    Spec::with(())
        .given_no_previous_events()
        .when(rate(owner(), "3"))
        .then_expect_error(PluginError::NotFound);
}

#[test]
fn the_package_hash_is_reserved_while_the_plugin_lives() {
    let mut plugin = Plugin::default();
    cqrs_es::Aggregate::apply(&mut plugin, uploaded());
    assert_eq!(plugin.unique_keys()[0].key, "aa");
    cqrs_es::Aggregate::apply(&mut plugin, PluginEvent::PluginDeleted {});
    assert!(plugin.unique_keys().is_empty());
}

#[test]
fn code_languages_and_types_parse_as_the_original() {
    assert_eq!(CodeLanguage::parse("java"), Ok(CodeLanguage::Java));
    assert_eq!(CodeLanguage::parse(".NET"), Ok(CodeLanguage::DotNet));
    assert_eq!(CodeLanguage::parse("Rust"), Err(PluginError::CodeLanguage));
    assert_eq!(PluginType::parse("2"), Ok(PluginType::Sdk));
    assert_eq!(PluginType::parse("3"), Err(PluginError::PluginType));
}
