//! The schema: every seed table exists with its columns, and `down` then `up` restores exactly
//! the same schema.

use db::Pool;

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
async fn schema(pool: &Pool) -> Vec<String> {
    pool.query("SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '')) \
           FROM information_schema.columns WHERE table_schema = 'public' \
         UNION ALL SELECT format('index %s %s', tablename, regexp_replace(indexdef, '_seq\\d*', '')) FROM pg_indexes WHERE schemaname = 'public' \
         UNION ALL SELECT format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid)) FROM pg_constraint \
           WHERE connamespace = 'public'::regnamespace \
         UNION ALL SELECT format('view %s %s', viewname, definition) FROM pg_views WHERE schemaname = 'public' \
         UNION ALL SELECT format('matview %s %s', matviewname, definition) FROM pg_matviews WHERE schemaname = 'public' \
         UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p WHERE pronamespace = 'public'::regnamespace \
         UNION ALL SELECT format('partitioned %s', c.relname) FROM pg_class c WHERE c.relkind = 'p' AND relnamespace = 'public'::regnamespace \
         ORDER BY 1", &[]).await.and_then(db::scalars)
    .expect("schema")
}

#[actix_web::test]
async fn every_seed_table_exists_as_documented() {
    let database = fresh_database().await;
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    let tables: Vec<String> = pool
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .await
        .and_then(db::scalars)
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
    let matview: bool = pool
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_matviews WHERE matviewname = 'container_summary')",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("matview");
    assert!(matview);
    pool.execute("SELECT refresh_container_summary()", &[])
        .await
        .expect("refresh concurrently works");
    let partitioned: Vec<String> = pool
        .query(
            "SELECT c.relname::text FROM pg_class c WHERE c.relkind = 'p' ORDER BY 1",
            &[],
        )
        .await
        .and_then(db::scalars)
        .expect("partitioned");
    assert_eq!(
        partitioned,
        vec!["container_resource_usage", "operation_logs"]
    );
    let partitions: Vec<String> = pool
        .query(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'operation_logs'",
            &[],
        )
        .await
        .and_then(db::scalars)
        .expect("partitions");
    assert!(partitions.contains(&"operation_logs_default".to_owned()));
    assert!(partitions.contains(&"operation_logs_y2025m10".to_owned()));
    assert!(
        partitions.len() >= 13,
        "a default, the seed's month and twelve months ahead: {partitions:?}"
    );
    let columns: Vec<String> = pool.query("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'tbl_application' ORDER BY ordinal_position", &[]).await.and_then(db::scalars)
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
    let applied: i64 = pool
        .query_one("SELECT count(*) FROM schema_migrations WHERE success", &[])
        .await
        .and_then(db::scalar)
        .expect("history");
    assert_eq!(applied, db::migrate::migrations().len() as i64);
}

#[actix_web::test]
async fn the_history_is_the_seed_table_with_a_sha256_per_file() {
    let database = fresh_database().await;
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    let kind: String = pool
        .query_one(
            "SELECT c.relkind::text FROM pg_class c WHERE c.relname = 'schema_migrations'",
            &[],
        )
        .await
        .and_then(db::scalar)
        .expect("relation");
    assert_eq!(kind, "r", "a real table, not a view");
    let rows: Vec<(String, String, Option<i32>, Option<bool>)> = pool
        .query(
            "SELECT version::text, checksum::text, execution_time_ms, success FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .and_then(db::rows_as)
        .expect("history");
    let known = db::migrate::migrations();
    assert_eq!(rows.len(), known.len());
    for ((version, checksum, took, success), migration) in rows.iter().zip(&known) {
        assert_eq!(version, &migration.version);
        assert_eq!(checksum, &migration.checksum());
        assert_eq!(checksum.len(), 64);
        assert!(checksum.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(took.is_some_and(|ms| ms >= 0));
        assert_eq!(success, &Some(true));
    }
    let status = db::migrate::status(&pool).await.expect("status");
    assert!(status.iter().all(|m| m.applied && m.applied_at.is_some()));
}

#[actix_web::test]
async fn a_changed_migration_refuses_to_start_naming_its_file() {
    let database = fresh_database().await;
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    // As if 0003's file had been edited after it was applied.
    pool.execute(
        "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = '20260101000003'",
        &[],
    )
    .await
    .expect("tamper");
    let error = db::migrate::up(&pool).await.expect_err("refused");
    assert!(
        matches!(&error, db::migrate::MigrateError::Changed { file, .. } if file == "20260101000003_developer_platform_tables.up.sql"),
        "{error}"
    );
    assert!(error
        .to_string()
        .contains("20260101000003_developer_platform_tables.up.sql"));
    // Reverting is refused the same way: nothing runs on a database that differs from the files.
    assert!(db::migrate::down(&pool, 0).await.is_err());
    let applied: i64 = pool
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .and_then(db::scalar)
        .expect("history");
    assert_eq!(applied, db::migrate::migrations().len() as i64);
}

/// Turns a database migrated by this runner into one the earlier tool (sqlx) left: its history
/// table with SHA-384 checksums, and `schema_migrations` as the view 0004 defined then.
async fn as_left_by_the_earlier_tool(pool: &db::Pool, checksum_of_0004: &str) {
    pool.batch(
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,            installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL,            checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL);          INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)            SELECT version::bigint, 'm', true, '\\x00', 1500000 FROM schema_migrations;          DROP TABLE schema_migrations;          CREATE VIEW schema_migrations AS SELECT version::varchar(255) AS version, installed_on AS applied_at,            encode(checksum, 'hex')::varchar(64) AS checksum, (execution_time / 1000000)::integer AS execution_time_ms,            success FROM _sqlx_migrations",
    )
    .await
    .expect("earlier tool's history");
    for migration in db::migrate::migrations() {
        let checksum = if migration.version == "20260101000004" {
            checksum_of_0004.to_owned()
        } else {
            sha384_of(&migration)
        };
        pool.execute(
            "UPDATE _sqlx_migrations SET checksum = decode($2, 'hex') WHERE version = $1::text::bigint",
            &[&migration.version, &checksum],
        )
        .await
        .expect("checksum");
    }
}

