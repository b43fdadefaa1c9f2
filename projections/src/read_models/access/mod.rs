//! `users`, `roles`, `user_roles` (and `user_secrets`, the users' API keys) of the container
//! platform: one projection, because bindings reference users and roles (foreign keys, a role's
//! deletion cascading to its bindings), so they are written in log order by one runner and
//! rebuilt together, one statement per event (`statements`). A binding whose user or role is
//! gone by then (a role deleted while the binding was being made) is not written: it would grant
//! nothing.

pub mod query;

use cqrs_es::Aggregate;
use db::Conn;
use domain::role::{Role, RoleEvent};
use domain::user::{User, UserEvent};

use super::statements::{self, Statement};
use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AccessProjection;

const USER_CREATED: &str = "INSERT INTO users (id, username, email, password_hash, full_name, \
    avatar_url, status, created_at, updated_at, created_by, updated_by) \
    VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $7, $8, $8)";
const USER_UPDATED: &str = "UPDATE users SET email = $2, full_name = $3, avatar_url = $4, \
    updated_at = $5, updated_by = $6 WHERE id = $1";
const PASSWORD_CHANGED: &str = "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
const PASSWORD_RESEALED: &str = "UPDATE users SET password_hash = $2 WHERE id = $1";
const LOGGED_IN: &str =
    "UPDATE users SET last_login_at = to_timestamp($2::int8 / 1000.0) WHERE id = $1";
const STATUS: &str = "UPDATE users SET status = $2, updated_at = $3 WHERE id = $1";
const ROLE_BOUND: &str = "INSERT INTO user_roles (id, user_id, role_id, namespace_id, \
    assigned_at, assigned_by, expires_at) \
    SELECT $1, $2, $3, $4, $5, $6, to_timestamp($7::int8 / 1000.0) \
    WHERE EXISTS (SELECT 1 FROM users WHERE id = $2) AND EXISTS (SELECT 1 FROM roles WHERE id = $3) \
    ON CONFLICT DO NOTHING";
const ROLE_UNBOUND: &str = "DELETE FROM user_roles WHERE id = $1";
const API_KEY_CREATED: &str = "INSERT INTO user_secrets (id, user_id, secret_type, \
    encrypted_value, name, prefix, expires_at, created_at, updated_at) \
    VALUES ($1, $2, 'api_key', decode($3, 'hex'), $4, $5, to_timestamp($6::int8 / 1000.0), $7, $7)";
const API_KEY_REVOKED: &str = "DELETE FROM user_secrets WHERE id = $1";
const ROLE_CREATED: &str = "INSERT INTO roles (id, name, display_name, description, is_system, \
    permissions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
const ROLE_UPDATED: &str = "UPDATE roles SET name = $2, display_name = $3, description = $4, \
    permissions = $5, updated_at = $6 WHERE id = $1";
const ROLE_DELETED: &str = "DELETE FROM roles WHERE id = $1";

impl Projection for AccessProjection {
    fn name(&self) -> &'static str {
        "access"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[User::TYPE, Role::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["user_secrets", "user_roles", "users", "roles"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut statements: Vec<Statement> = Vec::new();
            for event in events {
                let Ok(id) = event.aggregate_id.parse::<i64>() else {
                    continue;
                };
                let statement = if event.aggregate_type == User::TYPE {
                    user_statement(id, event)?
                } else if event.aggregate_type == Role::TYPE {
                    role_statement(id, event)?
                } else {
                    None
                };
                statements.extend(statement);
            }
            statements::run(conn, &statements).await?;
            Ok(())
        })
    }
}

fn user_statement(id: i64, event: &LogEvent) -> Result<Option<Statement>, ProjectionError> {
    let at = event.recorded_at;
    let statement: Statement = match event.decode::<UserEvent>()? {
        UserEvent::UserCreated {
            username,
            profile,
            password_hash,
            created_by,
        } => (
            USER_CREATED,
            vec![
                Box::new(id),
                Box::new(username),
                Box::new(profile.email),
                Box::new(password_hash.0),
                Box::new(profile.full_name),
                Box::new(profile.avatar_url),
                Box::new(at),
                Box::new(created_by),
            ],
        ),
        UserEvent::UserUpdated {
            profile,
            updated_by,
        } => (
            USER_UPDATED,
            vec![
                Box::new(id),
                Box::new(profile.email),
                Box::new(profile.full_name),
                Box::new(profile.avatar_url),
                Box::new(at),
                Box::new(updated_by),
            ],
        ),
        UserEvent::PasswordChanged { password_hash, .. } => (
            PASSWORD_CHANGED,
            vec![Box::new(id), Box::new(password_hash.0), Box::new(at)],
        ),
        UserEvent::PasswordResealed { password_hash } => (
            PASSWORD_RESEALED,
            vec![Box::new(id), Box::new(password_hash.0)],
        ),
        UserEvent::UserLoggedIn { at: login } => (LOGGED_IN, vec![Box::new(id), Box::new(login)]),
        UserEvent::UserLocked { .. } => status(id, "locked", at),
        UserEvent::UserUnlocked {} => status(id, "active", at),
        UserEvent::UserDeactivated {} => status(id, "inactive", at),
        UserEvent::RoleBound {
            binding,
            assigned_by,
        } => (
            ROLE_BOUND,
            vec![
                Box::new(binding.binding_id),
                Box::new(id),
                Box::new(binding.role_id),
                Box::new(binding.namespace_id),
                Box::new(at),
                Box::new(assigned_by),
                Box::new(binding.expires_at),
            ],
        ),
        UserEvent::RoleUnbound { binding_id } => (ROLE_UNBOUND, vec![Box::new(binding_id)]),
        UserEvent::ApiKeyCreated { api_key } => (
            API_KEY_CREATED,
            vec![
                Box::new(api_key.key_id),
                Box::new(id),
                Box::new(api_key.digest),
                Box::new(api_key.name),
                Box::new(api_key.prefix),
                Box::new(api_key.expires_at),
                Box::new(at),
            ],
        ),
        UserEvent::ApiKeyRevoked { key_id } => (API_KEY_REVOKED, vec![Box::new(key_id)]),
        UserEvent::LoginFailed { .. } => return Ok(None),
    };
    Ok(Some(statement))
}

fn status(id: i64, status: &'static str, at: chrono::DateTime<chrono::Utc>) -> Statement {
    (STATUS, vec![Box::new(id), Box::new(status), Box::new(at)])
}

fn role_statement(id: i64, event: &LogEvent) -> Result<Option<Statement>, ProjectionError> {
    let at = event.recorded_at;
    let permissions = |fields: &domain::role::RoleFields| {
        serde_json::Value::from(
            fields
                .permissions
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect::<Vec<_>>(),
        )
    };
    let statement: Statement = match event.decode::<RoleEvent>()? {
        RoleEvent::RoleCreated { fields, system } => (
            ROLE_CREATED,
            vec![
                Box::new(id),
                Box::new(fields.name.clone()),
                Box::new(fields.display_name.clone()),
                Box::new(fields.description.clone()),
                Box::new(system),
                Box::new(permissions(&fields)),
                Box::new(at),
            ],
        ),
        RoleEvent::RoleUpdated { fields } => (
            ROLE_UPDATED,
            vec![
                Box::new(id),
                Box::new(fields.name.clone()),
                Box::new(fields.display_name.clone()),
                Box::new(fields.description.clone()),
                Box::new(permissions(&fields)),
                Box::new(at),
            ],
        ),
        RoleEvent::RoleDeleted {} => (ROLE_DELETED, vec![Box::new(id)]),
    };
    Ok(Some(statement))
}
