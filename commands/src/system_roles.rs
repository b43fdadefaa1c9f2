//! The system roles ADMIN, TENANT and GUEST (`catalogue/roles.json`), seeded as events on the
//! streams 1-3 like every catalogue (ADR 0011, ADR 0015). They are the developer platform's three
//! roles, so a token's `ROLE_DEVELOPER_*` authorities and a platform user's bindings mean the
//! same; they cannot be changed or deleted.

use domain::permission::Permission;
use domain::role::{Role, RoleAction, RoleCommand, RoleError, RoleFields};
use serde::Deserialize;

use crate::seeding::{seed_streams, seeder, SeedError};
use crate::CommandExecutor;

const ROLES: &str = include_str!("../catalogue/roles.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleRow {
    id: i64,
    name: String,
    display_name: String,
    description: String,
    permissions: Vec<String>,
}

/// One system role: its id (and stream id) and fields.
#[derive(Debug, Clone)]
pub struct SystemRole {
    pub id: i64,
    pub fields: RoleFields,
}

/// The system roles, as the catalogue file lists them.
pub fn system_roles() -> Result<Vec<SystemRole>, SeedError> {
    let rows: Vec<RoleRow> =
        serde_json::from_str(ROLES).map_err(|e| SeedError::Data("roles", e.to_string()))?;
    rows.into_iter()
        .map(|row| {
            let permissions = row
                .permissions
                .iter()
                .map(|p| Permission::parse(p))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| SeedError::Data("roles", e.to_string()))?;
            Ok(SystemRole {
                id: row.id,
                fields: RoleFields {
                    name: row.name,
                    display_name: row.display_name,
                    description: Some(row.description),
                    permissions,
                },
            })
        })
        .collect()
}

/// The permissions of the system role named `name` (`ADMIN`, `TENANT`, `GUEST`), for tokens
/// whose user is not a platform user.
pub fn permissions_of(name: &str) -> Vec<Permission> {
    system_roles()
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.fields.name == name)
        .map(|r| r.fields.permissions)
        .unwrap_or_default()
}

/// Seeds the system roles whose streams have no events yet; how many it created.
pub async fn seed(executor: &CommandExecutor, pool: &db::Pool) -> Result<usize, SeedError> {
    let actor = seeder();
    let rows = system_roles()?
        .into_iter()
        .map(|role| {
            let command = RoleCommand {
                actor: actor.clone(),
                action: RoleAction::Create {
                    fields: role.fields,
                    system: true,
                },
            };
            (role.id.to_string(), command)
        })
        .collect();
    seed_streams::<Role>(executor, pool, "roles", rows, |e| {
        *e == RoleError::AlreadyExists
    })
    .await
}
