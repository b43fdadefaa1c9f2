//! The User aggregate: one identity for the container platform and the developer platform
//! (issue "Container platform I"). Its stream id is the user's integer id (drawn from
//! `users_id_seq` before the first event, ADR 0015). It holds the sealed Argon2id hash of the
//! password, the count of failed logins in a row (the `lock_after`th locks the user), the status
//! and the role bindings. Username and email are unique regardless of case, and stay taken once
//! the user is deleted (`inactive`).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{UserAction, UserCommand};
pub use error::UserError;
pub use event::{UserEvent, UserEventKind};
pub use values::{email, username, ApiKey, Binding, UserProfile, UserStatus, MAX_API_KEYS};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::secret::Sealed;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the unique username (lower-cased).
pub const USERNAME: &str = "user.username";
/// Scope of the unique email (lower-cased).
pub const EMAIL: &str = "user.email";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub username: Option<String>,
    pub profile: Option<UserProfile>,
    pub password_hash: Option<Sealed>,
    pub status: UserStatus,
    pub failed_logins: u32,
    pub bindings: Vec<Binding>,
    /// The ids of its live API keys.
    pub api_keys: Vec<i64>,
}

impl User {
    fn exists(&self) -> Result<(), UserError> {
        match self.username {
            Some(_) => Ok(()),
            None => Err(UserError::NotFound),
        }
    }

    /// A deleted (`inactive`) user is gone for every command.
    fn live(&self) -> Result<(), UserError> {
        self.exists()?;
        match self.status {
            UserStatus::Inactive => Err(UserError::NotFound),
            _ => Ok(()),
        }
    }

    fn decide(&self, action: UserAction) -> Result<Vec<UserEvent>, UserError> {
        use UserEvent as E;
        Ok(match action {
            UserAction::Create {
                username,
                profile,
                password,
                by,
            } => {
                if self.username.is_some() {
                    return Err(UserError::AlreadyExists);
                }
                vec![E::UserCreated {
                    username: values::username(&username)?,
                    profile: profile.validated()?,
                    password_hash: password,
                    created_by: by,
                }]
            }
            UserAction::Update { profile, by } => {
                self.live()?;
                let profile = profile.validated()?;
                if self.profile.as_ref() == Some(&profile) {
                    return Ok(vec![]);
                }
                vec![E::UserUpdated {
                    profile,
                    updated_by: by,
                }]
            }
            UserAction::ChangePassword { password, reset } => {
                self.live()?;
                vec![E::PasswordChanged {
                    password_hash: password,
                    reset,
                }]
            }
            UserAction::RecordLogin { at } => {
                self.live()?;
                if self.status == UserStatus::Locked {
                    return Err(UserError::Locked);
                }
                vec![E::UserLoggedIn { at }]
            }
            UserAction::RecordLoginFailure { lock_after } => {
                self.live()?;
                if self.status == UserStatus::Locked {
                    // Already locked: further failures change nothing (and add no events).
                    return Ok(vec![]);
                }
                let failures = self.failed_logins + 1;
                let mut events = vec![E::LoginFailed { failures }];
                if failures >= lock_after.max(1) {
                    events.push(E::UserLocked {
                        reason: format!("{failures} failed logins in a row"),
                    });
                }
                events
            }
            UserAction::Lock => {
                self.live()?;
                if self.status == UserStatus::Locked {
                    return Ok(vec![]);
                }
                vec![E::UserLocked {
                    reason: "locked by an administrator".into(),
                }]
            }
            UserAction::Unlock => {
                self.live()?;
                if self.status != UserStatus::Locked {
                    return Err(UserError::NotLocked);
                }
                vec![E::UserUnlocked {}]
            }
            UserAction::Delete => {
                self.live()?;
                vec![E::UserDeactivated {}]
            }
            UserAction::BindRole { binding, now, by } => {
                self.live()?;
                if binding.expires_at.is_some_and(|at| at <= now) {
                    return Err(UserError::ExpiryPassed);
                }
                let same_scope = |b: &&Binding| {
                    b.role_id == binding.role_id && b.namespace_id == binding.namespace_id
                };
                if self.bindings.iter().any(|b| same_scope(&b)) {
                    return Err(UserError::AlreadyBound);
                }
                vec![E::RoleBound {
                    binding,
                    assigned_by: by,
                }]
            }
            UserAction::CreateApiKey { key, now } => {
                self.live()?;
                if key.name.trim().is_empty() || key.name.chars().count() > 100 {
                    return Err(UserError::ApiKeyName);
                }
                if key.expires_at.is_some_and(|at| at <= now) {
                    return Err(UserError::ExpiryPassed);
                }
                if self.api_keys.len() >= MAX_API_KEYS {
                    return Err(UserError::TooManyApiKeys);
                }
                vec![E::ApiKeyCreated { api_key: key }]
            }
            UserAction::RevokeApiKey { key_id } => {
                self.exists()?;
                if !self.api_keys.contains(&key_id) {
                    return Err(UserError::NoSuchApiKey);
                }
                vec![E::ApiKeyRevoked { key_id }]
            }
            UserAction::ResealPassword { password } => {
                self.live()?;
                vec![E::PasswordResealed {
                    password_hash: password,
                }]
            }
            UserAction::UnbindRole { binding_id } => {
                self.exists()?;
                if !self.bindings.iter().any(|b| b.binding_id == binding_id) {
                    return Err(UserError::NoSuchBinding);
                }
                vec![E::RoleUnbound { binding_id }]
            }
        })
    }
}

impl Aggregate for User {
    const TYPE: &'static str = "user";
    type Command = UserCommand;
    type Event = UserEvent;
    type Error = UserError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command.action)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            UserEvent::UserCreated {
                username,
                profile,
                password_hash,
                ..
            } => {
                self.username = Some(username);
                self.profile = Some(profile);
                self.password_hash = Some(password_hash);
            }
            UserEvent::UserUpdated { profile, .. } => self.profile = Some(profile),
            UserEvent::PasswordChanged { password_hash, .. }
            | UserEvent::PasswordResealed { password_hash } => {
                self.password_hash = Some(password_hash)
            }
            UserEvent::UserLoggedIn { .. } => self.failed_logins = 0,
            UserEvent::LoginFailed { failures } => self.failed_logins = failures,
            UserEvent::UserLocked { .. } => self.status = UserStatus::Locked,
            UserEvent::UserUnlocked {} => {
                self.status = UserStatus::Active;
                self.failed_logins = 0;
            }
            UserEvent::UserDeactivated {} => self.status = UserStatus::Inactive,
            UserEvent::RoleBound { binding, .. } => self.bindings.push(binding),
            UserEvent::RoleUnbound { binding_id } => {
                self.bindings.retain(|b| b.binding_id != binding_id)
            }
            UserEvent::ApiKeyCreated { api_key } => self.api_keys.push(api_key.key_id),
            UserEvent::ApiKeyRevoked { key_id } => self.api_keys.retain(|k| *k != key_id),
        }
    }
}

impl HoldsUniqueKeys for User {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        let mut keys = Vec::new();
        if let Some(name) = &self.username {
            keys.push(UniqueKey {
                scope: USERNAME,
                key: name.to_lowercase(),
            });
        }
        if let Some(profile) = &self.profile {
            keys.push(UniqueKey {
                scope: EMAIL,
                key: profile.email.to_lowercase(),
            });
        }
        keys
    }
}
