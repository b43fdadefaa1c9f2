//! API keys of the container platform's users: `edk_` and 64 hex digits (244 random bits),
//! shown once when created and kept only as their SHA-256 digest (`user_secrets`). A key is sent
//! like a token (`Authorization: Bearer edk_...` or `access_token`) and acts as its user, whose
//! roles are those bound platform-wide; a revoked or expired key, or one of a locked or deleted
//! user, answers 401.

use actix_web::{web, HttpRequest};
use domain::{Actor, Role};
use projections::read_models::access::query;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// How every API key starts.
pub const KEY_PREFIX: &str = "edk_";

/// A new key, its prefix (to tell keys apart) and its SHA-256 digest (hex).
pub fn generate() -> (String, String, String) {
    let key = format!(
        "{KEY_PREFIX}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let prefix = key.chars().take(12).collect();
    let digest = hex(&Sha256::digest(key.as_bytes()));
    (key, prefix, digest)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The actor an API key acts as.
pub async fn authenticate(req: &HttpRequest, key: &str) -> Result<Actor, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state not configured"))?
        .clone();
    let digest = Sha256::digest(key.as_bytes()).to_vec();
    let st = state.clone();
    state
        .offload(async move {
            let refused = || ApiError::unauthorized("the API key is unknown, revoked or expired");
            let (id, username) = query::api_key_user(&st.pool, &digest)
                .await?
                .ok_or_else(refused)?;
            let principal = query::principal(&st.pool, id).await?.ok_or_else(refused)?;
            let roles = principal
                .platform_roles
                .iter()
                .filter_map(|name| Role::parse(name))
                .collect();
            Ok(Actor::new(id.to_string(), username, roles))
        })
        .await
}
