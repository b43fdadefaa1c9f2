//! Who is acting: the identity taken from the caller's token, attached to every command and
//! recorded on every event's metadata.

use serde::{Deserialize, Serialize};

/// A role of the developer platform, as carried in the token's authorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// `ROLE_DEVELOPER_ADMIN`: may act on every resource.
    Admin,
    /// `ROLE_DEVELOPER_TENANT`: may create resources and act on their own.
    Tenant,
    /// `ROLE_DEVELOPER_GUEST`: read-only, on the few resources the platform shows to guests.
    Guest,
}

impl Role {
    /// The authority string used in tokens.
    pub fn authority(self) -> &'static str {
        match self {
            Role::Admin => "ROLE_DEVELOPER_ADMIN",
            Role::Tenant => "ROLE_DEVELOPER_TENANT",
            Role::Guest => "ROLE_DEVELOPER_GUEST",
        }
    }

    /// Parses an authority string (`ROLE_DEVELOPER_ADMIN`) or a short name (`ADMIN`), any case.
    pub fn parse(text: &str) -> Option<Role> {
        let upper = text.trim().to_ascii_uppercase();
        match upper.strip_prefix("ROLE_DEVELOPER_").unwrap_or(&upper) {
            "ADMIN" => Some(Role::Admin),
            "TENANT" => Some(Role::Tenant),
            "GUEST" => Some(Role::Guest),
            _ => None,
        }
    }
}

/// The caller of a command: user id and name from the token, and their roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: String,
    pub user_name: String,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn new(user_id: impl Into<String>, user_name: impl Into<String>, roles: Vec<Role>) -> Self {
        Self {
            user_id: user_id.into(),
            user_name: user_name.into(),
            roles,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    /// Tenants and admins may change things; a guest-only caller may not.
    pub fn may_write(&self) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::Admin | Role::Tenant))
    }

    /// The ownership rule of every owned resource: the owner or an admin.
    pub fn may_act_on(&self, owner_id: &str) -> bool {
        self.is_admin() || (self.may_write() && self.user_id == owner_id)
    }
}
