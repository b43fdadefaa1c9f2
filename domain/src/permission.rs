//! Permissions of the container platform: `resource:verb` (e.g. `containers:create`,
//! `secrets:reveal`), where `*` stands for any resource or verb and the verb `admin` grants every
//! verb on its resource. Names come from fixed lists, so a typo in a role is refused rather than
//! silently granting nothing.

use serde::{Deserialize, Serialize};

/// The resources permissions name.
pub const RESOURCES: &[&str] = &[
    "users",
    "roles",
    "namespaces",
    "configmaps",
    "secrets",
    "containers",
    "images",
    "volumes",
    "operation-logs",
    "api-keys",
    "metrics",
];

/// The verbs permissions name; `admin` grants all of them on its resource.
pub const VERBS: &[&str] = &[
    "create", "read", "update", "delete", "reveal", "start", "stop", "admin",
];

/// One permission, `resource:verb`, kept in its text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Permission(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a permission: write resource:verb with a resource of {RESOURCES:?} (or *) and a verb of {VERBS:?} (or *)")]
pub struct UnknownPermission(pub String);

impl Permission {
    /// Parses `resource:verb` (any case; surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Self, UnknownPermission> {
        let lower = text.trim().to_ascii_lowercase();
        let known = |name: &str, list: &[&str]| name == "*" || list.contains(&name);
        match lower.split_once(':') {
            Some((resource, verb)) if known(resource, RESOURCES) && known(verb, VERBS) => {
                Ok(Self(lower))
            }
            _ => Err(UnknownPermission(text.to_owned())),
        }
    }

    /// The permission `resource:verb` of two names from the lists (for the code's own checks).
    pub fn of(resource: &str, verb: &str) -> Self {
        Self(format!("{resource}:{verb}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parts(&self) -> (&str, &str) {
        self.0.split_once(':').unwrap_or((self.0.as_str(), ""))
    }

    /// Whether holding `self` grants `wanted`.
    pub fn grants(&self, wanted: &Permission) -> bool {
        let (resource, verb) = self.parts();
        let (wanted_resource, wanted_verb) = wanted.parts();
        (resource == "*" || resource == wanted_resource)
            && (verb == "*" || verb == "admin" || verb == wanted_verb)
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one role binding grants: its role's permissions, platform-wide (`namespace_id` None) or
/// in one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub namespace_id: Option<i64>,
    pub permissions: Vec<Permission>,
}

/// Where a request acts: on the platform (users, roles, the namespace list) or in one namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Platform,
    Namespace(i64),
}

/// Whether `grants` allow `wanted` in `scope`: a platform-wide grant applies everywhere, a
/// namespace grant only in its namespace.
pub fn allows(grants: &[Grant], wanted: &Permission, scope: Scope) -> bool {
    grants.iter().any(|grant| {
        let applies = match (grant.namespace_id, scope) {
            (None, _) => true,
            (Some(granted), Scope::Namespace(target)) => granted == target,
            (Some(_), Scope::Platform) => false,
        };
        applies && grant.permissions.iter().any(|p| p.grants(wanted))
    })
}

/// Where `grants` allow `wanted`: `None` when platform-wide (everywhere), else the namespaces.
pub fn namespaces_allowing(grants: &[Grant], wanted: &Permission) -> Option<Vec<i64>> {
    if allows(grants, wanted, Scope::Platform) {
        return None;
    }
    let mut ids: Vec<i64> = grants
        .iter()
        .filter(|g| g.permissions.iter().any(|p| p.grants(wanted)))
        .filter_map(|g| g.namespace_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Permission {
        Permission::parse(text).expect("a permission")
    }

    #[test]
    fn names_outside_the_lists_are_refused() {
        assert!(Permission::parse("container:create").is_err());
        assert!(Permission::parse("containers:launch").is_err());
        assert!(Permission::parse("containers").is_err());
        assert_eq!(p(" Secrets:REVEAL ").as_str(), "secrets:reveal");
    }

    #[test]
    fn wildcards_and_admin_grant_what_they_cover_only() {
        assert!(p("*:*").grants(&p("secrets:reveal")));
        assert!(p("secrets:*").grants(&p("secrets:reveal")));
        assert!(p("secrets:admin").grants(&p("secrets:reveal")));
        assert!(p("*:read").grants(&p("users:read")));
        assert!(!p("*:read").grants(&p("users:update")));
        assert!(!p("secrets:read").grants(&p("secrets:reveal")));
        assert!(!p("configmaps:admin").grants(&p("secrets:read")));
    }

    #[test]
    fn a_namespace_grant_applies_in_its_namespace_only() {
        let grants = vec![Grant {
            namespace_id: Some(7),
            permissions: vec![p("configmaps:create")],
        }];
        let wanted = p("configmaps:create");
        assert!(allows(&grants, &wanted, Scope::Namespace(7)));
        assert!(!allows(&grants, &wanted, Scope::Namespace(8)));
        assert!(!allows(&grants, &wanted, Scope::Platform));
        let everywhere = vec![Grant {
            namespace_id: None,
            permissions: vec![wanted.clone()],
        }];
        assert!(allows(&everywhere, &wanted, Scope::Namespace(8)));
        assert!(allows(&everywhere, &wanted, Scope::Platform));
        assert_eq!(namespaces_allowing(&grants, &wanted), Some(vec![7]));
        assert_eq!(
            namespaces_allowing(&grants, &p("secrets:read")),
            Some(vec![])
        );
        assert_eq!(namespaces_allowing(&everywhere, &wanted), None);
    }
}
