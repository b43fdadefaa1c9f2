//! Rotating the key secrets are sealed with: a new key for the data directory (the old one kept
//! as an earlier key, so it still opens what it sealed), and every namespace secret re-sealed
//! under the current key, each with a `SecretResealed` event. Re-sealing is idempotent: a secret
//! already under the current key is left alone, so a rotation that stopped half-way is finished
//! by running it again; until then the earlier keys keep opening the rest.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cqrs_es::Aggregate;
use domain::namespace_secret::{NamespaceSecret, SecretAction, SecretCommand};
use domain::Actor;

use crate::secrets::{SecretBox, SecretError, PREVIOUS_KEYS_FILE};
use crate::{CommandExecutor, CommandMetadata, CommandOptions, StoredResponse};

/// What a re-sealing did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Resealed {
    /// Secrets re-sealed under the current key now.
    pub resealed: usize,
    /// Secrets that were under it already.
    pub current: usize,
    /// Secrets that could not be re-sealed (a value no configured key opens, or a concurrent
    /// change); running the rotation again retries them.
    pub failed: Vec<String>,
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
    let actor = Actor::new(
        "edgedev-rotation",
        "edgedev-rotation",
        vec![domain::Role::Admin],
    );
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
        let outcome = executor
            .execute::<NamespaceSecret, _>(
                &id,
                command,
                &(),
                &metadata,
                &CommandOptions::default(),
                |_, _| StoredResponse {
                    status: 200,
                    body: serde_json::Value::Null,
                },
            )
            .await;
        match outcome {
            Ok(_) => report.resealed += 1,
            Err(_) => report.failed.push(id),
        }
    }
    Ok(report)
}
