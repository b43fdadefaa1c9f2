//! User events; wire names and versions are declared once, in `wire_names!` below. The password
//! appears only as a sealed Argon2id hash.

use serde::{Deserialize, Serialize};

use super::values::{ApiKey, Binding, UserProfile};
use crate::secret::Sealed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum UserEvent {
    UserCreated {
        username: String,
        profile: UserProfile,
        password_hash: Sealed,
        created_by: Option<i64>,
    },
    UserUpdated {
        profile: UserProfile,
        updated_by: Option<i64>,
    },
    PasswordChanged {
        password_hash: Sealed,
        reset: bool,
    },
    UserLoggedIn {
        at: i64,
    },
    LoginFailed {
        failures: u32,
    },
    UserLocked {
        reason: String,
    },
    UserUnlocked {},
    UserDeactivated {},
    RoleBound {
        binding: Binding,
        assigned_by: Option<i64>,
    },
    RoleUnbound {
        binding_id: i64,
    },
    ApiKeyCreated {
        api_key: ApiKey,
    },
    ApiKeyRevoked {
        key_id: i64,
    },
    PasswordResealed {
        password_hash: Sealed,
    },
}

crate::wire_names!(UserEvent => UserEventKind {
    UserCreated = "1",
    UserUpdated = "1",
    PasswordChanged = "1",
    UserLoggedIn = "1",
    LoginFailed = "1",
    UserLocked = "1",
    UserUnlocked = "1",
    UserDeactivated = "1",
    RoleBound = "1",
    RoleUnbound = "1",
    ApiKeyCreated = "1",
    ApiKeyRevoked = "1",
    PasswordResealed = "1",
});
