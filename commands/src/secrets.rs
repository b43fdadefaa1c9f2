//! Sealing secrets (VM and host passwords) with AES-256-GCM before they reach a command, an event
//! or a table. The text form is `enc:v1:<key id>:<base64(nonce | ciphertext | tag)>`; the key id
//! (first 8 hex digits of the key's SHA-256) names the key, so a rotated key can be told apart.
//! The key comes from `EDGEDEV_SECRET_KEY` (base64 of 32 bytes) or `<data dir>/secret.key`, created
//! on first use with owner-only permissions. Earlier keys (`EDGEDEV_SECRET_PREVIOUS_KEYS`, and the
//! lines of `<data dir>/secret.previous` that a generated rotation writes) still open what they
//! sealed, while everything new is sealed with the current key (see `rotation`).

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use domain::secret::Sealed;
use sha2::{Digest, Sha256};

const PREFIX: &str = "enc:v1:";

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
    key_id: String,
    /// Earlier keys by id: they open, never seal.
    previous: Vec<(String, Aes256Gcm)>,
}

/// The file of a data directory's earlier keys, one base64 key per line.
pub const PREVIOUS_KEYS_FILE: &str = "secret.previous";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the secret key must be base64 of 32 bytes")]
    BadKey,
    #[error("cannot read or create the secret key: {0}")]
    Io(#[from] std::io::Error),
    #[error("the sealed secret is malformed or was sealed with another key")]
    Unseal,
}

impl SecretBox {
    pub fn from_key(key: &[u8]) -> Result<Self, SecretError> {
        if key.len() != 32 {
            return Err(SecretError::BadKey);
        }
        let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| SecretError::BadKey)?;
        let digest = Sha256::digest(key);
        let key_id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            cipher,
            key_id,
            previous: Vec::new(),
        })
    }

    /// This box, also opening what the earlier keys sealed: `configured` (comma-separated base64
    /// keys) and the lines of `<data_dir>/secret.previous`.
    pub fn with_previous(
        mut self,
        configured: Option<&str>,
        data_dir: &Path,
    ) -> Result<Self, SecretError> {
        let file = match std::fs::read_to_string(data_dir.join(PREVIOUS_KEYS_FILE)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e.into()),
        };
        let texts = configured
            .unwrap_or_default()
            .split(',')
            .chain(file.lines())
            .map(str::trim)
            .filter(|t| !t.is_empty());
        for text in texts {
            let key = STANDARD.decode(text).map_err(|_| SecretError::BadKey)?;
            let earlier = Self::from_key(&key)?;
            if earlier.key_id != self.key_id
                && !self.previous.iter().any(|(id, _)| *id == earlier.key_id)
            {
                self.previous.push((earlier.key_id, earlier.cipher));
            }
        }
        Ok(self)
    }

    /// Whether `sealed` was sealed with the current key.
    pub fn is_current(&self, sealed: &Sealed) -> bool {
        sealed
            .0
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(key_id, _)| key_id == self.key_id)
    }

    /// The configured key, or the data directory's (created when missing).
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> Result<Self, SecretError> {
        if let Some(text) = configured {
            let key = STANDARD
                .decode(text.trim())
                .map_err(|_| SecretError::BadKey)?;
            return Self::from_key(&key);
        }
        let path = data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let key = STANDARD
                    .decode(text.trim())
                    .map_err(|_| SecretError::BadKey)?;
                Self::from_key(&key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir)?;
                let mut key = Vec::with_capacity(32);
                key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
                key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
                write_private(&path, STANDARD.encode(&key).as_bytes())?;
                Self::from_key(&key)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seals `plain` under a fresh random nonce.
    pub fn seal(&self, plain: &str) -> Sealed {
        let random = uuid::Uuid::new_v4();
        let nonce_bytes = &random.as_bytes()[..12];
        let nonce = Nonce::from_slice(nonce_bytes);
        // Encryption with a valid key and nonce length cannot fail.
        let ciphertext = self
            .cipher
            .encrypt(nonce, plain.as_bytes())
            .unwrap_or_default();
        let mut blob = nonce_bytes.to_vec();
        blob.extend_from_slice(&ciphertext);
        Sealed(format!("{PREFIX}{}:{}", self.key_id, STANDARD.encode(blob)))
    }

    pub fn unseal(&self, sealed: &Sealed) -> Result<String, SecretError> {
        let rest = sealed.0.strip_prefix(PREFIX).ok_or(SecretError::Unseal)?;
        let (key_id, data) = rest.split_once(':').ok_or(SecretError::Unseal)?;
        let cipher = if key_id == self.key_id {
            &self.cipher
        } else {
            self.previous
                .iter()
                .find(|(id, _)| id == key_id)
                .map(|(_, cipher)| cipher)
                .ok_or(SecretError::Unseal)?
        };
        let blob = STANDARD.decode(data).map_err(|_| SecretError::Unseal)?;
        if blob.len() < 12 + 16 {
            return Err(SecretError::Unseal);
        }
        let (nonce, ciphertext) = blob.split_at(12);
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SecretError::Unseal)?;
        String::from_utf8(plain).map_err(|_| SecretError::Unseal)
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// How a secret is shown: never in full.
pub const MASK: &str = "******";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_key_opens_what_it_sealed_and_the_current_one_seals() {
        let dir = std::env::temp_dir().join(format!("edgedev-keys-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let old = SecretBox::from_key(&[1u8; 32]).expect("key");
        let sealed_before = old.seal("before");
        std::fs::write(
            dir.join(PREVIOUS_KEYS_FILE),
            STANDARD.encode([1u8; 32]) + "\n",
        )
        .expect("previous keys");
        let new = SecretBox::from_key(&[2u8; 32])
            .expect("key")
            .with_previous(None, &dir)
            .expect("keyring");
        assert_eq!(new.unseal(&sealed_before).expect("opens"), "before");
        assert!(!new.is_current(&sealed_before));
        let sealed_after = new.seal("after");
        assert!(new.is_current(&sealed_after));
        assert!(
            old.unseal(&sealed_after).is_err(),
            "an old key opens nothing new"
        );
        let without = SecretBox::from_key(&[2u8; 32]).expect("key");
        assert!(without.unseal(&sealed_before).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key() {
        let one = SecretBox::from_key(&[7u8; 32]).expect("key");
        let other = SecretBox::from_key(&[8u8; 32]).expect("key");
        let sealed = one.seal("p@ss'w\"ord;&");
        assert!(!sealed.0.contains("p@ss"));
        assert!(sealed.0.starts_with(&format!("enc:v1:{}:", one.key_id())));
        assert_eq!(one.unseal(&sealed).expect("opens"), "p@ss'w\"ord;&");
        assert!(other.unseal(&sealed).is_err());
        assert_ne!(
            one.seal("x"),
            one.seal("x"),
            "every seal uses a fresh nonce"
        );
    }
}
