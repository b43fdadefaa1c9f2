//! Sealing secrets (VM and host passwords) with AES-256-GCM before they reach a command, an event
//! or a table. The text form is `enc:v1:<key id>:<base64(nonce | ciphertext | tag)>`; the key id
//! (first 8 hex digits of the key's SHA-256) names the key, so a rotated key can be told apart.
//! The key comes from `EDGEDEV_SECRET_KEY` (base64 of 32 bytes) or `<data dir>/secret.key`, created
//! on first use with owner-only permissions.

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
}

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
        Ok(Self { cipher, key_id })
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
        if key_id != self.key_id {
            return Err(SecretError::Unseal);
        }
        let blob = STANDARD.decode(data).map_err(|_| SecretError::Unseal)?;
        if blob.len() < 12 + 16 {
            return Err(SecretError::Unseal);
        }
        let (nonce, ciphertext) = blob.split_at(12);
        let plain = self
            .cipher
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
