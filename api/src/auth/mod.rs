//! Authentication: JSON Web Tokens carrying `userId`, `userName` and `authorities`, taken from
//! the `access_token` header (as the original platform) or `Authorization: Bearer`.
//!
//! Verified with the `jsonwebtoken` crate: HS256 with this deployment's key (which the CLI mints
//! with), and RS256 with a configured public key (PEM), as the real user-management service signs.
//! Any other `alg`, `none` included, a wrong key and an expired token are refused
//! (docs/adr/0004-auth-tokens.md).

use std::future::{ready, Ready};

use futures_util::future::{Either, LocalBoxFuture};
use std::path::Path;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use domain::{Actor, Role};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

pub mod access;
pub mod api_keys;

/// The keys tokens are checked with: this deployment's HS256 key, and optionally an RS256 public
/// key of an outside issuer.
#[derive(Clone)]
pub struct JwtKeys {
    inner: Arc<Keys>,
}

struct Keys {
    encoding: EncodingKey,
    hs256: DecodingKey,
    rs256: Option<DecodingKey>,
}

/// The longest user id or name a token may carry (the read models' `varchar(50)`).
pub const MAX_IDENTITY_CHARS: usize = 50;

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
    #[error("the token uses an unsupported algorithm; HS256 and (with a configured public key) RS256 are accepted")]
    Algorithm,
    #[error("the token has expired")]
    Expired,
    #[error("the token carries no userId or userName")]
    NoIdentity,
    #[error("the token's userId and userName must be at most 50 characters each")]
    IdentityTooLong,
}

/// Why the configured RS256 public key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the JWT signing secret is empty")]
    EmptySecret,
    #[error("cannot read the JWT public key {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("the JWT public key {path} is not an RSA public key in PEM: {error}")]
    Pem {
        path: String,
        error: jsonwebtoken::errors::Error,
    },
}

impl JwtKeys {
    /// Keys for the HS256 secret `secret`, which must not be empty.
    pub fn new(secret: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let secret = secret.into();
        let empty = |_| KeyError::EmptySecret;
        Ok(Self {
            inner: Arc::new(Keys {
                encoding: EncodingKey::from_secret(&secret).map_err(empty)?,
                hs256: DecodingKey::from_secret(&secret).map_err(empty)?,
                rs256: None,
            }),
        })
    }

    /// Also accepts RS256 tokens signed by the holder of the RSA public key in `pem_path`.
    pub fn with_rs256_public_key(self, pem_path: &Path) -> Result<Self, KeyError> {
        let path = pem_path.display().to_string();
        let pem = std::fs::read(pem_path).map_err(|error| KeyError::Read {
            path: path.clone(),
            error,
        })?;
        let key = DecodingKey::from_rsa_pem(&pem).map_err(|error| KeyError::Pem { path, error })?;
        let keys = Keys {
            encoding: self.inner.encoding.clone(),
            hs256: self.inner.hs256.clone(),
            rs256: Some(key),
        };
        Ok(Self {
            inner: Arc::new(keys),
        })
    }

