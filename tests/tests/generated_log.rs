//! The benchmark's generated log (`edgedev_bench::generator`) as the projections see it: every
//! event decodes and lands in its read model, and a projection step reads rows in proportion to
//! its batch, never to the size of its tables.

use std::collections::HashMap;
use std::sync::Arc;

use db::Pool;
use edgedev_bench::generator::{
    generate_applications, DOWNLOADS_PER_PLUGIN, EVENTS_PER_TWENTY_APPLICATIONS, RATINGS_PER_PLUGIN,
};
use projections::{all_projections, FailPoint, Projection, ProjectionRuntime, RuntimeConfig};

use crate::helpers::{fresh_database, rows, TestDatabase};
use crate::projector::group_step;

async fn runtime_on_fresh_db() -> (ProjectionRuntime, Pool, TestDatabase) {
    let url = fresh_database().await;
    let pool = db::Pool::connect(&url, 4).await.expect("connect");
    let runtime = ProjectionRuntime::new(pool.clone(), all_projections(), RuntimeConfig::default());
    runtime.register_all().await.expect("register");
    (runtime, pool, url)
}

/// A pool of exactly one connection: every statement runs on the same backend.
async fn one_connection(url: &str) -> Pool {
    Pool::connect(url, 1).await.expect("connect")
}

/// The tables of all `projections`.
fn read_model_tables(projections: &[Arc<dyn Projection>]) -> Vec<&'static str> {
    projections
        .iter()
        .flat_map(|p| p.tables().iter().copied())
        .collect()
}

/// Group steps of every projection on `one`, at most `limit` events each, until nothing is left
/// to read; returns the events read.
async fn step_all(one: &Pool, projections: &[Arc<dyn Projection>], limit: i64) -> i64 {
    let members: Vec<&dyn Projection> = projections.iter().map(|p| p.as_ref()).collect();
    let fail_point = FailPoint::default();
    let mut events = 0;
    loop {
        let step = group_step(one, &members, limit, &fail_point)
            .await
            .expect("step");
        if step.events == 0 {
            return events;
        }
        events += step.events as i64;
    }
}

