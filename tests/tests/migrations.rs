//! The schema: every seed table exists with its columns, and `down` then `up` restores exactly
//! the same schema.

use sqlx::PgPool;

use crate::helpers::fresh_database;

/// Every table of both seed documents.
const SEED_TABLES: &[&str] = &[
    "tbl_plugin",
    "tbl_downloadrecord",
    "tbl_app_project",
    "tbl_project_image",
    "tbl_container_image",
    "tbl_app_project_capability",
    "tbl_capability_group",
    "tbl_capability",
    "tbl_project_test_config",
    "tbl_service_host",
    "tbl_uploaded_file",
    "tbl_helm_template_yaml",
    "tbl_host_log",
    "tbl_release_config",
    "tbl_vm_regulation",
    "tbl_vm_network",
    "tbl_vm_system",
    "tbl_project_vm_create_config",
    "tbl_project_vm_image_config",
    "tbl_vm_user_data",
    "tbl_project_vm_package_config",
    "tbl_app_traffic_rule",
    "tbl_app_dns_rule",
    "tbl_app_service_produced",
    "tbl_app_service_required",
    "tbl_app_certificate",
    "tbl_application",
    "tbl_container_helm_chart",
    "tbl_vm",
    "tbl_network",
    "tbl_vm_port",
    "tbl_vm_certificate",
    "tbl_vm_flavor",
    "tbl_vm_image",
    "tbl_vm_instantiate_info",
    "tbl_vm_port_instantiate_info",
    "tbl_vm_image_export_info",
    "tbl_container_app_instantiate_info",
    "tbl_k8s_pod_instantiate_info",
    "tbl_container_instantiate_info",
    "tbl_k8s_service_instantiate_info",
    "tbl_k8s_service_port_instantiate_info",
    "tbl_operation_status",
    "tbl_action_status",
    "tbl_app_package",
    "tbl_atp_test_task",
    "tbl_reverse_proxy",
    "tbl_profile",
    "tbl_app_script",
    "users",
    "roles",
    "user_roles",
    "namespaces",
    "container_images",
    "containers",
    "volumes",
    "container_volumes",
    "port_mappings",
    "environment_variables",
    "config_maps",
    "secrets",
    "operation_logs",
    "container_status_history",
    "container_resource_usage",
    "user_secrets",
];

/// A description of the whole public schema, comparable across migrations.
async fn schema(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '')) \
           FROM information_schema.columns WHERE table_schema = 'public' \
         UNION ALL SELECT format('index %s %s', tablename, regexp_replace(indexdef, '_seq\\d*', '')) FROM pg_indexes WHERE schemaname = 'public' \
         UNION ALL SELECT format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid)) FROM pg_constraint \
           WHERE connamespace = 'public'::regnamespace \
         UNION ALL SELECT format('view %s %s', viewname, definition) FROM pg_views WHERE schemaname = 'public' \
         UNION ALL SELECT format('matview %s %s', matviewname, definition) FROM pg_matviews WHERE schemaname = 'public' \
         UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p WHERE pronamespace = 'public'::regnamespace \
         UNION ALL SELECT format('partitioned %s', c.relname) FROM pg_class c WHERE c.relkind = 'p' AND relnamespace = 'public'::regnamespace \
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("schema")
}

#[actix_web::test]
async fn every_seed_table_exists_as_documented() {
    let pool = api::db::connect(&fresh_database().await, 2)
        .await
        .expect("connect");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    for table in SEED_TABLES {
        assert!(tables.iter().any(|t| t == table), "missing table {table}");
    }
    for view in [
        "container_details",
        "user_operation_stats",
        "schema_migrations",
        "database_stats",
        "table_sizes",
    ] {
        assert!(tables.iter().any(|t| t == view), "missing view {view}");
    }
    let matview: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_matviews WHERE matviewname = 'container_summary')",
    )
    .fetch_one(&pool)
    .await
    .expect("matview");
    assert!(matview);
    sqlx::query("SELECT refresh_container_summary()")
        .execute(&pool)
        .await
        .expect("refresh concurrently works");
    let partitioned: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c WHERE c.relkind = 'p' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("partitioned");
    assert_eq!(
        partitioned,
        vec!["container_resource_usage", "operation_logs"]
    );
    let partitions: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'operation_logs'",
    )
    .fetch_all(&pool)
    .await
    .expect("partitions");
    assert!(partitions.contains(&"operation_logs_default".to_owned()));
    assert!(partitions.contains(&"operation_logs_y2025m10".to_owned()));
    assert!(
        partitions.len() >= 13,
        "a default, the seed's month and twelve months ahead: {partitions:?}"
    );
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'tbl_application' ORDER BY ordinal_position",
    )
    .fetch_all(&pool)
    .await
    .expect("columns");
    assert_eq!(
        columns,
        [
            "id",
            "name",
            "description",
            "version",
            "provider",
            "architecture",
            "app_class",
            "type",
            "industry",
            "icon_file_id",
            "guide_file_id",
            "app_create_type",
            "create_time",
            "status",
            "user_id",
            "user_name",
            "mep_host_id"
        ]
    );
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM schema_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .expect("view");
    assert_eq!(applied, 7);
}

#[actix_web::test]
async fn down_then_up_restores_the_same_schema() {
    let pool = api::db::connect(&fresh_database().await, 2)
        .await
        .expect("connect");
    let before = schema(&pool).await;
    api::db::migrate_down(&pool, 0).await.expect("down");
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    assert!(left.is_empty(), "down left {left:?}");
    api::db::migrate_up(&pool).await.expect("up");
    assert_eq!(schema(&pool).await, before);
}
