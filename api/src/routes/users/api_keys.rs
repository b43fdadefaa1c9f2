//! `/api/v1/users/{userId}/api-keys`: a user's API keys (`crate::auth::api_keys`). Users create
//! their own (the key is in the creation's answer only); they, or whoever holds
//! `api-keys:read|delete`, list and revoke them.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use commands::ids::{next_platform_id, PlatformTable};
use domain::permission::Scope;
use domain::user::{ApiKey, User, UserAction};
use projections::read_models::access::query;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::run_user_command;
use crate::auth::access::Access;
use crate::auth::{api_keys, Caller};
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::commanding::{options, AppState, CommandHeaders};
use crate::routes::parse_int_id;

/// An API key as a list shows it: never the key.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyBody {
    pub id: i64,
    pub name: Option<String>,
    /// The key's first characters.
    pub prefix: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub expired: bool,
}

db::from_row!(ApiKeyBody {
    id,
    name,
    prefix,
    expires_at,
    created_at,
    expired,
});

/// A new key: the only answer that holds it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    /// Send it as `Authorization: Bearer <key>`; it is not shown again.
    pub key: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The body of a key's creation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewApiKeyBody {
    #[schema(
        example = "ci pipeline",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
    /// When it stops working (RFC 3339, in the future); absent: never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Create an API key (users for themselves).
#[utoipa::path(post, path = "/api/v1/users/{userId}/api-keys", tag = "users", request_body = NewApiKeyBody,
    params(("userId" = i64, Path)),
    responses((status = 201, body = NewApiKey), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "20 keys already", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: JsonBody<NewApiKeyBody>,
) -> Result<HttpResponse, ApiError> {
    let user_id = parse_int_id(&path, "userId")?;
    let body = body.into_inner();
    if body.name.trim().is_empty() || body.name.chars().count() > 100 {
        return Err(
            ApiError::new(ErrorCode::InvalidField, "name must be 1-100 characters")
                .with_params(vec!["name".into()]),
        );
    }
    let now = Utc::now();
    if body.expires_at.is_some_and(|at| at <= now) {
        return Err(
            ApiError::new(ErrorCode::InvalidField, "expiresAt must be in the future")
                .with_params(vec!["expiresAt".into()]),
        );
    }
    let st = state.clone();
    let created = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            if !access.is_user(user_id) {
                return Err(ApiError::new(
                    ErrorCode::PermissionDenied,
                    "users create API keys for themselves only",
                ));
            }
            let key_id = next_platform_id(&st.pool, PlatformTable::UserSecrets).await?;
            let (key, prefix, digest) = api_keys::generate();
            let api_key = ApiKey {
                key_id,
                name: body.name.trim().to_owned(),
                prefix: prefix.clone(),
                digest,
                expires_at: body.expires_at.map(|at| at.timestamp_millis()),
            };
            let action = UserAction::CreateApiKey {
                key: api_key,
                now: now.timestamp_millis(),
            };
            // No idempotency record: it would keep the key.
            let options = commands::CommandOptions::default();
            let location = format!("/api/v1/users/{user_id}/api-keys/{key_id}");
            run_user_command(
                &st,
                &access,
                user_id,
                action,
                options,
                (StatusCode::CREATED, Some(location)),
                |_| serde_json::Value::Null,
            )
            .await?;
            Ok(NewApiKey {
                id: key_id,
                name: body.name.trim().to_owned(),
                prefix,
                key,
                expires_at: body.expires_at,
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "location",
            format!("/api/v1/users/{user_id}/api-keys/{}", created.id),
        ))
        .json(created))
}

/// A user's API keys, newest first (themselves, or `api-keys:read`).
#[utoipa::path(get, path = "/api/v1/users/{userId}/api-keys", tag = "users", params(("userId" = i64, Path)),
    responses((status = 200, body = Vec<ApiKeyBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = parse_int_id(&path, "userId")?;
    let st = state.clone();
    let keys = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            if !access.is_user(user_id) {
                access.require("api-keys", "read", Scope::Platform)?;
            }
            let user: Option<super::UserBody> = query::user(&st.pool, user_id).await?;
            user.ok_or_else(super::not_found)?;
            query::api_keys::<ApiKeyBody>(&st.pool, user_id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(keys))
}

/// Revoke an API key (themselves, or `api-keys:delete`): it stops working at once.
#[utoipa::path(delete, path = "/api/v1/users/{userId}/api-keys/{apiKeyId}", tag = "users",
    params(CommandHeaders, ("userId" = i64, Path), ("apiKeyId" = i64, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let user_id = parse_int_id(&path.0, "userId")?;
    let key_id = parse_int_id(&path.1, "apiKeyId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            if !access.is_user(user_id) {
                access.require("api-keys", "delete", Scope::Platform)?;
            }
            let user: User = st.load(&user_id.to_string()).await?;
            if user.username.is_none() {
                return Err(super::not_found());
            }
            let action = UserAction::RevokeApiKey { key_id };
            run_user_command(
                &st,
                &access,
                user_id,
                action,
                options,
                (StatusCode::OK, None),
                |_| serde_json::Value::Bool(true),
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}
