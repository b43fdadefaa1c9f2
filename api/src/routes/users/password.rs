//! `PUT /api/v1/users/{userId}/password`, and hashing and checking passwords off the async
//! workers (Argon2id takes tens of milliseconds on purpose).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::passwords;
use domain::permission::Scope;
use domain::user::{User, UserAction};

use super::dto::{PasswordChangeBody, UserBody};
use super::{not_found, run_user};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::commanding::{json_bytes, options, AppState, CommandHeaders};
use crate::routes::parse_int_id;

/// Hashes and seals a password off the async workers (Argon2id takes tens of milliseconds).
pub(crate) async fn seal_password(
    state: &AppState,
    password: String,
) -> Result<domain::secret::Sealed, ApiError> {
    let secrets = state.secrets.clone();
    tokio::task::spawn_blocking(move || passwords::hash_and_seal(&secrets, &password))
        .await
        .map_err(|e| ApiError::internal(&format!("password hashing failed: {e}")))?
        .map_err(|e| match e {
            passwords::PasswordError::Weak => ApiError::new(ErrorCode::WeakPassword, e.to_string())
                .with_params(vec!["password".into()]),
            passwords::PasswordError::Hash => ApiError::internal("password hashing failed"),
        })
}

/// Change a password: users their own (with `currentPassword`), or an administrator's reset
/// (`users:update`) of someone else's.
#[utoipa::path(put, path = "/api/v1/users/{userId}/password", tag = "users", request_body = PasswordChangeBody,
    params(CommandHeaders, ("userId" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, description = "no permission, or the current password is wrong", body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<PasswordChangeBody>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "userId")?;
    let body = body.into_inner();
    if body
        .current_password
        .as_ref()
        .is_some_and(|p| p.chars().count() > passwords::MAX_PASSWORD)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "currentPassword must be at most 128 characters",
        )
        .with_params(vec!["currentPassword".into()]));
    }
    passwords::check_rule(&body.new_password).map_err(|e| {
        ApiError::new(ErrorCode::WeakPassword, e.to_string())
            .with_params(vec!["newPassword".into()])
    })?;
    let options = options(&req, &json_bytes(&body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            let own = access.is_user(id);
            if own {
                let current = body.current_password.clone().unwrap_or_default();
                let user: User = st.load(&id.to_string()).await?;
                let sealed = user.password_hash.ok_or_else(not_found)?;
                if !check_password(&st, sealed, current).await? {
                    return Err(ApiError::new(
                        ErrorCode::WrongPassword,
                        "currentPassword is wrong",
                    )
                    .with_params(vec!["currentPassword".into()]));
                }
            } else {
                access.require("users", "update", Scope::Platform)?;
            }
            let password = seal_password(&st, body.new_password).await?;
            let action = UserAction::ChangePassword {
                password,
                reset: !own,
            };
            run_user(&st, &access, id, action, options, StatusCode::OK).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Whether `password` matches the sealed hash, checked off the async workers.
pub(crate) async fn check_password(
    state: &AppState,
    sealed: domain::secret::Sealed,
    password: String,
) -> Result<bool, ApiError> {
    let secrets = state.secrets.clone();
    tokio::task::spawn_blocking(move || passwords::verify(&secrets, &sealed, &password))
        .await
        .map_err(|e| ApiError::internal(&format!("password check failed: {e}")))?
        .map_err(|e| ApiError::internal(&format!("the password hash cannot be opened: {e}")))
}
