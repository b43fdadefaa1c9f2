//! The package signing key: an Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm
//! ed25519`), and optionally the signer's certificate (PEM) carried in the package. A signature
//! is the raw 64 bytes of Ed25519 over the manifest's bytes, so `openssl pkeyutl -verify -rawin`
//! checks it (ADR 0020).

use ring::signature::{Ed25519KeyPair, KeyPair};

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Signs package manifests.
pub struct Signer {
    key: Ed25519KeyPair,
    /// The certificate (PEM) put in the package, when configured.
    pub certificate: Option<Vec<u8>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public_key", &self.public_key_pem())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer from a PKCS#8 PEM private key and an optional PEM certificate.
    pub fn from_pem(key_pem: &[u8], certificate: Option<Vec<u8>>) -> Result<Signer, String> {
        let block = pem::parse(key_pem).map_err(|e| format!("the signing key is not PEM: {e}"))?;
        if block.tag() != "PRIVATE KEY" {
            return Err(format!(
                "the signing key must be a PKCS#8 \"PRIVATE KEY\" (it is {:?})",
                block.tag()
            ));
        }
        let key = Ed25519KeyPair::from_pkcs8_maybe_unchecked(block.contents())
            .map_err(|e| format!("the signing key is not an Ed25519 key: {e}"))?;
        if let Some(cert) = &certificate {
            let parsed =
                pem::parse(cert).map_err(|e| format!("the certificate is not PEM: {e}"))?;
            if parsed.tag() != "CERTIFICATE" {
                return Err("the certificate file holds no CERTIFICATE block".into());
            }
        }
        Ok(Signer { key, certificate })
    }

    /// Reads the key (and certificate) files.
    pub fn from_files(key: &str, certificate: Option<&str>) -> Result<Signer, String> {
        let key_pem =
            std::fs::read(key).map_err(|e| format!("cannot read the signing key: {e}"))?;
        let certificate = certificate
            .map(|path| {
                std::fs::read(path).map_err(|e| format!("cannot read the certificate: {e}"))
            })
            .transpose()?;
        Signer::from_pem(&key_pem, certificate)
    }

    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.key.sign(message).as_ref().to_vec()
    }

    /// The public key as a PEM SubjectPublicKeyInfo (`openssl pkey -pubout` prints the same).
    pub fn public_key_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.key.public_key().as_ref());
        pem::encode(&pem::Pem::new("PUBLIC KEY", der))
    }
}

/// Whether `signature` is the Ed25519 signature of `message` by the key in `public_key_pem`.
pub fn verify(public_key_pem: &str, message: &[u8], signature: &[u8]) -> bool {
    let Ok(block) = pem::parse(public_key_pem) else {
        return false;
    };
    let Some(key) = block.contents().strip_prefix(&SPKI_PREFIX[..]) else {
        return false;
    };
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key)
        .verify(message, signature)
        .is_ok()
}
