//! Queries of the older model's VM catalogue.

use db::{DbError, Pool};

/// The cloud-init template (as stored, escaped) and its parameters for an operating system.
pub async fn user_data(
    pool: &Pool,
    operate_system: &str,
) -> Result<Option<(String, String)>, DbError> {
    let row = pool
        .query_opt(
            "SELECT coalesce(contents, ''), coalesce(params, '') FROM tbl_vm_user_data \
             WHERE lower(operate_system) = lower($1)",
            &[&operate_system],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}
