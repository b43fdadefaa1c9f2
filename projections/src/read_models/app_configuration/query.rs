//! Queries of an application's MEC rules, read into the caller's type: traffic rules with their
//! filters and interfaces as JSON (`traffic_filter`, `dst_interface`), DNS rules with `ttl` as a
//! number; services required and produced (rule id lists as JSON).

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

/// The application's services required, by `serName`.
pub async fn services_required<T: FromRow>(pool: &Pool, app_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT id, one_level_name, one_level_name_en, two_level_name, two_level_name_en, ser_name, \
         version, requested_permissions, ser_app_id AS app_id, package_id \
         FROM tbl_app_service_required WHERE app_id = $1 ORDER BY ser_name",
        &[&app_id],
    )
    .await
    .and_then(db::rows_as)
}

/// The application's services produced, by `serviceName`.
pub async fn services_produced<T: FromRow>(pool: &Pool, app_id: &str) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT app_service_produced_id, one_level_name, one_level_name_en, two_level_name, \
         description, api_file_id, guide_file_id, icon_file_id, service_name, \
         internal_port::bigint AS internal_port, version, protocol, author, experience_url, \
         dns_rule_id_list::jsonb AS dns_rule_id_list, traffic_rule_id_list::jsonb AS traffic_rule_id_list \
         FROM tbl_app_service_produced WHERE app_id = $1 ORDER BY service_name",
        &[&app_id],
    )
    .await
    .and_then(db::rows_as)
}
