//! Rotating the key secrets are sealed with: a new key for the data directory (the old one kept
//! as an earlier key, so it still opens what it sealed), and every namespace secret and every
//! live user's password hash re-sealed under the current key, each with an event
//! (`SecretResealed`, `PasswordResealed`). Re-sealing is idempotent: a value already under the
//! current key is left alone, so a rotation that stopped half-way is finished by running it
//! again; until then the earlier keys keep opening the rest.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cqrs_es::Aggregate;
use domain::namespace_secret::{NamespaceSecret, SecretAction, SecretCommand};
use domain::user::{User, UserAction, UserCommand, UserStatus};
use domain::Actor;

use crate::secrets::{SecretBox, SecretError, PREVIOUS_KEYS_FILE};
use crate::{CommandExecutor, CommandMetadata, CommandOptions, StoredResponse};

/// What a re-sealing did to one kind of sealed value.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Resealed {
    /// Values re-sealed under the current key now.
    pub resealed: usize,
    /// Values that were under it already.
    pub current: usize,
    /// Ids of the streams whose values could not be re-sealed (a value no configured key opens,
    /// or a concurrent change); running the rotation again retries them.
    pub failed: Vec<String>,
}

/// What a rotation re-sealed: namespace secrets and users' password hashes.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rotation {
    pub secrets: Resealed,
    pub passwords: Resealed,
}

impl Rotation {
    /// How many values could not be re-sealed.
    pub fn failures(&self) -> usize {
        self.secrets.failed.len() + self.passwords.failed.len()
    }
}

/// Re-seals every namespace secret and live user's password hash not yet under `secrets`'
/// current key.
pub async fn reseal_all(
    executor: &CommandExecutor,
    secrets: &SecretBox,
) -> Result<Rotation, db::DbError> {
    Ok(Rotation {
        secrets: reseal_secrets(executor, secrets).await?,
        passwords: reseal_passwords(executor, secrets).await?,
    })
}

fn rotation_actor() -> Actor {
    Actor::new(
        "edgedev-rotation",
        "edgedev-rotation",
        vec![domain::Role::Admin],
    )
}

/// Re-seals the password hash of every live user not yet under `secrets`' current key (a
/// deleted user's is left: nobody logs in with it).
pub async fn reseal_passwords(
    executor: &CommandExecutor,
    secrets: &SecretBox,
) -> Result<Resealed, db::DbError> {
    let actor = rotation_actor();
    let metadata = CommandMetadata::system(&actor);
    let mut report = Resealed::default();
    for id in executor.store().stream_ids(User::TYPE).await? {
        let Ok((user, _)) = executor.store().load::<User>(&id).await else {
            report.failed.push(id);
            continue;
        };
        let Some(sealed) = user
            .password_hash
            .filter(|_| user.status != UserStatus::Inactive)
        else {
            continue;
        };
        if secrets.is_current(&sealed) {
            report.current += 1;
            continue;
        }
        let Ok(hash) = secrets.unseal(&sealed) else {
            report.failed.push(id);
            continue;
        };
        let command = UserCommand {
            actor: actor.clone(),
            action: UserAction::ResealPassword {
                password: secrets.seal(&hash),
            },
        };
        if execute::<User>(executor, &id, command, &metadata).await {
            report.resealed += 1;
        } else {
            report.failed.push(id);
        }
    }
    Ok(report)
}

/// Runs one re-sealing command; whether it was written (a refusal or failure is the caller's to
/// report).
async fn execute<A>(
    executor: &CommandExecutor,
    id: &str,
    command: A::Command,
    metadata: &CommandMetadata,
) -> bool
where
    A: Aggregate<Services = ()> + domain::uniqueness::HoldsUniqueKeys,
    A::Command: Clone,
{
    executor
        .execute::<A, _>(
            id,
            command,
            &(),
            metadata,
            &CommandOptions::default(),
            |_, _| StoredResponse {
                status: 200,
                body: serde_json::Value::Null,
            },
        )
        .await
        .is_ok()
}

/// Replaces `<data_dir>/secret.key` with a new random key, appending the old one to
/// `<data_dir>/secret.previous` first (both owner-only). Processes pick the new key up when
/// they start.
pub fn generate_key(data_dir: &Path) -> Result<(), SecretError> {
    let current = data_dir.join("secret.key");
    let old = std::fs::read_to_string(&current)?;
    let mut previous = open_private(&data_dir.join(PREVIOUS_KEYS_FILE), true)?;
    writeln!(previous, "{}", old.trim())?;
    previous.sync_all()?;
    let mut key = Vec::with_capacity(32);
    key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    let staged = data_dir.join("secret.key.new");
    let _ = std::fs::remove_file(&staged);
    let mut file = open_private(&staged, false)?;
    file.write_all(STANDARD.encode(&key).as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&staged, &current)?;
    Ok(())
}

fn open_private(path: &Path, append: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    if append {
        options.append(true).create(true);
    } else {
        options.write(true).create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Re-seals every live namespace secret not yet under `secrets`' current key.
pub async fn reseal_secrets(
    executor: &CommandExecutor,
    secrets: &SecretBox,
) -> Result<Resealed, db::DbError> {
    let actor = rotation_actor();
    let metadata = CommandMetadata::system(&actor);
    let mut report = Resealed::default();
    for id in executor.store().stream_ids(NamespaceSecret::TYPE).await? {
        let Ok((secret, _)) = executor.store().load::<NamespaceSecret>(&id).await else {
            report.failed.push(id);
            continue;
        };
        if secret.name.is_none() {
            continue;
        }
        if secret.data.values().all(|v| secrets.is_current(v)) {
            report.current += 1;
            continue;
        }
        let data: Result<_, _> = secret
            .data
            .iter()
            .map(|(key, value)| {
                secrets
                    .unseal(value)
                    .map(|plain| (key.clone(), secrets.seal(&plain)))
            })
            .collect();
        let Ok(data) = data else {
            report.failed.push(id);
            continue;
        };
        let command = SecretCommand {
            actor: actor.clone(),
            action: SecretAction::Reseal { data },
        };
        if execute::<NamespaceSecret>(executor, &id, command, &metadata).await {
            report.resealed += 1;
        } else {
            report.failed.push(id);
        }
    }
    Ok(report)
}