async fn scalar(pool: &Pool, sql: &str) -> i64 {
    pool.query_one(sql, &[])
        .await
        .and_then(db::scalar)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[actix_web::test]
async fn a_generated_log_lands_in_every_read_model() {
    let (runtime, pool, _database) = runtime_on_fresh_db().await;
    generate_applications(&pool, 1, 200)
        .await
        .expect("generate");
    assert_eq!(
        scalar(&pool, "SELECT count(*) FROM events").await,
        EVENTS_PER_TWENTY_APPLICATIONS * 10
    );
    let names = runtime.names();
    let applied = runtime
        .catch_up_group(&names)
        .await
        .expect("no poison event");
    assert!(applied.iter().all(|(_, n)| *n > 0), "{applied:?}");

    // Applications 1..=200: every tenth deleted, the odd ones VM applications with a launched VM,
    // every twentieth with a plugin.
    let expected = [
        ("SELECT count(*) FROM tbl_application", 180),
        ("SELECT count(*) FROM tbl_app_project", 180),
        (
            "SELECT count(*) FROM tbl_application WHERE status = 'CONFIGURED'",
            180,
        ),
        ("SELECT count(*) FROM tbl_network", 100),
        ("SELECT count(*) FROM tbl_vm WHERE status = 'DEPLOYED'", 100),
        ("SELECT count(*) FROM tbl_vm_port", 100),
        (
            "SELECT count(*) FROM tbl_vm_instantiate_info WHERE status = 'SUCCESS'",
            100,
        ),
        ("SELECT count(*) FROM tbl_vm_port_instantiate_info", 100),
        (
            "SELECT count(*) FROM tbl_operation_status WHERE status = 'SUCCESS' AND progress = 100",
            100,
        ),
        ("SELECT count(*) FROM tbl_action_status", 300),
        ("SELECT count(*) FROM tbl_plugin", 10),
        (
            "SELECT count(*) FROM tbl_downloadrecord",
            10 * (DOWNLOADS_PER_PLUGIN + RATINGS_PER_PLUGIN),
        ),
        (
            "SELECT sum(downloadcount)::bigint FROM tbl_plugin",
            10 * DOWNLOADS_PER_PLUGIN,
        ),
        (
            "SELECT sum(scorecount)::bigint FROM tbl_plugin",
            10 * RATINGS_PER_PLUGIN,
        ),
    ];
    for (sql, count) in expected {
        assert_eq!(scalar(&pool, sql).await, count, "{sql}");
    }
    let statuses: Vec<(String, String)> = pool
        .query(
            "SELECT name, status FROM projection_checkpoints ORDER BY name",
            &[],
        )
        .await
        .and_then(db::rows_as)
        .expect("statuses");
    for (name, status) in statuses.iter().filter(|(n, _)| names.contains(&n.as_str())) {
        assert_eq!(status, "running", "{name}");
    }
}

/// Rows each table has handed out so far (sequential scans plus index entries read), after this
/// connection's own statistics were flushed.
async fn rows_read(one: &Pool, tables: &[&str]) -> HashMap<String, i64> {
    // The flush happens when the backend next goes idle, i.e. after this statement.
    one.execute("SELECT pg_stat_force_next_flush()", &[])
        .await
        .expect("flush");
    let rows: Vec<(String, i64)> = one.query("SELECT t.relname::text, (coalesce(t.seq_tup_read, 0) + coalesce(sum(i.idx_tup_read), 0))::bigint \
           FROM pg_stat_user_tables t LEFT JOIN pg_stat_user_indexes i ON i.relid = t.relid \
          WHERE t.relname = ANY($1) GROUP BY t.relname, t.seq_tup_read", &[&tables]).await.and_then(db::rows_as)
    .expect("statistics");
    rows.into_iter().collect()
}

/// Projections write set-based (`UPDATE ... FROM unnest(...)`) through prepared statements. A
/// connection caches a statement's generic plan after five runs; planned while the tables were
/// young (statistics of one row, sequential scans off), such a join walked the whole primary-key
/// index in every step, so each step cost more as the table grew (commit "Projection updates join
/// through the primary key"; undone, this test reads 119,446 rows for 120 events). Lookups by a
/// column without an index (ratings by plugin) do the same. Every step's reads must stay in
/// proportion to its batch.
#[actix_web::test]
async fn a_projection_step_reads_rows_for_its_batch_not_for_its_whole_tables() {
    let (_, pool, url) = runtime_on_fresh_db().await;
    let projections = all_projections();
    let tables = read_model_tables(&projections);
    for table in &tables {
        // Statistics stay as the ANALYZE below leaves them, as between two autovacuum passes.
        // (A partitioned table is never vacuumed itself; its partitions are.)
        pool.batch(&format!(
            "DO $$ BEGIN IF (SELECT relkind FROM pg_class WHERE oid = '{table}'::regclass) <> 'p' \
             THEN ALTER TABLE {table} SET (autovacuum_enabled = false); END IF; END $$"
        ))
        .await
        .expect("autovacuum off");
    }
    // One connection runs every step, so its prepared statements (and the generic plans it caches
    // after five runs of each) were planned while the tables were young, as in a new deployment.
    let one = one_connection(&url).await;
    generate_applications(&pool, 1, 1).await.expect("generate");
    step_all(&one, &projections, 1).await;
    pool.batch(&format!("ANALYZE {}", tables.join(", ")))
        .await
        .expect("analyze while young");
    generate_applications(&pool, 2, 60).await.expect("generate");
    step_all(&one, &projections, 1).await;
    // The tables grow; statistics and the cached plans stay as they were.
    generate_applications(&pool, 61, 1000)
        .await
        .expect("generate");
    // Every read of the read models goes through `one`, whose statistics are flushed on demand;
    // another backend's would arrive late and be counted in the measured steps.
    step_all(&one, &projections, 1000).await;
    assert_eq!(
        scalar(&one, "SELECT count(*) FROM tbl_application").await,
        900
    );

    // Twenty more applications, one event per step, on the connection with the young plans.
    let before = rows_read(&one, &tables).await;
    let from = scalar(&pool, "SELECT max(global_position) FROM events").await;
    generate_applications(&pool, 1001, 1020)
        .await
        .expect("generate");
    let steps = step_all(&one, &projections, 1).await;
    assert_eq!(steps, EVENTS_PER_TWENTY_APPLICATIONS);
    let after = rows_read(&one, &tables).await;
    let per_type: Vec<(String, i64)> = pool
        .query(
            "SELECT aggregate_type, count(*) FROM events WHERE global_position > $1 GROUP BY 1",
            &[&from],
        )
        .await
        .and_then(db::rows_as)
        .expect("events per type");
    // A step reads the rows of the ids its events name: a few per event its projection reads.
    // Walking a table in a step reads all of it (here 50 to 1,500 rows) every time.
    for projection in &projections {
        let types = projection.aggregate_types();
        let events: i64 = per_type
            .iter()
            .filter(|(t, _)| types.is_empty() || types.contains(&t.as_str()))
            .map(|(_, n)| n)
            .sum();
        for table in projection.tables() {
            let rows = after[*table] - before[*table];
            assert!(
                rows <= 4 * events,
                "{table} read {rows} rows for the {events} events of {} (one event per step)",
                projection.name()
            );
        }
    }
}

/// Projections fold each batch in memory before writing it. Whatever the batch size, the rows must
/// be those of one event at a time: here over the generated log plus a re-rating, a download, a
/// deletion of a plugin with downloads and ratings, and a new rating, after it.
#[actix_web::test]
async fn one_event_per_step_and_one_big_batch_leave_the_same_rows() {
    let (runtime, pool, url) = runtime_on_fresh_db().await;
    generate_applications(&pool, 1, 100)
        .await
        .expect("generate");
    pool.execute("INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
         SELECT 'plugin', md5('gen-plugin-' || n), 13, t, '1', p::jsonb, '{}' FROM (VALUES \
           (20, 'PluginRated', '{\"userId\": \"tenant-21\", \"userName\": \"tenant-21\", \"score\": 1, \"at\": \"2026-11-23T10:00:00Z\"}'), \
           (40, 'PluginDeleted', '{}'), \
           (60, 'PluginRated', '{\"userId\": \"tenant-9\", \"userName\": \"tenant-9\", \"score\": 5, \"at\": \"2026-11-23T10:00:00Z\"}'), \
           (80, 'PluginDownloaded', '{\"recordId\": \"extra-download\", \"userId\": \"tenant-5\", \"userName\": \"tenant-5\", \"at\": \"2026-11-23T10:00:00Z\"}') \
         ) AS e(n, t, p)", &[])
    .await
    .expect("extra events");

    let one = one_connection(&url).await;
    let projections = all_projections();
    step_all(&one, &projections, 1).await;
    let tables = read_model_tables(&projections);
    let mut one_by_one = Vec::new();
    for table in &tables {
        one_by_one.push(rows(&pool, table, "row_to_json(t)::text").await);
    }
    assert_eq!(
        scalar(&pool, "SELECT count(*) FROM tbl_plugin").await,
        4,
        "plugin 40 deleted"
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT scorecount::bigint FROM tbl_plugin WHERE pluginname = 'gen-plugin-60'"
        )
        .await,
        3
    );

    runtime.rebuild_all(1).await.expect("rebuild in one batch");
    for (table, expected) in tables.iter().zip(one_by_one) {
        let rebuilt = rows(&pool, table, "row_to_json(t)::text").await;
        let first_difference = rebuilt.iter().zip(&expected).position(|(a, b)| a != b);
        assert!(
            rebuilt.len() == expected.len() && first_difference.is_none(),
            "{table}: {} rows rebuilt, {} one by one; first difference: {:?}",
            rebuilt.len(),
            expected.len(),
            first_difference.map(|i| (&rebuilt[i], &expected[i]))
        );
    }
}
