//! What a container-platform request acts on, read from its method and path alone (so refused
//! requests are described as well as accepted ones): the action, the resource type, its id and
//! the namespace. `/api/v1` paths alternate a collection and an id, and end in an action verb
//! (`/actions/{verb}`), `password`, or `operation-stats`.

/// The collections of `/api/v1` and the resource type each holds; `roles` under a user are
/// that user's role bindings.
const COLLECTIONS: &[(&str, &str)] = &[
    ("users", "user"),
    ("roles", "role"),
    ("namespaces", "namespace"),
    ("configmaps", "config_map"),
    ("secrets", "secret"),
    ("api-keys", "api_key"),
    ("operation-logs", "operation_log"),
    ("containers", "container"),
    ("volumes", "volume"),
    ("images", "container_image"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    pub action: String,
    pub resource_type: String,
    /// The id in the path of the resource acted on (`None` for a collection, or an id that is
    /// not an integer).
    pub resource_id: Option<i64>,
    pub namespace_id: Option<i64>,
}

/// Describes `method path` (a path under `/api/v1`).
pub fn describe(method: &str, path: &str) -> Description {
    let rest = path.trim_start_matches("/api/v1").trim_matches('/');
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    if segments.first() == Some(&"auth") {
        return Description {
            action: segments.get(1).unwrap_or(&"auth").to_string(),
            resource_type: "user".into(),
            resource_id: None,
            namespace_id: None,
        };
    }
    let mut resource_type = "unknown".to_owned();
    let mut resource_id = None;
    let mut has_id = false;
    let mut namespace_id = None;
    let mut verb = None;
    let mut i = 0;
    while i < segments.len() {
        let segment = segments[i];
        if segment == "actions" {
            verb = segments.get(i + 1).map(|v| v.to_string());
            break;
        }
        if segment == "password" {
            verb = Some("change_password".to_owned());
            break;
        }
        if segment == "operation-stats" {
            resource_type = "operation_stats".to_owned();
            verb = Some("get".to_owned());
            break;
        }
        let nested_binding = segment == "roles" && resource_type == "user";
        resource_type = match COLLECTIONS.iter().find(|(name, _)| *name == segment) {
            Some(_) if nested_binding => "role_binding".to_owned(),
            Some((_, kind)) => (*kind).to_owned(),
            None => segment.replace('-', "_"),
        };
        let id = segments.get(i + 1).copied();
        has_id = id.is_some();
        resource_id = id.and_then(|id| id.parse::<i64>().ok());
        if resource_type == "namespace" {
            namespace_id = resource_id;
        }
        i += 2;
    }
    let action = verb.unwrap_or_else(|| {
        match (method, has_id) {
            ("GET", false) => "list",
            ("GET", true) => "get",
            ("POST", _) => "create",
            ("PUT", _) | ("PATCH", _) => "update",
            ("DELETE", _) => "delete",
            _ => "other",
        }
        .to_owned()
    });
    Description {
        action,
        resource_type,
        resource_id,
        namespace_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(method: &str, path: &str) -> (String, String, Option<i64>, Option<i64>) {
        let d = describe(method, path);
        (d.action, d.resource_type, d.resource_id, d.namespace_id)
    }

    #[test]
    fn collections_items_and_actions_are_told_apart() {
        let owned = |a: &str, t: &str, id, ns| (a.to_owned(), t.to_owned(), id, ns);
        assert_eq!(
            of("POST", "/api/v1/users"),
            owned("create", "user", None, None)
        );
        assert_eq!(
            of("GET", "/api/v1/users"),
            owned("list", "user", None, None)
        );
        assert_eq!(
            of("GET", "/api/v1/users/7"),
            owned("get", "user", Some(7), None)
        );
        assert_eq!(
            of("POST", "/api/v1/users/7/actions/lock"),
            owned("lock", "user", Some(7), None)
        );
        assert_eq!(
            of("PUT", "/api/v1/users/7/password"),
            owned("change_password", "user", Some(7), None)
        );
        assert_eq!(
            of("DELETE", "/api/v1/users/7/roles/12"),
            owned("delete", "role_binding", Some(12), None)
        );
        assert_eq!(
            of("POST", "/api/v1/namespaces/3/secrets/9/actions/reveal"),
            owned("reveal", "secret", Some(9), Some(3))
        );
        assert_eq!(
            of("POST", "/api/v1/namespaces/3/configmaps"),
            owned("create", "config_map", None, Some(3))
        );
        assert_eq!(
            of("POST", "/api/v1/auth/login"),
            owned("login", "user", None, None)
        );
        assert_eq!(
            of("GET", "/api/v1/users/7/operation-stats"),
            owned("get", "operation_stats", Some(7), None)
        );
        assert_eq!(
            of("DELETE", "/api/v1/users/not-a-number"),
            owned("delete", "user", None, None)
        );
    }
}
