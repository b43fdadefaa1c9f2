//! Queries of `tbl_vm_flavor`, read into the caller's type, its fields named as the columns
//! below (sizes as numbers).

use db::{DbError, FromRow, Pool};

const COLUMNS: &str = "id, name, description, architecture, cpu::bigint AS cpu, memory::bigint AS memory, \
    system_disk_size::bigint AS system_disk_size, data_disk_size::bigint AS data_disk_size, gpu_extra_info, \
    other_extra_info";

/// Every flavor, of one architecture (any case) when given, by architecture then name.
pub async fn list<T: FromRow>(pool: &Pool, architecture: Option<&str>) -> Result<Vec<T>, DbError> {
    pool.query(
        &format!(
            "SELECT {COLUMNS} FROM tbl_vm_flavor WHERE ($1::text IS NULL OR upper(architecture) = upper($1)) \
             ORDER BY architecture, name, id"
        ),
        &[&architecture],
    )
    .await
    .and_then(db::rows_as)
}

/// One flavor.
pub async fn find<T: FromRow>(pool: &Pool, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_vm_flavor WHERE id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// Whether a flavor with this id exists.
pub async fn exists(pool: &Pool, id: &str) -> Result<bool, DbError> {
    pool.query_one(
        "SELECT EXISTS (SELECT 1 FROM tbl_vm_flavor WHERE id = $1)",
        &[&id],
    )
    .await
    .and_then(db::scalar)
}
