//! Tests of token minting and verification (HS256, RS256 with a test key pair, refusals).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::*;

fn tenant() -> Actor {
    Actor::new("u1", "alice", vec![Role::Tenant])
}

#[test]
fn a_minted_token_verifies_to_the_same_actor() {
    let keys = JwtKeys::new(b"secret".to_vec()).expect("key");
    assert_eq!(keys.verify(&keys.mint(&tenant(), 60)), Ok(tenant()));
}

#[test]
fn a_token_signed_with_another_key_is_rejected() {
    let token = JwtKeys::new(b"other".to_vec())
        .expect("key")
        .mint(&tenant(), 60);
    assert_eq!(
        JwtKeys::new(b"secret".to_vec())
            .expect("key")
            .verify(&token),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn an_expired_token_is_rejected() {
    let keys = JwtKeys::new(b"secret".to_vec()).expect("key");
    assert_eq!(
        keys.verify(&keys.mint(&tenant(), -1)),
        Err(TokenError::Expired)
    );
}

/// A test-only RSA key pair (tests/fixtures), as an outside issuer would hold.
const RSA_PRIVATE: &[u8] = include_bytes!("../../../tests/fixtures/rs256-test-private.pem");
const RSA_PUBLIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/rs256-test-public.pem"
);

fn rs256_token(claims: serde_json::Value) -> String {
    let key = EncodingKey::from_rsa_pem(RSA_PRIVATE).expect("test key");
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).expect("sign")
}

fn tenant_claims(exp: i64) -> serde_json::Value {
    serde_json::json!({"userId": "u1", "userName": "alice",
        "authorities": ["ROLE_DEVELOPER_TENANT"], "exp": exp, "iat": 0})
}

#[test]
fn an_rs256_token_verifies_with_the_configured_public_key_only() {
    let token = rs256_token(tenant_claims(chrono::Utc::now().timestamp() + 60));
    let plain = JwtKeys::new(b"secret".to_vec()).expect("key");
    assert_eq!(plain.verify(&token), Err(TokenError::Algorithm));
    let keys = plain
        .with_rs256_public_key(Path::new(RSA_PUBLIC))
        .expect("public key");
    assert_eq!(keys.verify(&token), Ok(tenant()));
    // HS256 tokens of this deployment still verify next to it.
    assert_eq!(keys.verify(&keys.mint(&tenant(), 60)), Ok(tenant()));
    let expired = rs256_token(tenant_claims(chrono::Utc::now().timestamp() - 1));
    assert_eq!(keys.verify(&expired), Err(TokenError::Expired));
}

#[test]
fn an_rs256_token_with_a_forged_body_or_an_hs256_token_signed_with_the_public_key_is_rejected() {
    let keys = JwtKeys::new(b"secret".to_vec())
        .expect("key")
        .with_rs256_public_key(Path::new(RSA_PUBLIC))
        .expect("public key");
    let token = rs256_token(tenant_claims(chrono::Utc::now().timestamp() + 60));
    let parts: Vec<&str> = token.split('.').collect();
    let admin_body = URL_SAFE_NO_PAD.encode(
        br#"{"userId":"u1","userName":"alice","authorities":["ROLE_DEVELOPER_ADMIN"],"exp":9999999999,"iat":0}"#,
    );
    let forged = format!("{}.{}.{}", parts[0], admin_body, parts[2]);
    assert_eq!(keys.verify(&forged), Err(TokenError::BadSignature));
    // The key confusion attack: HS256 with the public key's text as the secret.
    let public_pem = std::fs::read(RSA_PUBLIC).expect("pem");
    let confused = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &tenant_claims(9_999_999_999),
        &EncodingKey::from_secret(&public_pem).expect("key"),
    )
    .expect("sign");
    assert_eq!(keys.verify(&confused), Err(TokenError::BadSignature));
}

#[test]
fn a_missing_or_unreadable_public_key_is_a_clear_error() {
    let keys = JwtKeys::new(b"secret".to_vec()).expect("key");
    let missing = keys
        .clone()
        .with_rs256_public_key(Path::new("/nonexistent/key.pem"));
    assert!(matches!(missing, Err(KeyError::Read { .. })));
    let not_pem = std::env::temp_dir().join(format!("not-pem-{}", uuid::Uuid::new_v4()));
    std::fs::write(&not_pem, "hello").expect("write");
    let bad = keys.with_rs256_public_key(&not_pem);
    let _ = std::fs::remove_file(&not_pem);
    assert!(matches!(bad, Err(KeyError::Pem { .. })));
}

#[test]
fn a_tampered_body_or_alg_none_is_rejected() {
    let keys = JwtKeys::new(b"secret".to_vec()).expect("key");
    let token = keys.mint(&tenant(), 60);
    let parts: Vec<&str> = token.split('.').collect();
    let admin_body = URL_SAFE_NO_PAD.encode(
        br#"{"userId":"u1","userName":"alice","authorities":["ROLE_DEVELOPER_ADMIN"],"exp":9999999999,"iat":0}"#,
    );
    let forged = format!("{}.{}.{}", parts[0], admin_body, parts[2]);
    assert_eq!(keys.verify(&forged), Err(TokenError::BadSignature));
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
    assert_eq!(
        keys.verify(&format!("{none_header}.{admin_body}.")),
        Err(TokenError::Algorithm)
    );
    assert_eq!(keys.verify("garbage"), Err(TokenError::Malformed));
}

#[test]
fn an_identity_longer_than_the_read_models_hold_is_refused() {
    let keys = JwtKeys::new(b"secret".to_vec()).expect("key");
    let long = "u".repeat(51);
    let at_limit = Actor::new("u".repeat(50), "n".repeat(50), vec![Role::Tenant]);
    assert_eq!(keys.verify(&keys.mint(&at_limit, 60)), Ok(at_limit));
    let too_long_id = Actor::new(long.clone(), "alice", vec![Role::Tenant]);
    assert_eq!(
        keys.verify(&keys.mint(&too_long_id, 60)),
        Err(TokenError::IdentityTooLong)
    );
    let too_long_name = Actor::new("u1", long, vec![Role::Tenant]);
    assert_eq!(
        keys.verify(&keys.mint(&too_long_name, 60)),
        Err(TokenError::IdentityTooLong)
    );
}
