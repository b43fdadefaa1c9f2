//! `/api/v1/users/{userId}/roles`: role bindings. Binding or unbinding a role platform-wide needs
//! `roles:admin` platform-wide; in one namespace, `roles:admin` in that namespace. A binding may
//! end at `expiresAt`, after which it grants nothing (checked at each request).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use commands::ids::{next_platform_id, PlatformTable};
use domain::permission::Scope;
use domain::user::{Binding, User, UserAction};
use projections::read_models::access::query;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{not_found, run_user_command};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::commanding::{
    json_bytes, options, requested_position, AppState, CommandHeaders,
};
use crate::routes::parse_int_id;

/// A role binding as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BindingBody {
    pub id: i64,
    pub user_id: i64,
    pub role_id: i64,
    pub role_name: String,
    /// The namespace it applies in; absent: platform-wide.
    pub namespace_id: Option<i64>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub assigned_by: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether `expiresAt` has passed (it grants nothing then).
    pub expired: bool,
}

db::from_row!(BindingBody {
    id,
    user_id,
    role_id,
    role_name,
    namespace_id,
    assigned_at,
    assigned_by,
    expires_at,
    expired,
});

/// The body of a new binding.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewBindingBody {
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "domain::json_integer::integer")]
    pub role_id: i64,
    /// The namespace it applies in; absent: platform-wide.
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub namespace_id: Option<i64>,
    /// When it stops granting (RFC 3339, in the future); absent: never.
    pub expires_at: Option<DateTime<Utc>>,
}

fn scope_of(namespace_id: Option<i64>) -> Scope {
    namespace_id.map_or(Scope::Platform, Scope::Namespace)
}

/// Bind a role to a user.
#[utoipa::path(post, path = "/api/v1/users/{userId}/roles", tag = "users", request_body = NewBindingBody,
    params(CommandHeaders, ("userId" = i64, Path)),
    responses((status = 201, body = BindingBody), (status = 400, description = "unknown role or namespace, or an expiry in the past", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the role is bound in this scope already", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn bind(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<NewBindingBody>,
) -> Result<HttpResponse, ApiError> {
    let user_id = parse_int_id(&path, "userId")?;
    let body = body.into_inner();
    for (value, field) in [
        (Some(body.role_id), "roleId"),
        (body.namespace_id, "namespaceId"),
    ] {
        if value.is_some_and(|v| v < 1) {
            return Err(ApiError::new(
                ErrorCode::InvalidField,
                format!("{field} must be a positive integer"),
            )
            .with_params(vec![field.into()]));
        }
    }
    let now = Utc::now();
    if body.expires_at.is_some_and(|at| at <= now) {
        return Err(
            ApiError::new(ErrorCode::InvalidField, "expiresAt must be in the future")
                .with_params(vec!["expiresAt".into()]),
        );
    }
    let options = options(&req, &json_bytes(&body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("roles", "admin", scope_of(body.namespace_id))?;
            let role: Option<crate::routes::roles::RoleBody> =
                query::role(&st.pool, body.role_id).await?;
            let role = role.ok_or_else(|| {
                ApiError::new(ErrorCode::UnknownRole, "no role has this roleId")
                    .with_params(vec!["roleId".into()])
            })?;
            if let Some(namespace) = body.namespace_id {
                if !query::namespace_exists(&st.pool, namespace).await? {
                    return Err(ApiError::new(
                        ErrorCode::UnknownNamespace,
                        "no namespace has this namespaceId",
                    )
                    .with_params(vec!["namespaceId".into()]));
                }
            }
            let binding_id = next_platform_id(&st.pool, PlatformTable::UserRoles).await?;
            let binding = Binding {
                binding_id,
                role_id: body.role_id,
                namespace_id: body.namespace_id,
                expires_at: body.expires_at.map(|at| at.timestamp_millis()),
            };
            let answer = BindingBody {
                id: binding_id,
                user_id,
                role_id: role.id,
                role_name: role.name,
                namespace_id: body.namespace_id,
                assigned_at: Some(now),
                assigned_by: access.by(),
                expires_at: body.expires_at,
                expired: false,
            };
            let action = UserAction::BindRole {
                binding,
                now: now.timestamp_millis(),
                by: access.by(),
            };
            let location = format!("/api/v1/users/{user_id}/roles/{binding_id}");
            let body = serde_json::to_value(answer).unwrap_or_default();
            let reply = run_user_command(
                &st,
                &access,
                user_id,
                action,
                options,
                (StatusCode::CREATED, Some(location)),
                move |_| body.clone(),
            )
            .await?;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}

/// The role bindings of a user (themselves, or with `users:read`), expired ones marked.
#[utoipa::path(get, path = "/api/v1/users/{userId}/roles", tag = "users", params(("userId" = i64, Path)),
    responses((status = 200, body = Vec<BindingBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = parse_int_id(&path, "userId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            if !access.is_user(user_id) {
                access.require("users", "read", Scope::Platform)?;
            }
            if let Some(position) = position {
                st.wait_visible(super::READ_MODELS, position).await;
            }
            let user: Option<super::UserBody> = query::user(&st.pool, user_id).await?;
            user.ok_or_else(not_found)?;
            query::bindings::<BindingBody>(&st.pool, user_id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Remove a role binding.
#[utoipa::path(delete, path = "/api/v1/users/{userId}/roles/{bindingId}", tag = "users",
    params(CommandHeaders, ("userId" = i64, Path), ("bindingId" = i64, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn unbind(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let user_id = parse_int_id(&path.0, "userId")?;
    let binding_id = parse_int_id(&path.1, "bindingId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            let user: User = st.load(&user_id.to_string()).await?;
            if user.username.is_none() {
                return Err(not_found());
            }
            let binding = user
                .bindings
                .iter()
                .find(|b| b.binding_id == binding_id)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::BindingNotFound,
                        "the user has no role binding with this id",
                    )
                })?;
            access.require("roles", "admin", scope_of(binding.namespace_id))?;
            let action = UserAction::UnbindRole { binding_id };
            let reply = run_user_command(
                &st,
                &access,
                user_id,
                action,
                options,
                (StatusCode::OK, None),
                |_| serde_json::Value::Bool(true),
            )
            .await?;
            Ok(reply)
        })
        .await?;
    Ok(reply.into_response())
}