    /// The key from `secret`, or from `<data_dir>/jwt.key`, generated (0600) when missing.
    pub fn load_or_create(secret: Option<&str>, data_dir: &Path) -> std::io::Result<Self> {
        let keys = |secret: &[u8]| {
            Self::new(secret.to_vec())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
        };
        if let Some(secret) = secret {
            return keys(secret.as_bytes());
        }
        let path = data_dir.join("jwt.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => keys(text.trim().as_bytes()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir)?;
                // Two v4 UUIDs: 244 bits from the operating system's random source.
                let text = format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                );
                write_private(&path, &text)?;
                keys(text.as_bytes())
            }
            Err(e) => Err(e),
        }
    }

    /// Mints an HS256 token for `actor`, valid for `ttl_seconds`.
    pub fn mint(&self, actor: &Actor, ttl_seconds: i64) -> String {
        let authorities = actor
            .roles
            .iter()
            .map(|r| r.authority().to_owned())
            .collect();
        self.mint_with(actor, authorities, ttl_seconds)
    }

    /// Mints an HS256 token for `actor` carrying `authorities` (role names as tokens carry them),
    /// valid for `ttl_seconds`.
    pub fn mint_with(&self, actor: &Actor, authorities: Vec<String>, ttl_seconds: i64) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            user_id: actor.user_id.clone(),
            user_name: actor.user_name.clone(),
            authorities,
            exp: now + ttl_seconds,
            iat: now,
        };
        // Encoding claims of strings and numbers with an HMAC key cannot fail.
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.inner.encoding,
        )
        .unwrap_or_default()
    }

    /// Verifies `token` and returns the actor it names.
    pub fn verify(&self, token: &str) -> Result<Actor, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| {
            // An `alg` the crate has no name for (e.g. `none`) is an algorithm refusal too.
            if names_an_algorithm(token) {
                TokenError::Algorithm
            } else {
                token_error(e)
            }
        })?;
        let key = match header.alg {
            Algorithm::HS256 => &self.inner.hs256,
            Algorithm::RS256 => self.inner.rs256.as_ref().ok_or(TokenError::Algorithm)?,
            _ => return Err(TokenError::Algorithm),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp"]);
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map_err(token_error)?
            .claims;
        if claims.user_id.is_empty() || claims.user_name.is_empty() {
            return Err(TokenError::NoIdentity);
        }
        // The read models keep user ids and names in `varchar(50)` columns: a longer identity
        // would stop a projection for every user, so it is refused here, before any command.
        if claims.user_id.chars().count() > MAX_IDENTITY_CHARS
            || claims.user_name.chars().count() > MAX_IDENTITY_CHARS
        {
            return Err(TokenError::IdentityTooLong);
        }
        let roles = claims
            .authorities
            .iter()
            .filter_map(|a| Role::parse(a))
            .collect();
        Ok(Actor::new(claims.user_id, claims.user_name, roles))
    }
}

/// Whether the token's header is JSON naming some `alg`.
fn names_an_algorithm(token: &str) -> bool {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let Some(header) = token.split('.').next() else {
        return false;
    };
    URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|header| header.get("alg").is_some_and(|alg| alg.is_string()))
}

fn token_error(error: jsonwebtoken::errors::Error) -> TokenError {
    match error.kind() {
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => TokenError::Algorithm,
        _ => TokenError::Malformed,
    }
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
    // An empty access_token header (as some clients send by default) names no token: the
    // Authorization header is used then.
    if let Some(value) = req
        .headers()
        .get("access_token")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        return Some(value);
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
    type Future =
        Either<Ready<Result<Self, ApiError>>, LocalBoxFuture<'static, Result<Self, ApiError>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // An API key is looked up in the database; a token is checked right here.
        if let Some(key) = token_of(req).filter(|t| t.starts_with(api_keys::KEY_PREFIX)) {
            let key = key.to_owned();
            let req = req.clone();
            return Either::Right(Box::pin(async move {
                let actor = api_keys::authenticate(&req, &key).await?;
                admit(&req, actor).map(Caller)
            }));
        }
        Either::Left(ready(
            authenticate(req).and_then(|a| admit(req, a)).map(Caller),
        ))
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
    keys.verify(token)
        .map_err(|e| ApiError::unauthorized(&e.to_string()))
}

/// The checks every authenticated caller passes: the identity parameters, the user's rate.
fn admit(req: &HttpRequest, actor: Actor) -> Result<Actor, ApiError> {
    check_identity_params(req, &actor)?;
    if let Some(limits) = req.app_data::<web::Data<crate::rate_limit::RateLimits>>() {
        limits.check_user(req.method(), &actor.user_id)?;
    }
    Ok(actor)
}

/// Like the original filter: `userId` / `userName` query parameters must name the caller (on
/// the developer platform's paths; on `/api/v1` a `userId` filter names whom to look at, and
/// the endpoint decides who may).
fn check_identity_params(req: &HttpRequest, actor: &Actor) -> Result<(), ApiError> {
    if req.path().starts_with("/api/v1/") {
        return Ok(());
    }
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
mod tests;
