//! `/api/v1/users`: the container platform's users (issue "Container platform I"). Admins (or
//! whoever holds `users:*`) create, list, lock, unlock and delete users; users read and edit
//! their own profile and change their own password (the current one required). Passwords are
//! hashed (Argon2id) and sealed before the command, and never answered.

pub mod api_keys;
pub mod bindings;
pub mod dto;
pub mod password;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::ids::{next_platform_id, PlatformTable};
use commands::passwords;
use domain::permission::Scope;
use domain::user::{User, UserAction, UserCommand, UserError, EMAIL, USERNAME};
use projections::read_models::access::query;

pub use bindings::{BindingBody, NewBindingBody};
pub(crate) use password::check_password;

use self::password::seal_password;
pub use dto::{NewUserBody, PasswordChangeBody, UserBody, UserProfileBody, UserQuery};

use self::dto::{invalid, render};
use super::commanding::{
    json_bytes, options, requested_position, run_on, AppState, CommandEndpoint, CommandHeaders,
    Reply,
};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::{paging, parse_int_id, Page};

pub const READ_MODELS: &[&str] = &["access"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/users")
            .service(web::resource("").get(list).post(create))
            .service(
                web::resource("/{userId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            )
            .service(web::resource("/{userId}/actions/lock").post(lock))
            .service(web::resource("/{userId}/actions/unlock").post(unlock))
            .service(web::resource("/{userId}/password").put(password::change_password))
            .service(
                web::resource("/{userId}/roles")
                    .get(bindings::list)
                    .post(bindings::bind),
            )
            .service(web::resource("/{userId}/roles/{bindingId}").delete(bindings::unbind))
            .service(
                web::resource("/{userId}/api-keys")
                    .get(api_keys::list)
                    .post(api_keys::create),
            )
            .service(web::resource("/{userId}/api-keys/{apiKeyId}").delete(api_keys::revoke)),
    );
}

impl CommandEndpoint for User {
    fn command_name(command: &UserCommand) -> &'static str {
        match command.action {
            UserAction::Create { .. } => "create",
            UserAction::Update { .. } => "update",
            UserAction::ChangePassword { .. } => "change_password",
            UserAction::RecordLogin { .. } => "login",
            UserAction::RecordLoginFailure { .. } => "login_failure",
            UserAction::Lock => "lock",
            UserAction::Unlock => "unlock",
            UserAction::Delete => "delete",
            UserAction::BindRole { .. } => "bind_role",
            UserAction::UnbindRole { .. } => "unbind_role",
            UserAction::CreateApiKey { .. } => "create_api_key",
            UserAction::RevokeApiKey { .. } => "revoke_api_key",
            UserAction::ResealPassword { .. } => "reseal_password",
        }
    }

    fn rejection(rejection: UserError) -> ApiError {
        match rejection {
            UserError::NotFound => not_found(),
            UserError::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "a user with this id already exists; retry",
            ),
            UserError::Locked => ApiError::new(ErrorCode::UserLocked, rejection.to_string()),
            UserError::NotLocked => ApiError::new(ErrorCode::UserNotLocked, rejection.to_string()),
            UserError::AlreadyBound => {
                ApiError::new(ErrorCode::RoleAlreadyBound, rejection.to_string())
            }
            UserError::NoSuchBinding => {
                ApiError::new(ErrorCode::BindingNotFound, rejection.to_string())
            }
            UserError::NoSuchApiKey => {
                ApiError::new(ErrorCode::ApiKeyNotFound, rejection.to_string())
            }
            UserError::TooManyApiKeys => {
                ApiError::new(ErrorCode::TooManyApiKeys, rejection.to_string())
            }
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        match scope {
            USERNAME => ApiError::new(
                ErrorCode::DuplicateUsername,
                "another user has this username",
            )
            .with_params(vec!["username".into()]),
            EMAIL => ApiError::new(ErrorCode::DuplicateEmail, "another user has this email")
                .with_params(vec!["email".into()]),
            other => ApiError::new(
                ErrorCode::Duplicate,
                format!("the value of {other} is already taken"),
            ),
        }
    }
}

pub(crate) fn not_found() -> ApiError {
    ApiError::new(ErrorCode::UserNotFound, "no user has this id")
}

/// Runs one command on user `id` and answers with the user.
pub(crate) async fn run_user(
    state: &AppState,
    access: &Access,
    id: i64,
    action: UserAction,
    options: commands::CommandOptions,
    success: StatusCode,
) -> Result<Reply, ApiError> {
    let location = (success == StatusCode::CREATED).then(|| format!("/api/v1/users/{id}"));
    run_user_command(
        state,
        access,
        id,
        action,
        options,
        (success, location),
        |user| render(id, user),
    )
    .await
}

