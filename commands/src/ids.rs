//! Integer ids chosen on the write side: a resource whose seed table keys it by an integer gets
//! its id from a sequence before its first event records it, so a rebuilt table keeps it.

use db::{DbError, Pool};

/// The next VM image id (`vm_image_ids`, from 100000: below are the seed's and the original's).
pub async fn next_vm_image_id(pool: &Pool) -> Result<i32, DbError> {
    let id: i64 = pool
        .query_one("SELECT nextval('vm_image_ids')", &[])
        .await
        .and_then(db::scalar)?;
    i32::try_from(id).map_err(|_| DbError::Decode("vm_image_ids has passed the int4 range".into()))
}

/// The next id of `table` (one of the container platform's tables keyed by a `BIGSERIAL`),
/// drawn from the table's own sequence before the first event records it (ADR 0015).
pub async fn next_platform_id(pool: &Pool, table: PlatformTable) -> Result<i64, DbError> {
    let sql = match table {
        PlatformTable::Users => "SELECT nextval('users_id_seq')",
        PlatformTable::Roles => "SELECT nextval('roles_id_seq')",
        PlatformTable::UserRoles => "SELECT nextval('user_roles_id_seq')",
        PlatformTable::Namespaces => "SELECT nextval('namespaces_id_seq')",
        PlatformTable::ConfigMaps => "SELECT nextval('config_maps_id_seq')",
        PlatformTable::Secrets => "SELECT nextval('secrets_id_seq')",
        PlatformTable::UserSecrets => "SELECT nextval('user_secrets_id_seq')",
    };
    pool.query_one(sql, &[]).await.and_then(db::scalar)
}

/// The container platform's tables whose ids the write side draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformTable {
    Users,
    Roles,
    UserRoles,
    Namespaces,
    ConfigMaps,
    Secrets,
    UserSecrets,
}
