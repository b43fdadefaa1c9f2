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
        PlatformTable::ContainerImages => "SELECT nextval('container_images_id_seq')",
        PlatformTable::Volumes => "SELECT nextval('volumes_id_seq')",
        PlatformTable::Containers => "SELECT nextval('containers_id_seq')",
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
    ContainerImages,
    Volumes,
    Containers,
}

/// Each id sequence and the aggregate type whose stream ids it gives.
const SEQUENCES: &[(&str, &str)] = &[
    ("vm_image_ids", "vm_image"),
    ("users_id_seq", "user"),
    ("roles_id_seq", "role"),
    ("namespaces_id_seq", "namespace"),
    ("config_maps_id_seq", "config_map"),
    ("secrets_id_seq", "secret"),
    ("container_images_id_seq", "image"),
    ("volumes_id_seq", "volume"),
    ("containers_id_seq", "platform_container"),
];

/// Moves every id sequence past the largest id its aggregate's streams already use (a log
/// restored or replayed into a database whose sequences started over would otherwise hand out
/// taken ids). Role bindings and API keys are ids inside user streams: their sequences follow
/// the largest id their events name. Run at every start; it never moves a sequence back.
pub async fn advance_past_the_log(pool: &Pool) -> Result<(), DbError> {
    for (sequence, aggregate_type) in SEQUENCES {
        let sql = format!(
            "SELECT setval('{sequence}', GREATEST((SELECT last_value FROM {sequence}), \
             (SELECT max(aggregate_id::int8) FROM events WHERE aggregate_type = $1 \
              AND aggregate_id ~ '^[0-9]{{1,18}}$')), true) \
             WHERE EXISTS (SELECT 1 FROM events WHERE aggregate_type = $1)"
        );
        pool.query(&sql, &[aggregate_type]).await?;
    }
    for (sequence, event_type, pointer) in [
        ("user_roles_id_seq", "RoleBound", ["binding", "bindingId"]),
        ("user_secrets_id_seq", "ApiKeyCreated", ["apiKey", "keyId"]),
    ] {
        let pointer: Vec<&str> = pointer.to_vec();
        let sql = format!(
            "SELECT setval('{sequence}', GREATEST((SELECT last_value FROM {sequence}), \
             (SELECT max((payload #>> $2)::int8) FROM events \
              WHERE aggregate_type = 'user' AND event_type = $1)), true) \
             WHERE EXISTS (SELECT 1 FROM events WHERE aggregate_type = 'user' AND event_type = $1)"
        );
        pool.query(&sql, &[&event_type, &pointer]).await?;
    }
    Ok(())
}
