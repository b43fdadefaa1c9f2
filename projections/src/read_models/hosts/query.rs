//! Queries of the sandbox hosts read model: `tbl_service_host` (the login password masked) and
//! `tbl_host_log`. Rows are read into the caller's type, its fields named as the columns.

use db::{DbError, FromRow, Pool};

/// A host's columns under the API's field names.
const COLUMNS: &str = "host_id AS id, name, lcm_ip, protocol AS lcm_protocol, port AS lcm_port, architecture, status, \
    mec_host AS mec_host_ip, mec_host_protocol, os AS vim_type, user_name AS mec_host_user_name, \
    CASE WHEN password IS NULL THEN NULL ELSE '******' END AS mec_host_password, vnc_port AS mec_host_port, user_id, \
    config_id, parameter AS network_parameter, resource, address";

const FILTER: &str = "WHERE ($1::text IS NULL OR name ILIKE $1 ESCAPE '\\') \
    AND ($2::bool IS NULL OR (os = 'K8S') = $2) AND ($3::text IS NULL OR upper(architecture) = upper($3))";

/// What a host list is filtered by (each `None` for no filter).
#[derive(Debug, Clone, Copy, Default)]
pub struct HostFilter<'a> {
    /// Part of the name.
    pub name: Option<&'a str>,
    /// Kubernetes hosts only (`Some(true)`) or all others (`Some(false)`).
    pub k8s: Option<bool>,
    /// The architecture, any case.
    pub architecture: Option<&'a str>,
}

/// A page of hosts by name, with the number of all that match.
pub async fn list<T: FromRow>(
    pool: &Pool,
    filter: HostFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let name = db::contains_pattern(filter.name);
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM tbl_service_host {FILTER} ORDER BY name, host_id LIMIT $4 OFFSET $5"
            ),
            &[&name, &filter.k8s, &filter.architecture, &limit, &offset],
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM tbl_service_host {FILTER}"),
            &[&name, &filter.k8s, &filter.architecture],
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}

/// One host.
pub async fn find<T: FromRow>(pool: &Pool, id: &str) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!("SELECT {COLUMNS} FROM tbl_service_host WHERE host_id = $1"),
        &[&id],
    )
    .await
    .and_then(db::opt_as)
}

/// The deploys and clean-ups logged on a host, oldest first.
pub async fn logs<T: FromRow>(pool: &Pool, host_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT log_id, host_ip, user_name, user_id, project_id, project_name, app_instances_id, deploy_time, \
         status, operation, host_id FROM tbl_host_log WHERE host_id = $1 ORDER BY deploy_time, log_id",
        &[&host_id],
    )
    .await
    .and_then(db::rows_as)
}

/// The LCM address of the first Kubernetes host (by name), which API files name as `{HOST}`.
pub async fn first_kubernetes_lcm_ip(pool: &Pool) -> Result<Option<String>, DbError> {
    let row = pool
        .query_opt(
            "SELECT lcm_ip FROM tbl_service_host WHERE os = 'K8S' ORDER BY name, host_id LIMIT 1",
            &[],
        )
        .await?;
    Ok(row.and_then(|r| r.get::<_, Option<String>>(0)))
}
