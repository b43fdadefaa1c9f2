//! Queries of `users`, `roles` and `user_roles`, read into the caller's types (fields named as
//! the columns below), and the grants a user's live bindings give (what permission checks read).

use db::{DbError, FromRow, Pool};
use domain::permission::{Grant, Permission};

const USER_COLUMNS: &str = "id, username, email, full_name, avatar_url, status, last_login_at, \
    created_at, updated_at, created_by, updated_by";
const ROLE_COLUMNS: &str = "id, name, display_name, description, is_system, permissions, \
    created_at, updated_at";
const BINDING_COLUMNS: &str = "ur.id, ur.user_id, ur.role_id, r.name AS role_name, \
    ur.namespace_id, ur.assigned_at, ur.assigned_by, ur.expires_at, \
    (ur.expires_at IS NOT NULL AND ur.expires_at <= now()) AS expired";

/// Filters of the user list; each applies when given.
#[derive(Debug, Default)]
pub struct UserFilter<'a> {
    /// Part of the username or email, any case.
    pub search: Option<&'a str>,
    pub status: Option<&'a str>,
}

/// A page of users, newest first, and how many match in all.
pub async fn users<T: FromRow>(
    pool: &Pool,
    filter: UserFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let pattern = db::contains_pattern(filter.search);
    // Deleted users are listed only when asked for by their status.
    let condition =
        "($1::text IS NULL OR username ILIKE $1 ESCAPE '\\' OR email ILIKE $1 ESCAPE '\\') \
        AND (status = $2 OR ($2::text IS NULL AND status <> 'inactive'))";
    let rows = pool
        .query(
            &format!(
                "SELECT {USER_COLUMNS} FROM users WHERE {condition} \
                 ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
            ),
            &[&pattern, &filter.status, &limit, &offset],
        )
        .await?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM users WHERE {condition}"),
            &[&pattern, &filter.status],
        )
        .await
        .and_then(db::scalar)?;
    Ok((db::rows_as(rows)?, total))
}

/// One user, unless deleted.
pub async fn user<T: FromRow>(pool: &Pool, id: i64) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND status <> 'inactive'"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// Every role, system roles first, then by name.
pub async fn roles<T: FromRow>(pool: &Pool) -> Result<Vec<T>, DbError> {
    pool.query(
        &format!("SELECT {ROLE_COLUMNS} FROM roles ORDER BY is_system DESC, name"),
        &[],
    )
    .await
    .and_then(db::rows_as)
}

/// One role.
pub async fn role<T: FromRow>(pool: &Pool, id: i64) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {ROLE_COLUMNS} FROM roles WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// The role bindings of a user (expired ones too, marked), oldest first.
pub async fn bindings<T: FromRow>(pool: &Pool, user_id: i64) -> Result<Vec<T>, DbError> {
    pool.query(
        &format!(
            "SELECT {BINDING_COLUMNS} FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
             WHERE ur.user_id = $1 ORDER BY ur.assigned_at, ur.id"
        ),
        &[&user_id],
    )
    .await
    .and_then(db::rows_as)
}

/// A user as permission checks see them: status, and the grants of their bindings that have
/// not expired (checked against the database clock at the moment of the query, so an expired
/// binding grants nothing without any job having to run).
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub status: String,
    pub grants: Vec<Grant>,
    /// The names of the roles bound platform-wide (for the token's authorities).
    pub platform_roles: Vec<String>,
}

/// The principal of user `id`, if the user exists.
pub async fn principal(pool: &Pool, id: i64) -> Result<Option<Principal>, DbError> {
    let rows = pool
        .query(
            "SELECT u.username, u.status, ur.namespace_id, r.name, r.permissions \
             FROM users u \
             LEFT JOIN user_roles ur ON ur.user_id = u.id \
                 AND (ur.expires_at IS NULL OR ur.expires_at > now()) \
             LEFT JOIN roles r ON r.id = ur.role_id \
             WHERE u.id = $1 ORDER BY r.name",
            &[&id],
        )
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut principal = Principal {
        user_id: id,
        username: first.try_get(0)?,
        status: first.try_get(1)?,
        grants: Vec::new(),
        platform_roles: Vec::new(),
    };
    for row in &rows {
        let Some(name) = row.try_get::<_, Option<String>>(3)? else {
            continue;
        };
        let namespace_id: Option<i64> = row.try_get(2)?;
        let permissions: serde_json::Value = row.try_get(4)?;
        let permissions = permissions
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Permission::parse(p.as_str()?).ok())
            .collect();
        if namespace_id.is_none() {
            principal.platform_roles.push(name);
        }
        principal.grants.push(Grant {
            namespace_id,
            permissions,
        });
    }
    Ok(Some(principal))
}

/// The id and sealed password hash of the user named `username` (any case), if one is.
pub async fn login_of(pool: &Pool, username: &str) -> Result<Option<(i64, String)>, DbError> {
    let row = pool
        .query_opt(
            "SELECT id, password_hash FROM users WHERE lower(username) = lower($1)",
            &[&username],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Whether namespace `id` exists.
pub async fn namespace_exists(pool: &Pool, id: i64) -> Result<bool, DbError> {
    pool.query_one(
        "SELECT EXISTS (SELECT 1 FROM namespaces WHERE id = $1)",
        &[&id],
    )
    .await
    .and_then(db::scalar)
}

/// The API keys of a user (never the digest), newest first.
pub async fn api_keys<T: FromRow>(pool: &Pool, user_id: i64) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT id, name, prefix, expires_at, created_at, \
         (expires_at IS NOT NULL AND expires_at <= now()) AS expired \
         FROM user_secrets WHERE user_id = $1 AND secret_type = 'api_key' \
         ORDER BY created_at DESC, id DESC",
        &[&user_id],
    )
    .await
    .and_then(db::rows_as)
}

/// The active user whose unexpired API key has the SHA-256 `digest`: id and username.
pub async fn api_key_user(pool: &Pool, digest: &[u8]) -> Result<Option<(i64, String)>, DbError> {
    let row = pool
        .query_opt(
            "SELECT u.id, u.username FROM user_secrets s JOIN users u ON u.id = s.user_id \
             WHERE s.encrypted_value = $1 AND s.secret_type = 'api_key' \
             AND (s.expires_at IS NULL OR s.expires_at > now()) AND u.status = 'active'",
            &[&digest],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}
