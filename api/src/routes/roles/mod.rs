//! `/api/v1/roles`: roles, named sets of `resource:verb` permissions that bindings grant
//! (`roles:*`). The system roles ADMIN, TENANT and GUEST are seeded and cannot be changed or
//! deleted; deleting another role ends its bindings.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use commands::ids::{next_platform_id, PlatformTable};
use domain::permission::{Permission, Scope};
use domain::role::{Role, RoleAction, RoleCommand, RoleError, RoleFields, ROLE_NAME};
use projections::read_models::access::query;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::commanding::{
    json_bytes, options, requested_position, run_on, AppState, CommandEndpoint, CommandHeaders,
};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::parse_int_id;

pub const READ_MODELS: &[&str] = &["access"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/roles")
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{roleId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            ),
    );
}

/// A role as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleBody {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub description: Option<String>,
    pub is_system: Option<bool>,
    /// `resource:verb` each.
    #[schema(value_type = Vec<String>)]
    pub permissions: serde_json::Value,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

db::from_row!(RoleBody {
    id,
    name,
    display_name,
    description,
    is_system,
    permissions,
    created_at,
    updated_at,
});

/// The body of a role's creation or update.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleInput {
    /// 2-50 letters, digits or `_`, starting with a letter; kept upper-case; unique.
    #[schema(
        example = "NAMESPACE_VIEWER",
        pattern = r"^[A-Za-z][A-Za-z0-9_]{1,49}$"
    )]
    pub name: String,
    #[schema(
        example = "Namespace viewer",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub display_name: String,
    #[schema(max_length = 1024)]
    pub description: Option<String>,
    /// At most 100, each `resource:verb` (`*` for any; the verb `admin` grants every verb).
    #[schema(example = json!(["configmaps:read", "containers:read"]), max_items = 100)]
    pub permissions: Vec<String>,
}

impl RoleInput {
    fn fields(&self) -> Result<RoleFields, ApiError> {
        let permissions = self
            .permissions
            .iter()
            .map(|p| Permission::parse(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                ApiError::new(ErrorCode::InvalidField, e.to_string())
                    .with_params(vec!["permissions".into()])
            })?;
        RoleFields {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            description: self.description.clone(),
            permissions,
        }
        .validated()
        .map_err(invalid)
    }
}

fn invalid(error: RoleError) -> ApiError {
    let param = match error {
        RoleError::Name => "name",
        RoleError::DisplayName => "displayName",
        RoleError::Description => "description",
        RoleError::TooManyPermissions => "permissions",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![param.to_owned()])
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::RoleNotFound, "no role has this id")
}

impl CommandEndpoint for Role {
    fn command_name(command: &RoleCommand) -> &'static str {
        match command.action {
            RoleAction::Create { .. } => "create",
            RoleAction::Update(_) => "update",
            RoleAction::Delete => "delete",
        }
    }

    fn rejection(rejection: RoleError) -> ApiError {
        match rejection {
            RoleError::NotFound => not_found(),
            RoleError::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "a role with this id already exists; retry",
            ),
            RoleError::SystemRole => ApiError::new(ErrorCode::SystemRole, rejection.to_string()),
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        match scope {
            ROLE_NAME => ApiError::new(ErrorCode::DuplicateRole, "another role has this name")
                .with_params(vec!["name".into()]),
            other => ApiError::new(
                ErrorCode::Duplicate,
                format!("the value of {other} is already taken"),
            ),
        }
    }
}

fn render(id: i64, role: &Role) -> serde_json::Value {
    let Some(fields) = &role.fields else {
        return serde_json::Value::Bool(true);
    };
    serde_json::to_value(RoleBody {
        id,
        name: fields.name.clone(),
        display_name: fields.display_name.clone(),
        description: fields.description.clone(),
        is_system: Some(role.system),
        permissions: fields
            .permissions
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
        created_at: None,
        updated_at: None,
    })
    .unwrap_or_default()
}

async fn run_role(
    state: &AppState,
    access: &Access,
    id: i64,
    action: RoleAction,
    options: commands::CommandOptions,
    success: StatusCode,
) -> Result<super::commanding::Reply, ApiError> {
    let command = RoleCommand {
        actor: access.actor.clone(),
        action,
    };
    let location = (success == StatusCode::CREATED).then(|| format!("/api/v1/roles/{id}"));
    let answer = (success, location);
    run_on(state, &access.actor, id, command, options, answer, |role| {
        render(id, role)
    })
    .await
}

/// Create a role (`roles:create`).
#[utoipa::path(post, path = "/api/v1/roles", tag = "roles", params(CommandHeaders), request_body = RoleInput,
    responses((status = 201, body = RoleBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, description = "the name is taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<RoleInput>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.fields()?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("roles", "create", Scope::Platform)?;
            let id = next_platform_id(&st.pool, PlatformTable::Roles).await?;
            let action = RoleAction::Create {
                fields,
                system: false,
            };
            run_role(&st, &access, id, action, options, StatusCode::CREATED).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Every role, system roles first (`roles:read`).
#[utoipa::path(get, path = "/api/v1/roles", tag = "roles",
    responses((status = 200, body = Vec<RoleBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let position = requested_position(&req)?;
    let st = state.clone();
    let roles = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("roles", "read", Scope::Platform)?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::roles::<RoleBody>(&st.pool)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(roles))
}

/// One role (`roles:read`).
#[utoipa::path(get, path = "/api/v1/roles/{roleId}", tag = "roles", params(("roleId" = i64, Path)),
    responses((status = 200, body = RoleBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "roleId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let role = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("roles", "read", Scope::Platform)?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::role::<RoleBody>(&st.pool, id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(role))
}

/// Update a role (`roles:update`); system roles answer 409.
#[utoipa::path(put, path = "/api/v1/roles/{roleId}", tag = "roles", request_body = RoleInput,
    params(CommandHeaders, ("roleId" = i64, Path)),
    responses((status = 200, body = RoleBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "a system role, or the name is taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<RoleInput>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "roleId")?;
    let fields = body.fields()?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("roles", "update", Scope::Platform)?;
            run_role(
                &st,
                &access,
                id,
                RoleAction::Update(fields),
                options,
                StatusCode::OK,
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a role (`roles:delete`): its bindings end with it; system roles answer 409.
#[utoipa::path(delete, path = "/api/v1/roles/{roleId}", tag = "roles",
    params(CommandHeaders, ("roleId" = i64, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "a system role", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "roleId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("roles", "delete", Scope::Platform)?;
            run_role(
                &st,
                &access,
                id,
                RoleAction::Delete,
                options,
                StatusCode::OK,
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}
