//! Passwords: hashed with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, 1 lane, a
//! random 16-byte salt) into a PHC string, which is sealed with the server's key before it enters
//! a command, so neither the password nor its hash appears in an event, a message or a log.
//! Hashing and checking take tens of milliseconds on purpose: callers run them off the async
//! workers (`tokio::task::spawn_blocking`).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use domain::secret::Sealed;

use crate::secrets::{SecretBox, SecretError};

/// Shortest and longest password accepted.
pub const MIN_PASSWORD: usize = 8;
pub const MAX_PASSWORD: usize = 128;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error(
        "a password must be {MIN_PASSWORD}-{MAX_PASSWORD} characters, with a letter and a digit"
    )]
    Weak,
    #[error("the password could not be hashed")]
    Hash,
}

/// Checks the password rule: 8-128 characters, at least one letter and one digit.
pub fn check_rule(password: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    let letter = password.chars().any(char::is_alphabetic);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    if (MIN_PASSWORD..=MAX_PASSWORD).contains(&length) && letter && digit {
        Ok(())
    } else {
        Err(PasswordError::Weak)
    }
}

/// The sealed Argon2id hash of `password` (which must pass [`check_rule`]).
pub fn hash_and_seal(secrets: &SecretBox, password: &str) -> Result<Sealed, PasswordError> {
    check_rule(password)?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|_| PasswordError::Hash)?;
    Ok(secrets.seal(&hash.to_string()))
}

/// Whether `password` matches the sealed hash. A hash that cannot be unsealed or parsed matches
/// nothing.
pub fn verify(secrets: &SecretBox, sealed: &Sealed, password: &str) -> Result<bool, SecretError> {
    let phc = secrets.unseal(sealed)?;
    let Ok(hash) = PasswordHash::new(&phc) else {
        return Ok(false);
    };
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok())
}

/// Spends the time of a check on a hash that matches nothing: a login for an unknown user takes
/// as long as one with a wrong password, so the answer's timing does not tell them apart.
pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"a password nobody has 1")
            .ok()
            .map(|h| h.to_string())
    });
    if let Some(hash) = dummy.as_deref().and_then(|d| PasswordHash::new(d).ok()) {
        let _ = Argon2::default().verify_password(password.as_bytes(), &hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> SecretBox {
        SecretBox::from_key(&[7u8; 32]).expect("a key")
    }

    #[test]
    fn a_sealed_hash_verifies_its_password_only_and_shows_neither() {
        let secrets = secrets();
        let sealed = hash_and_seal(&secrets, "correct horse 1").expect("hashed");
        assert!(!sealed.0.contains("argon2"));
        assert!(!sealed.0.contains("correct"));
        assert!(verify(&secrets, &sealed, "correct horse 1").expect("unsealed"));
        assert!(!verify(&secrets, &sealed, "correct horse 2").expect("unsealed"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        for weak in ["short1", "onlyletters", "12345678901", &"a1".repeat(65)] {
            assert_eq!(check_rule(weak), Err(PasswordError::Weak), "{weak}");
        }
        assert_eq!(check_rule("abcdefg1"), Ok(()));
    }
}
