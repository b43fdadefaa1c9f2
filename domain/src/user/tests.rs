//! Given/when/then specs of the User aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Framework = TestFramework<User>;

fn admin() -> Actor {
    Actor::new("1", "admin", vec![Role::Admin])
}

fn command(action: UserAction) -> UserCommand {
    UserCommand {
        actor: admin(),
        action,
    }
}

fn profile(email: &str) -> UserProfile {
    UserProfile {
        email: email.into(),
        full_name: Some(" Ada Lovelace ".into()),
        avatar_url: None,
    }
}

fn created() -> UserEvent {
    UserEvent::UserCreated {
        username: "ada".into(),
        profile: profile("ada@example.com").validated().expect("valid"),
        password_hash: Sealed("enc:v1:k:hash".into()),
        created_by: Some(1),
    }
}

#[test]
fn a_user_is_created_with_trimmed_fields() {
    Framework::with(())
        .given_no_previous_events()
        .when(command(UserAction::Create {
            username: "ada".into(),
            profile: profile(" ada@example.com "),
            password: Sealed("enc:v1:k:hash".into()),
            by: Some(1),
        }))
        .then_expect_events(vec![UserEvent::UserCreated {
            username: "ada".into(),
            profile: UserProfile {
                email: "ada@example.com".into(),
                full_name: Some("Ada Lovelace".into()),
                avatar_url: None,
            },
            password_hash: Sealed("enc:v1:k:hash".into()),
            created_by: Some(1),
        }]);
}

#[test]
fn bad_usernames_and_emails_are_refused() {
    for name in ["ab", "-ada", "ada lovelace", " ada", "ädä", &"a".repeat(51)] {
        assert_eq!(username(name), Err(UserError::Username), "{name}");
    }
    for address in [
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@@example.com",
        "a..b@example.com",
        "ada@-example.com",
        "ada @example.com",
    ] {
        assert_eq!(email(address), Err(UserError::Email), "{address}");
    }
    assert!(email("ada.l+x@mail.example.com").is_ok());
}

#[test]
fn the_fifth_failure_in_a_row_locks_and_a_login_resets_the_count() {
    let failed = |n| UserEvent::LoginFailed { failures: n };
    Framework::with(())
        .given(vec![created(), failed(1), failed(2), failed(3), failed(4)])
        .when(command(UserAction::RecordLoginFailure { lock_after: 5 }))
        .then_expect_events(vec![
            failed(5),
            UserEvent::UserLocked {
                reason: "5 failed logins in a row".into(),
            },
        ]);
    Framework::with(())
        .given(vec![
            created(),
            failed(1),
            failed(2),
            UserEvent::UserLoggedIn { at: 5 },
        ])
        .when(command(UserAction::RecordLoginFailure { lock_after: 3 }))
        .then_expect_events(vec![failed(1)]);
}

#[test]
fn a_locked_user_cannot_log_in_until_unlocked() {
    let locked = UserEvent::UserLocked { reason: "x".into() };
    Framework::with(())
        .given(vec![created(), locked.clone()])
        .when(command(UserAction::RecordLogin { at: 9 }))
        .then_expect_error(UserError::Locked);
    Framework::with(())
        .given(vec![created(), locked.clone()])
        .when(command(UserAction::RecordLoginFailure { lock_after: 5 }))
        .then_expect_events(vec![]);
    Framework::with(())
        .given(vec![created(), locked, UserEvent::UserUnlocked {}])
        .when(command(UserAction::RecordLogin { at: 9 }))
        .then_expect_events(vec![UserEvent::UserLoggedIn { at: 9 }]);
    Framework::with(())
        .given(vec![created()])
        .when(command(UserAction::Unlock))
        .then_expect_error(UserError::NotLocked);
}

#[test]
fn a_deleted_user_keeps_its_keys_and_takes_no_commands() {
    let mut user = User::default();
    user.apply(created());
    user.apply(UserEvent::UserDeactivated {});
    assert_eq!(user.unique_keys().len(), 2);
    Framework::with(())
        .given(vec![created(), UserEvent::UserDeactivated {}])
        .when(command(UserAction::RecordLogin { at: 1 }))
        .then_expect_error(UserError::NotFound);
}

#[test]
fn a_role_is_bound_once_per_scope_and_not_with_a_past_expiry() {
    let binding = |id, ns| Binding {
        binding_id: id,
        role_id: 2,
        namespace_id: ns,
        expires_at: None,
    };
    let bound = UserEvent::RoleBound {
        binding: binding(10, Some(3)),
        assigned_by: Some(1),
    };
    Framework::with(())
        .given(vec![created(), bound.clone()])
        .when(command(UserAction::BindRole {
            binding: binding(11, Some(3)),
            now: 0,
            by: Some(1),
        }))
        .then_expect_error(UserError::AlreadyBound);
    Framework::with(())
        .given(vec![created(), bound])
        .when(command(UserAction::BindRole {
            binding: binding(11, None),
            now: 0,
            by: Some(1),
        }))
        .then_expect_events(vec![UserEvent::RoleBound {
            binding: binding(11, None),
            assigned_by: Some(1),
        }]);
    let mut expiring = binding(12, None);
    expiring.expires_at = Some(100);
    Framework::with(())
        .given(vec![created()])
        .when(command(UserAction::BindRole {
            binding: expiring,
            now: 100,
            by: None,
        }))
        .then_expect_error(UserError::ExpiryPassed);
}

#[test]
fn api_keys_are_bounded_named_and_revoked_once() {
    let key = |id| ApiKey {
        key_id: id,
        name: "ci".into(),
        prefix: "edk_abcdefgh".into(),
        digest: "00".repeat(32),
        expires_at: None,
    };
    let mut given = vec![created()];
    given.extend((0..20).map(|id| UserEvent::ApiKeyCreated { api_key: key(id) }));
    Framework::with(())
        .given(given)
        .when(command(UserAction::CreateApiKey {
            key: key(99),
            now: 0,
        }))
        .then_expect_error(UserError::TooManyApiKeys);
    let mut unnamed = key(1);
    unnamed.name = " ".into();
    Framework::with(())
        .given(vec![created()])
        .when(command(UserAction::CreateApiKey {
            key: unnamed,
            now: 0,
        }))
        .then_expect_error(UserError::ApiKeyName);
    Framework::with(())
        .given(vec![
            created(),
            UserEvent::ApiKeyCreated { api_key: key(1) },
            UserEvent::ApiKeyRevoked { key_id: 1 },
        ])
        .when(command(UserAction::RevokeApiKey { key_id: 1 }))
        .then_expect_error(UserError::NoSuchApiKey);
}

#[test]
fn a_live_users_password_is_resealed_and_a_deleted_ones_is_left() {
    let resealed = Sealed("enc:v1:new:hash".into());
    Framework::with(())
        .given(vec![created()])
        .when(command(UserAction::ResealPassword {
            password: resealed.clone(),
        }))
        .then_expect_events(vec![UserEvent::PasswordResealed {
            password_hash: resealed.clone(),
        }]);
    Framework::with(())
        .given(vec![created(), UserEvent::UserDeactivated {}])
        .when(command(UserAction::ResealPassword { password: resealed }))
        .then_expect_error(UserError::NotFound);
}
