//! Queries of an application's MEC rules, read into the caller's type: traffic rules with their
//! filters and interfaces as JSON (`traffic_filter`, `dst_interface`), DNS rules with `ttl` as a
//! number.

use db::{DbError, FromRow, Pool};

/// The application's traffic rules, by id.
pub async fn traffic_rules<T: FromRow>(pool: &Pool, app_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT traffic_rule_id, action, priority::bigint AS priority, filter_type, \
         traffic_filter::jsonb AS traffic_filter, dst_interface::jsonb AS dst_interface \
         FROM tbl_app_traffic_rule WHERE app_id = $1 ORDER BY traffic_rule_id",
        &[&app_id],
    )
    .await
    .and_then(db::rows_as)
}

/// The application's DNS rules, by id.
pub async fn dns_rules<T: FromRow>(pool: &Pool, app_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT dns_rule_id, domain_name, ip_address_type, ip_address, ttl::bigint AS ttl \
         FROM tbl_app_dns_rule WHERE app_id = $1 ORDER BY dns_rule_id",
        &[&app_id],
    )
    .await
    .and_then(db::rows_as)
}
