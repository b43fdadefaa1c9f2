//! User commands. Who may send which is decided by the caller's permissions before a command
//! is built (`users:*`, or the user themselves for their profile and password).

use super::values::{ApiKey, Binding, UserProfile};
use crate::identity::Actor;
use crate::secret::Sealed;

#[derive(Debug, Clone, PartialEq)]
pub struct UserCommand {
    pub actor: Actor,
    pub action: UserAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UserAction {
    /// Creates the user; `password` is the sealed Argon2id hash, `by` the creating platform user.
    Create {
        username: String,
        profile: UserProfile,
        password: Sealed,
        by: Option<i64>,
    },
    Update {
        profile: UserProfile,
        by: Option<i64>,
    },
    /// A new sealed password hash: the user's own change (`reset` false) or an admin's reset.
    ChangePassword {
        password: Sealed,
        reset: bool,
    },
    /// A successful login at `at` (ms since the epoch).
    RecordLogin {
        at: i64,
    },
    /// A failed login; the `lock_after`th failure in a row locks the user.
    RecordLoginFailure {
        lock_after: u32,
    },
    Lock,
    Unlock,
    /// Soft delete: the user becomes `inactive`, the username and email stay taken.
    Delete,
    /// Binds a role; `now` (ms) is when, to refuse an expiry in the past.
    BindRole {
        binding: Binding,
        now: i64,
        by: Option<i64>,
    },
    UnbindRole {
        binding_id: i64,
    },
    /// A new API key (its digest); `now` (ms) to refuse an expiry in the past.
    CreateApiKey {
        key: ApiKey,
        now: i64,
    },
    RevokeApiKey {
        key_id: i64,
    },
    /// The same password hash sealed under another key (key rotation); a deleted user's is left.
    ResealPassword {
        password: Sealed,
    },
}