/// Runs one command on user `id`, answered (status and `Location`) as `answer` says, with
/// `render`'s body.
pub(crate) async fn run_user_command<R>(
    state: &AppState,
    access: &Access,
    id: i64,
    action: UserAction,
    options: commands::CommandOptions,
    answer: (StatusCode, Option<String>),
    render: R,
) -> Result<Reply, ApiError>
where
    R: Fn(&User) -> serde_json::Value,
{
    let command = UserCommand {
        actor: access.actor.clone(),
        action,
    };
    run_on(state, &access.actor, id, command, options, answer, render).await
}

/// Create a user (`users:create`).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", params(CommandHeaders), request_body = NewUserBody,
    responses((status = 201, body = UserBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, description = "username or email taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<NewUserBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let username = domain::user::username(&body.username).map_err(invalid)?;
    let profile = body.profile().validated().map_err(invalid)?;
    passwords::check_rule(&body.password).map_err(|e| {
        ApiError::new(ErrorCode::WeakPassword, e.to_string()).with_params(vec!["password".into()])
    })?;
    let options = options(&req, &json_bytes(&body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("users", "create", Scope::Platform)?;
            let password = seal_password(&st, body.password).await?;
            let id = next_platform_id(&st.pool, PlatformTable::Users).await?;
            let action = UserAction::Create {
                username,
                profile,
                password,
                by: access.by(),
            };
            run_user(&st, &access, id, action, options, StatusCode::CREATED).await
        })
        .await?;
    Ok(reply.into_response())
}

/// A page of users, newest first (`users:read`).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = inline(Page<UserBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = paging(query.limit, query.offset)?;
    let q = query.into_inner();
    if let Some(status) = q.status.as_deref() {
        if !["active", "inactive", "locked"].contains(&status) {
            return Err(ApiError::new(
                ErrorCode::InvalidQuery,
                "status must be active, inactive or locked",
            )
            .with_params(vec!["status".into()]));
        }
    }
    let position = requested_position(&req)?;
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("users", "read", Scope::Platform)?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let filter = query::UserFilter {
                search: q.search.as_deref(),
                status: q.status.as_deref(),
            };
            let (results, total) =
                query::users::<UserBody>(&st.pool, filter, limit, offset).await?;
            Ok(Page {
                results,
                limit,
                offset,
                total,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One user (themselves, or with `users:read`).
#[utoipa::path(get, path = "/api/v1/users/{userId}", tag = "users", params(("userId" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "userId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let user = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            if !access.is_user(id) {
                access.require("users", "read", Scope::Platform)?;
            }
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::user::<UserBody>(&st.pool, id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(user))
}

/// Update a user's profile (themselves, or with `users:update`).
#[utoipa::path(put, path = "/api/v1/users/{userId}", tag = "users", request_body = UserProfileBody,
    params(CommandHeaders, ("userId" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "email taken", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<UserProfileBody>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "userId")?;
    let profile = body.profile().validated().map_err(invalid)?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            if !access.is_user(id) {
                access.require("users", "update", Scope::Platform)?;
            }
            let action = UserAction::Update {
                profile,
                by: access.by(),
            };
            run_user(&st, &access, id, action, options, StatusCode::OK).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a user (`users:delete`): the user becomes `inactive`, its tokens stop working, and the
/// username and email stay taken.
#[utoipa::path(delete, path = "/api/v1/users/{userId}", tag = "users",
    params(CommandHeaders, ("userId" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "userId")?;
    admin_action(state, caller, &req, id, "delete", UserAction::Delete).await
}

/// Lock a user (`users:update`): they can no longer log in, and their tokens stop working.
#[utoipa::path(post, path = "/api/v1/users/{userId}/actions/lock", tag = "users",
    params(CommandHeaders, ("userId" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn lock(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "userId")?;
    admin_action(state, caller, &req, id, "update", UserAction::Lock).await
}

/// Unlock a user (`users:update`), which also resets the count of failed logins.
#[utoipa::path(post, path = "/api/v1/users/{userId}/actions/unlock", tag = "users",
    params(CommandHeaders, ("userId" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "the user is not locked", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn unlock(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "userId")?;
    admin_action(state, caller, &req, id, "update", UserAction::Unlock).await
}

async fn admin_action(
    state: web::Data<AppState>,
    caller: Caller,
    req: &HttpRequest,
    id: i64,
    verb: &'static str,
    action: UserAction,
) -> Result<HttpResponse, ApiError> {
    let options = options(req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("users", verb, Scope::Platform)?;
            run_user(&st, &access, id, action, options, StatusCode::OK).await
        })
        .await?;
    Ok(reply.into_response())
}
