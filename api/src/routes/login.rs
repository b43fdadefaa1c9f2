//! `POST /api/v1/auth/login`: a platform user's username and password for a token in the format
//! every endpoint accepts (HS256, `userId` = the user's id, `authorities` = the roles bound
//! platform-wide). A wrong password and an unknown or deleted user answer the same 401 after the
//! same work (an Argon2id check), so the answer does not tell whether the user exists. Failed
//! logins in a row lock the user at the configured count; a locked user with the right password
//! learns it is locked (403), with a wrong one the same 401.

use actix_web::{web, HttpResponse};
use commands::executor::CommandOptions;
use commands::passwords;
use domain::user::{User, UserAction, UserCommand, UserStatus};
use domain::Actor;
use projections::read_models::access::query;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::access::authority_of;
use crate::auth::JwtKeys;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::commanding::{execute_command, metadata, AppState, CommandRequest};
use crate::routes::users::check_password;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/auth/login").post(login));
}

/// A login.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoginBody {
    #[schema(example = "ada", min_length = 1, max_length = 255)]
    pub username: String,
    /// Write-only.
    #[schema(min_length = 1, max_length = 255, write_only)]
    pub password: String,
}

/// A login's token.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenBody {
    /// Send it as `Authorization: Bearer <token>` or in the `access_token` header.
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: String,
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCredentials,
        "the username or password is wrong",
    )
}

/// Log in.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = TokenBody), (status = 400, body = ErrorBody),
              (status = 401, description = "wrong username or password", body = ErrorBody),
              (status = 403, description = "the user is locked", body = ErrorBody)))]
pub async fn login(
    state: web::Data<AppState>,
    keys: web::Data<JwtKeys>,
    body: JsonBody<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    for (value, field) in [(&body.username, "username"), (&body.password, "password")] {
        if value.is_empty() || value.chars().count() > 255 {
            return Err(ApiError::new(
                ErrorCode::InvalidField,
                format!("{field} must be 1-255 characters"),
            )
            .with_params(vec![field.into()]));
        }
    }
    let st = state.clone();
    let keys = keys.into_inner();
    let token = state
        .offload(async move {
            let found = query::login_of(&st.pool, body.username.trim()).await?;
            let Some((id, _)) = found else {
                spend_a_check(body.password).await;
                return Err(invalid_credentials());
            };
            let user: User = st.load(&id.to_string()).await?;
            let (Some(username), Some(sealed)) =
                (user.username.clone(), user.password_hash.clone())
            else {
                spend_a_check(body.password).await;
                return Err(invalid_credentials());
            };
            if user.status == UserStatus::Inactive {
                spend_a_check(body.password).await;
                return Err(invalid_credentials());
            }
            crate::audit::note_caller(crate::audit::CallerNote {
                user_id: Some(id),
                username: Some(username.clone()),
                system_roles: Vec::new(),
            });
            let actor = Actor::new(id.to_string(), username, vec![]);
            if !check_password(&st, sealed, body.password).await? {
                let action = UserAction::RecordLoginFailure {
                    lock_after: st.identity.lock_after,
                };
                record(&st, &actor, id, action).await?;
                return Err(invalid_credentials());
            }
            if user.status == UserStatus::Locked {
                return Err(ApiError::new(
                    ErrorCode::UserLocked,
                    "the user is locked; an administrator can unlock it",
                ));
            }
            let at = chrono::Utc::now().timestamp_millis();
            record(&st, &actor, id, UserAction::RecordLogin { at }).await?;
            let principal = query::principal(&st.pool, id)
                .await?
                .ok_or_else(invalid_credentials)?;
            let authorities = principal
                .platform_roles
                .iter()
                .map(|name| authority_of(name))
                .collect();
            let ttl = st.identity.token_ttl.as_secs() as i64;
            Ok(TokenBody {
                access_token: keys.mint_with(&actor, authorities, ttl),
                expires_in: ttl,
                token_type: "Bearer".into(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(token))
}

/// Records a login or a failed one on the user's stream.
async fn record(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: UserAction,
) -> Result<(), ApiError> {
    let command = UserCommand {
        actor: actor.clone(),
        action,
    };
    let request = CommandRequest::<User>::new(id.to_string(), command, metadata(actor, None))
        .with_options(CommandOptions::default());
    execute_command(state, &request, |_| serde_json::Value::Null).await?;
    Ok(())
}

/// The work of a password check that cannot succeed.
async fn spend_a_check(password: String) {
    let _ = tokio::task::spawn_blocking(move || passwords::verify_nothing(&password)).await;
}
