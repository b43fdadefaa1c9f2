//! The JSON shapes of users (never a password or its hash), role bindings and logins, and their
//! conversion to the User aggregate's values.

use chrono::{DateTime, Utc};
use domain::user::{User, UserError, UserProfile};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorCode};

/// A user as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserBody {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub full_name: Option<String>,
    pub avatar_url: Option<String>,
    /// active, inactive (deleted) or locked.
    pub status: String,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
}

db::from_row!(UserBody {
    id,
    username,
    email,
    full_name,
    avatar_url,
    status,
    last_login_at,
    created_at,
    updated_at,
    created_by,
    updated_by,
});

/// The body of a command's answer, from the aggregate (times come with GET).
pub(super) fn render(id: i64, user: &User) -> serde_json::Value {
    let (Some(username), Some(profile)) = (&user.username, &user.profile) else {
        return serde_json::Value::Bool(true);
    };
    serde_json::to_value(UserBody {
        id,
        username: username.clone(),
        email: profile.email.clone(),
        full_name: profile.full_name.clone(),
        avatar_url: profile.avatar_url.clone(),
        status: user.status.as_str().to_owned(),
        last_login_at: None,
        created_at: None,
        updated_at: None,
        created_by: None,
        updated_by: None,
    })
    .unwrap_or_default()
}

/// The body of a user's creation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewUserBody {
    /// 3-50 letters, digits, `.`, `_` or `-`, starting with a letter or digit; unique (any case).
    #[schema(
        example = "ada",
        min_length = 3,
        max_length = 50,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,49}$"
    )]
    pub username: String,
    /// An address like name@example.com; unique (any case).
    #[schema(example = "ada@example.com", max_length = 255, format = Email)]
    pub email: String,
    /// Write-only: 8-128 characters with a letter and a digit.
    #[schema(
        example = "analytical engine 1",
        min_length = 8,
        max_length = 128,
        write_only
    )]
    pub password: String,
    #[schema(max_length = 100)]
    pub full_name: Option<String>,
    /// An http or https URL.
    #[schema(max_length = 500)]
    pub avatar_url: Option<String>,
}

/// The body of a user's update: the profile (the username never changes).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserProfileBody {
    #[schema(example = "ada@example.com", max_length = 255, format = Email)]
    pub email: String,
    #[schema(max_length = 100)]
    pub full_name: Option<String>,
    #[schema(max_length = 500)]
    pub avatar_url: Option<String>,
}

impl UserProfileBody {
    pub(super) fn profile(&self) -> UserProfile {
        UserProfile {
            email: self.email.clone(),
            full_name: self.full_name.clone(),
            avatar_url: self.avatar_url.clone(),
        }
    }
}

impl NewUserBody {
    pub(super) fn profile(&self) -> UserProfile {
        UserProfile {
            email: self.email.clone(),
            full_name: self.full_name.clone(),
            avatar_url: self.avatar_url.clone(),
        }
    }
}

/// A password change: the user's own (`currentPassword` required) or an administrator's reset.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChangeBody {
    /// Write-only; required when users change their own password.
    #[schema(max_length = 128, write_only)]
    pub current_password: Option<String>,
    /// Write-only: 8-128 characters with a letter and a digit.
    #[schema(min_length = 8, max_length = 128, write_only)]
    pub new_password: String,
}

/// Filters of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of the username or email, any case.
    pub search: Option<String>,
    /// active, inactive or locked.
    #[param(pattern = "^(active|inactive|locked)$")]
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The answer to a field that breaks its rule.
pub(super) fn invalid(error: UserError) -> ApiError {
    let param = match &error {
        UserError::Username => "username",
        UserError::Email => "email",
        UserError::AvatarUrl => "avatarUrl",
        UserError::TooLong(field, _) => field,
        UserError::ExpiryPassed => "expiresAt",
        UserError::ApiKeyName => "name",
        _ => "",
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string()).with_params(vec![param.to_owned()])
}
