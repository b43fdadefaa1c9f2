//! A user's validated values: username, email, profile fields, and a role binding.

use serde::{Deserialize, Serialize};

use super::error::UserError;

/// Longest full name and avatar URL (the columns are varchar(100) and varchar(500)).
const MAX_FULL_NAME: usize = 100;
const MAX_AVATAR_URL: usize = 500;
/// Longest email (varchar(255)), and of its local part (RFC 5321).
const MAX_EMAIL: usize = 255;
const MAX_LOCAL_PART: usize = 64;

/// The user's status: `locked` by an admin or by failed logins, `inactive` once deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    #[default]
    Active,
    Inactive,
    Locked,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Inactive => "inactive",
            UserStatus::Locked => "locked",
        }
    }
}

/// A username: 3-50 characters of letters, digits, `.`, `_` and `-`, starting with a letter or
/// digit (nothing around them). Unique regardless of case.
pub fn username(text: &str) -> Result<String, UserError> {
    let mut chars = text.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(3..=50).contains(&text.len()) || !first_ok || !rest_ok {
        return Err(UserError::Username);
    }
    Ok(text.to_owned())
}

/// An email address: `local@domain` with a dotted domain of DNS labels; stored as given,
/// compared (and unique) lower-cased.
pub fn email(text: &str) -> Result<String, UserError> {
    let text = text.trim();
    let (local, domain) = text.rsplit_once('@').ok_or(UserError::Email)?;
    let local_ok = !local.is_empty()
        && local.len() <= MAX_LOCAL_PART
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !local_ok || !domain_ok || text.len() > MAX_EMAIL {
        return Err(UserError::Email);
    }
    Ok(text.to_owned())
}

/// What a user may edit of themselves (and an admin of anyone): email, full name, avatar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    pub email: String,
    pub full_name: Option<String>,
    pub avatar_url: Option<String>,
}

impl UserProfile {
    /// Checks every rule; text is trimmed, empty optional text is none.
    pub fn validated(self) -> Result<Self, UserError> {
        let optional = |value: Option<String>, max: usize, field: &'static str| {
            let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            match value {
                Some(v) if v.chars().count() > max => Err(UserError::TooLong(field, max)),
                other => Ok(other),
            }
        };
        let avatar_url = optional(self.avatar_url, MAX_AVATAR_URL, "avatarUrl")?;
        if let Some(url) = &avatar_url {
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.chars().any(char::is_whitespace) {
                return Err(UserError::AvatarUrl);
            }
        }
        Ok(Self {
            email: email(&self.email)?,
            full_name: optional(self.full_name, MAX_FULL_NAME, "fullName")?,
            avatar_url,
        })
    }
}

/// A role bound to a user: platform-wide or in one namespace, until `expires_at` (ms since the
/// epoch) when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Binding {
    pub binding_id: i64,
    pub role_id: i64,
    pub namespace_id: Option<i64>,
    pub expires_at: Option<i64>,
}

/// An API key of a user, as the user's stream holds it: never the key, only its SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub key_id: i64,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    /// SHA-256 of the key, hex.
    pub digest: String,
    /// When it stops working (ms since the epoch); `None`: never.
    pub expires_at: Option<i64>,
}

/// The most API keys a user holds at once.
pub const MAX_API_KEYS: usize = 20;
