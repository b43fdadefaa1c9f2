//! Fills a database with a realistic event log of a chosen size, written straight into `events`
//! with set-based SQL (generating through the API would take longer than the benchmark itself).
//!
//! Each application gets five events: created, updated, sandbox host selected, status moved to
//! CONFIGURED, and then either updated again or (one in ten) deleted.

use std::time::Instant;

use sqlx::PgPool;

const EVENTS_PER_APPLICATION: i64 = 5;
const CHUNK_APPLICATIONS: i64 = 20_000;

const GENERATE: &str = r#"
WITH apps AS (
    SELECT n, gen_random_uuid()::text AS id, 'tenant-' || (n % 50) AS owner
    FROM generate_series($1::bigint, $2::bigint) AS n
), fields AS (
    SELECT n, id, owner, jsonb_build_object(
        'name', 'gen-app-' || n, 'description', 'generated application ' || n, 'version', 'v1.0',
        'provider', 'generator', 'architecture', CASE WHEN n % 3 = 0 THEN 'ARM' ELSE 'X86' END,
        'appClass', CASE WHEN n % 2 = 0 THEN 'CONTAINER' ELSE 'VM' END, 'type', 'Video',
        'industry', 'Smart Park', 'iconFileId', '7b5b3d2e-0a5c-4b8e-9d2f-6f1d5c1a2b3c',
        'guideFileId', NULL, 'appCreateType', 'DEVELOP', 'pkgSpecId', NULL) AS body
    FROM apps
)
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT 'application', id, e.sequence, e.event_type, '1', e.payload,
       jsonb_build_object('user_id', owner, 'user_name', owner, 'correlation_id', id, 'causation_id', id,
                          'request_id', id)
FROM fields, LATERAL (VALUES
    (1, 'ApplicationCreated', body || jsonb_build_object('ownerId', owner, 'ownerName', owner,
                                                         'createdAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))),
    (2, 'ApplicationUpdated', body || jsonb_build_object('description', 'updated once')),
    (3, 'SandboxHostSelected', jsonb_build_object('mepHostId', '1f0c8a4e-7d7e-4d6b-9a43-0f1c2d3e4f50')),
    (4, 'ApplicationStatusChanged', jsonb_build_object('from', 'CREATED', 'to', 'CONFIGURED')),
    (5, CASE WHEN n % 10 = 0 THEN 'ApplicationDeleted' ELSE 'ApplicationUpdated' END,
        CASE WHEN n % 10 = 0 THEN '{}'::jsonb ELSE body || jsonb_build_object('description', 'updated twice') END)
) AS e(sequence, event_type, payload)
ORDER BY n, e.sequence
"#;

/// Appends about `events` events (rounded to whole applications); returns the count and seconds.
pub async fn generate(pool: &PgPool, events: i64) -> Result<(i64, f64), sqlx::Error> {
    let started = Instant::now();
    let applications = (events / EVENTS_PER_APPLICATION).max(1);
    let mut first = 1;
    while first <= applications {
        let last = (first + CHUNK_APPLICATIONS - 1).min(applications);
        sqlx::query(GENERATE)
            .bind(first)
            .bind(last)
            .execute(pool)
            .await?;
        first = last + 1;
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await?;
    sqlx::query("ANALYZE events").execute(pool).await?;
    Ok((total, started.elapsed().as_secs_f64()))
}
