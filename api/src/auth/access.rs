//! Permission checks of the container platform (`/api/v1`): who the caller is and what their
//! role bindings grant. A token whose `userId` is a platform user's id (and whose `userName` is
//! that user's) is that user: their status is checked (a locked or deleted user's tokens stop
//! working at once) and their live bindings are read at the moment of the request, so a binding
//! past its `expiresAt` grants nothing without any job having to run. Any other token (minted by
//! the CLI, or issued by an outside user-management service) gets the permissions of the system
//! roles its authorities name.

use commands::system_roles::permissions_of;
use domain::permission::{allows, namespaces_allowing, Grant, Permission, Scope};
use domain::Actor;
use projections::read_models::access::query;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The caller of an `/api/v1` request and what they may do.
#[derive(Debug, Clone)]
pub struct Access {
    pub actor: Actor,
    /// The platform user the token names, if it names one.
    pub user_id: Option<i64>,
    grants: Vec<Grant>,
}

impl Access {
    /// Resolves the caller's grants (one query for a platform user).
    pub async fn resolve(state: &AppState, actor: Actor) -> Result<Access, ApiError> {
        crate::audit::note_caller(crate::audit::CallerNote {
            user_id: actor.user_id.parse().ok(),
            username: Some(actor.user_name.clone()),
            system_roles: actor
                .roles
                .iter()
                .map(|role| system_role_name(*role).to_owned())
                .collect(),
        });
        if let Ok(id) = actor.user_id.parse::<i64>() {
            if let Some(principal) = query::principal(&state.pool, id).await? {
                if principal.username == actor.user_name {
                    match principal.status.as_str() {
                        "locked" => {
                            return Err(ApiError::unauthorized(
                                "the user is locked; an administrator can unlock it",
                            ))
                        }
                        "inactive" => return Err(ApiError::unauthorized("the user is deleted")),
                        _ => {}
                    }
                    return Ok(Access {
                        actor,
                        user_id: Some(id),
                        grants: principal.grants,
                    });
                }
            }
        }
        let grants = actor
            .roles
            .iter()
            .map(|role| Grant {
                namespace_id: None,
                permissions: permissions_of(system_role_name(*role)),
            })
            .collect();
        Ok(Access {
            actor,
            user_id: None,
            grants,
        })
    }

    /// Whether the caller holds `resource:verb` in `scope`.
    pub fn may(&self, resource: &str, verb: &str, scope: Scope) -> bool {
        allows(&self.grants, &Permission::of(resource, verb), scope)
    }

    /// 403 `PERMISSION_DENIED`, naming the permission, unless the caller holds it in `scope`.
    pub fn require(&self, resource: &str, verb: &str, scope: Scope) -> Result<(), ApiError> {
        if self.may(resource, verb, scope) {
            return Ok(());
        }
        let permission = format!("{resource}:{verb}");
        let place = match scope {
            Scope::Platform => "platform-wide".to_owned(),
            Scope::Namespace(id) => format!("in namespace {id}"),
        };
        Err(ApiError::new(
            ErrorCode::PermissionDenied,
            format!("this needs the permission {permission} {place}"),
        )
        .with_params(vec![permission]))
    }

    /// Where the caller holds `resource:verb`: `None` platform-wide (everywhere), else the
    /// namespaces their namespace bindings grant it in (maybe none).
    pub fn namespaces_with(&self, resource: &str, verb: &str) -> Option<Vec<i64>> {
        namespaces_allowing(&self.grants, &Permission::of(resource, verb))
    }

    /// Whether the caller is the platform user `id`.
    pub fn is_user(&self, id: i64) -> bool {
        self.user_id == Some(id)
    }

    /// The caller's platform user id, for the `created_by`/`updated_by` columns.
    pub fn by(&self) -> Option<i64> {
        self.user_id
    }

    /// The caller as the row-level security policies know it.
    pub fn viewer(&self) -> projections::read_models::operation_logs::query::Viewer {
        projections::read_models::operation_logs::query::Viewer {
            user_id: self.user_id,
            system_roles: match self.user_id {
                Some(_) => Vec::new(),
                None => self
                    .actor
                    .roles
                    .iter()
                    .map(|role| system_role_name(*role).to_owned())
                    .collect(),
            },
        }
    }
}

/// The name of the system role a developer-platform role is.
pub fn system_role_name(role: domain::Role) -> &'static str {
    match role {
        domain::Role::Admin => "ADMIN",
        domain::Role::Tenant => "TENANT",
        domain::Role::Guest => "GUEST",
    }
}

/// The token authority of a role name: the system roles as the developer platform names them
/// (`ROLE_DEVELOPER_ADMIN`), other roles as `ROLE_<NAME>`.
pub fn authority_of(role_name: &str) -> String {
    match domain::Role::parse(role_name) {
        Some(role) => role.authority().to_owned(),
        None => format!("ROLE_{role_name}"),
    }
}
