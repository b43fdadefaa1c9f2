//! Authentication: HS256 JSON Web Tokens carrying `userId`, `userName` and `authorities`, taken
//! from the `access_token` header (as the original platform) or `Authorization: Bearer`.
//!
//! HS256 is implemented here over `hmac`/`sha2` (constant-time verification) instead of a JWT
//! crate that would pull a whole crypto stack for one algorithm (docs/adr/0004-auth-tokens.md).

use std::future::{ready, Ready};
use std::path::Path;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::{Actor, Role};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::ApiError;

type HmacSha256 = Hmac<Sha256>;

/// The signing key of this deployment.
#[derive(Clone)]
pub struct JwtKeys {
    secret: Arc<Vec<u8>>,
}

/// The claims edgedev reads and writes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    pub user_id: String,
    pub user_name: String,
    pub authorities: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    pub iat: i64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the token uses an unsupported algorithm; only HS256 is accepted")]
    Algorithm,
    #[error("the token has expired")]
    Expired,
    #[error("the token carries no userId or userName")]
    NoIdentity,
}

impl JwtKeys {
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self {
            secret: Arc::new(secret.into()),
        }
    }

    /// The key from `secret`, or from `<data_dir>/jwt.key`, generated (0600) when missing.
    pub fn load_or_create(secret: Option<&str>, data_dir: &Path) -> std::io::Result<Self> {
        if let Some(secret) = secret {
            return Ok(Self::new(secret.as_bytes().to_vec()));
        }
        let path = data_dir.join("jwt.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Self::new(text.trim().as_bytes().to_vec())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir)?;
                // Two v4 UUIDs: 244 bits from the operating system's random source.
                let text = format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                );
                write_private(&path, &text)?;
                Ok(Self::new(text.into_bytes()))
            }
            Err(e) => Err(e),
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length; this cannot fail.
        HmacSha256::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
    }

    /// Mints a token for `actor`, valid for `ttl_seconds`.
    pub fn mint(&self, actor: &Actor, ttl_seconds: i64) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            user_id: actor.user_id.clone(),
            user_name: actor.user_name.clone(),
            authorities: actor
                .roles
                .iter()
                .map(|r| r.authority().to_owned())
                .collect(),
            exp: now + ttl_seconds,
            iat: now,
        };
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let signing_input = format!("{header}.{body}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// Verifies `token` and returns the actor it names.
    pub fn verify(&self, token: &str) -> Result<Actor, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(body), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let header: serde_json::Value = decode_json(header)?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err(TokenError::Algorithm);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac();
        mac.update(header_body(token).as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        let claims: Claims = decode_json(body)?;
        if claims.exp <= chrono::Utc::now().timestamp() {
            return Err(TokenError::Expired);
        }
        if claims.user_id.is_empty() || claims.user_name.is_empty() {
            return Err(TokenError::NoIdentity);
        }
        let roles = claims
            .authorities
            .iter()
            .filter_map(|a| Role::parse(a))
            .collect();
        Ok(Actor::new(claims.user_id, claims.user_name, roles))
    }
}

fn header_body(token: &str) -> &str {
    token.rsplit_once('.').map_or(token, |(head, _)| head)
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, TokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// The bearer token of a request, from `access_token` or `Authorization: Bearer`.
pub fn token_of(req: &HttpRequest) -> Option<&str> {
    if let Some(value) = req
        .headers()
        .get("access_token")
        .and_then(|v| v.to_str().ok())
    {
        return Some(value.trim());
    }
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The authenticated caller; extracting it answers 401 when the token is missing or invalid.
pub struct Caller(pub Actor);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).map(Caller))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Actor, ApiError> {
    let keys = req
        .app_data::<web::Data<JwtKeys>>()
        .ok_or_else(|| ApiError::internal("signing key not configured"))?;
    let token = token_of(req).ok_or_else(|| {
        ApiError::unauthorized(
            "a token is required: send it in the access_token header or as Authorization: Bearer",
        )
    })?;
    let actor = keys
        .verify(token)
        .map_err(|e| ApiError::unauthorized(&e.to_string()))?;
    check_identity_params(req, &actor)?;
    Ok(actor)
}

/// Like the original filter: `userId` / `userName` query parameters must name the caller.
fn check_identity_params(req: &HttpRequest, actor: &Actor) -> Result<(), ApiError> {
    for (key, value) in url_pairs(req.query_string()) {
        let mismatch = (key == "userId" && value != actor.user_id)
            || (key == "userName" && value != actor.user_name);
        if mismatch {
            return Err(ApiError::unauthorized(
                "Illegal userId/userName: the parameters must name the token's user",
            ));
        }
    }
    Ok(())
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    web::Query::<Vec<(String, String)>>::from_query(query)
        .map(|q| q.into_inner())
        .unwrap_or_default()
}

impl Caller {
    /// Tenants and admins only (the application endpoints are [T,A] in the original).
    pub fn tenant_or_admin(self) -> Result<Actor, ApiError> {
        if self.0.may_write() {
            Ok(self.0)
        } else {
            Err(ApiError::forbidden(
                "this endpoint needs the DEVELOPER_TENANT or DEVELOPER_ADMIN role",
            ))
        }
    }

    /// Admins only.
    pub fn admin(self) -> Result<Actor, ApiError> {
        if self.0.is_admin() {
            Ok(self.0)
        } else {
            Err(ApiError::forbidden(
                "this endpoint needs the DEVELOPER_ADMIN role",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> Actor {
        Actor::new("u1", "alice", vec![Role::Tenant])
    }

    #[test]
    fn a_minted_token_verifies_to_the_same_actor() {
        let keys = JwtKeys::new(b"secret".to_vec());
        assert_eq!(keys.verify(&keys.mint(&tenant(), 60)), Ok(tenant()));
    }

    #[test]
    fn a_token_signed_with_another_key_is_rejected() {
        let token = JwtKeys::new(b"other".to_vec()).mint(&tenant(), 60);
        assert_eq!(
            JwtKeys::new(b"secret".to_vec()).verify(&token),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn an_expired_token_is_rejected() {
        let keys = JwtKeys::new(b"secret".to_vec());
        assert_eq!(
            keys.verify(&keys.mint(&tenant(), -1)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn a_tampered_body_or_alg_none_is_rejected() {
        let keys = JwtKeys::new(b"secret".to_vec());
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
}