fn sha384_of(migration: &db::migrate::Migration) -> String {
    use sha2::Digest;
    let path = format!(
        "{}/../migrations/{}",
        env!("CARGO_MANIFEST_DIR"),
        migration.file
    );
    let text = std::fs::read(path).expect("migration file");
    sha2::Sha384::digest(text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[actix_web::test]
async fn a_database_of_the_earlier_tool_is_taken_over_once_its_checksums_match() {
    let database = fresh_database().await;
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    // The text of 0004 the earlier tool applied (with the view), by its recorded SHA-384.
    as_left_by_the_earlier_tool(
        &pool,
        "0ba6506793bbfd8b1fdad9526aa5e1f9e5312295b89025a97d9290d1f6ea61b6ca0ffb0f53c045a8f1d136e74228e6ed",
    )
    .await;
    // Before the takeover, status reads the earlier tool's history through its view.
    let before = db::migrate::status(&pool).await.expect("status");
    assert!(before.iter().all(|m| m.applied));

    db::migrate::up(&pool).await.expect("taken over");
    let gone: bool = pool
        .query_one("SELECT to_regclass('_sqlx_migrations') IS NULL", &[])
        .await
        .and_then(db::scalar)
        .expect("earlier table");
    assert!(gone);
    let rows: Vec<(String, String, Option<i32>)> = pool
        .query(
            "SELECT version::text, checksum::text, execution_time_ms FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .and_then(db::rows_as)
        .expect("history");
    let known = db::migrate::migrations();
    assert_eq!(rows.len(), known.len());
    for ((version, checksum, took), migration) in rows.iter().zip(&known) {
        assert_eq!(version, &migration.version);
        assert_eq!(checksum, &migration.checksum());
        assert_eq!(*took, Some(1), "the earlier tool's time, in ms");
    }
    // A second start finds nothing to do.
    db::migrate::up(&pool).await.expect("again");
}

#[actix_web::test]
async fn a_database_of_the_earlier_tool_with_other_files_is_refused() {
    let database = fresh_database().await;
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    as_left_by_the_earlier_tool(&pool, &"ab".repeat(48)).await;
    let error = db::migrate::up(&pool).await.expect_err("refused");
    assert!(
        matches!(&error, db::migrate::MigrateError::TakeoverMismatch { version, .. } if version == "20260101000004"),
        "{error}"
    );
    let kept: bool = pool
        .query_one("SELECT to_regclass('_sqlx_migrations') IS NOT NULL", &[])
        .await
        .and_then(db::scalar)
        .expect("earlier table");
    assert!(kept, "nothing is changed");
}

#[actix_web::test]
async fn down_then_up_restores_the_same_schema() {
    let database = fresh_database().await;
    let pool = db::Pool::connect(&database, 2).await.expect("connect");
    let before = schema(&pool).await;
    db::migrate::down(&pool, 0).await.expect("down");
    let left: Vec<String> = pool.query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'", &[]).await.and_then(db::scalars)
    .expect("tables");
    assert!(left.is_empty(), "down left {left:?}");
    let recorded: i64 = pool
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .and_then(db::scalar)
        .expect("history");
    assert_eq!(recorded, 0, "every reverted migration leaves the history");
    assert!(db::migrate::status(&pool)
        .await
        .expect("status")
        .iter()
        .all(|m| !m.applied));
    db::migrate::up(&pool).await.expect("up");
    assert_eq!(schema(&pool).await, before);
}

#[actix_web::test]
async fn a_test_database_is_dropped_with_its_guard() {
    let database = fresh_database().await;
    let name = database.rsplit('/').next().expect("name").to_owned();
    let admin = db::Pool::connect(&format!("{}/postgres", crate::helpers::server_url()), 1)
        .await
        .expect("admin");
    let count = || async {
        admin
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[&name],
            )
            .await
            .and_then(db::scalar::<i64>)
            .expect("count")
    };
    assert_eq!(count().await, 1);
    drop(database);
    assert_eq!(count().await, 0, "the run leaves no database behind");
}
