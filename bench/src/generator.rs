//! Fills a database with a realistic event log of a chosen size, written straight into `events`
//! with set-based SQL (generating through the API would take longer than the benchmark itself).
//! The rebuild and relay benchmarks read it, and the black-box tests project it.
//!
//! Applications are numbered from 1; application `n` brings:
//!
//! - five events: created, updated, sandbox host selected, status moved to CONFIGURED, and then
//!   either updated again or (when `n % 10 == 0`) deleted;
//! - when `n` is odd (a VM application): a network and a VM with a port, and on the VM a whole
//!   successful launch: the operation with its three actions, the instantiate info at each stage
//!   and DEPLOYED (15 events on the `vm` aggregate);
//! - when `n % 20 == 0`: a plugin, shared by the application's owner, updated once, downloaded
//!   eight times and rated twice (12 events on the `plugin` aggregate).
//!
//! So twenty applications bring 282 events.

use std::time::Instant;

use db::Pool;

/// The catalogue flavor ("General Computing-1", seeded at every first start) the generated VMs
/// and the bench's load name (`GENERATE_VMS` writes it as a literal).
pub const SEEDED_FLAVOR: &str = "3ef2bea0-5e23-4fab-952d-cc9e6741dbe7";
/// Events per twenty applications (ten container and ten VM applications, one plugin).
pub const EVENTS_PER_TWENTY_APPLICATIONS: i64 = 282;
/// Downloads and ratings of each generated plugin.
pub const DOWNLOADS_PER_PLUGIN: i64 = 8;
pub const RATINGS_PER_PLUGIN: i64 = 2;
const CHUNK_APPLICATIONS: i64 = 20_000;

const GENERATE: &str = r#"
WITH apps AS (
    SELECT n, md5('gen-app-' || n)::uuid::text AS id, 'tenant-' || (n % 50) AS owner
    FROM generate_series($1::bigint, $2::bigint) AS n
), fields AS (
    SELECT n, id, owner, jsonb_build_object(
        'name', 'gen-app-' || n, 'description', 'generated application ' || n, 'version', 'v1.0',
        'provider', 'generator', 'architecture', CASE WHEN n % 3 = 0 THEN 'ARM' ELSE 'X86' END,
        'appClass', CASE WHEN n % 2 = 0 THEN 'CONTAINER' ELSE 'VM' END, 'type', 'Video',
        'industry', 'Smart Park', 'iconFileId', '20aeed6a-f05f-4789-94b5-8a50db67d096',
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

/// The network, VM and launch of every VM application in `$1..=$2`.
const GENERATE_VMS: &str = r#"
WITH vms AS (
    SELECT n, md5('gen-app-' || n)::uuid::text AS app_id, md5('gen-vm-' || n)::uuid::text AS vm_id,
           md5('gen-op-' || n)::uuid::text AS op, 'tenant-' || (n % 50) AS owner,
           to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
    FROM generate_series($1::bigint, $2::bigint) AS n WHERE n % 2 = 1
), specs AS (
    SELECT *, jsonb_build_object('id', vm_id, 'name', 'vm-' || n, 'flavorId', '3ef2bea0-5e23-4fab-952d-cc9e6741dbe7', 'imageId', 1,
        'ports', jsonb_build_array(jsonb_build_object('id', md5('gen-port-' || n)::uuid::text, 'name', 'eth0',
            'description', '', 'networkName', 'MEC_APP_N6')), 'certificate', NULL) AS vm,
        jsonb_build_object('operationId', op) AS info
    FROM vms
), rows AS (
    SELECT n, 'application' AS t, app_id AS id, owner, op, e.* FROM specs, LATERAL (VALUES
        (6, 'NetworkCreated', jsonb_build_object('network', jsonb_build_object('id', md5('gen-net-' || n)::uuid::text,
            'name', 'MEC_APP_N6', 'description', ''))),
        (7, 'VmCreated', jsonb_build_object('vm', vm))
    ) AS e(sequence, event_type, payload)
    UNION ALL
    SELECT n, 'vm', vm_id, owner, op, e.* FROM specs, LATERAL (VALUES
        (1, 'OperationRequested', jsonb_build_object('operationId', op, 'kind', 'VmLaunch', 'objectId', vm_id,
            'objectName', 'vm-' || n, 'userId', owner, 'userName', owner, 'at', at)),
        (2, 'LaunchRequested', jsonb_build_object('plan', jsonb_build_object('appId', app_id, 'appName', 'gen-app-' || n,
            'appVersion', 'v1.0', 'appProvider', 'generator', 'tenant', owner, 'vm', vm, 'appInstanceId', md5('gen-inst-' || n)::uuid::text,
            'host', jsonb_build_object('id', '1f0c8a4e-7d7e-4d6b-9a43-0f1c2d3e4f50', 'name', 'generated-host',
                'lcm', jsonb_build_object('protocol', 'http', 'ip', '10.0.0.1', 'port', 30204), 'mecHostIp', '10.0.0.2',
                'vimType', 'OpenStack', 'networkParameter', '')))),
        (3, 'ActionStarted', jsonb_build_object('operationId', op, 'action', 0, 'at', at)),
        (4, 'ActionProgressed', jsonb_build_object('operationId', op, 'action', 0, 'progress', 25, 'log', 'built', 'at', at)),
        (5, 'ActionProgressed', jsonb_build_object('operationId', op, 'action', 0, 'progress', 50, 'log', 'CSAR generated', 'at', at)),
        (6, 'InstantiateInfoRecorded', jsonb_build_object('info', info || jsonb_build_object('appPackageId', op,
            'status', 'PACKAGE_GENERATE_SUCCESS'))),
        (7, 'ActionSucceeded', jsonb_build_object('operationId', op, 'action', 0, 'log', 'info updated', 'at', at)),
        (8, 'ActionStarted', jsonb_build_object('operationId', op, 'action', 1, 'at', at)),
        (9, 'InstantiateInfoRecorded', jsonb_build_object('info', info || jsonb_build_object('appPackageId', op,
            'mepmPackageId', 'pkg-' || n, 'distributedMecHost', '10.0.0.2', 'status', 'PACKAGE_DISTRIBUTE_SUCCESS'))),
        (10, 'ActionSucceeded', jsonb_build_object('operationId', op, 'action', 1, 'log', 'Distributed', 'at', at)),
        (11, 'ActionStarted', jsonb_build_object('operationId', op, 'action', 2, 'at', at)),
        (12, 'InstantiateInfoRecorded', jsonb_build_object('info', info || jsonb_build_object('appPackageId', op,
            'mepmPackageId', 'pkg-' || n, 'distributedMecHost', '10.0.0.2', 'appInstanceId', md5('gen-inst-' || n)::uuid::text,
            'vmInstanceId', 'vm-' || n, 'vncUrl', 'https://10.0.0.2:6080/vnc_auto.html', 'status', 'SUCCESS',
            'instantiateTime', at, 'ports', jsonb_build_array(jsonb_build_object('networkName', 'MEC_APP_N6',
                'ipAddress', '192.168.' || (n / 250 % 250) || '.' || (n % 250 + 2)))))),
        (13, 'VmStatusChanged', jsonb_build_object('status', 'DEPLOYED', 'targetImageId', NULL)),
        (14, 'ActionSucceeded', jsonb_build_object('operationId', op, 'action', 2, 'log', 'Instantiated', 'at', at)),
        (15, 'OperationSucceeded', jsonb_build_object('operationId', op, 'at', at))
    ) AS e(sequence, event_type, payload)
)
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT t, id, sequence, event_type, '1', payload,
       jsonb_build_object('user_id', owner, 'user_name', owner, 'correlation_id', op, 'causation_id', op,
                          'request_id', op, 'operation_id', op)
FROM rows ORDER BY n, t, sequence
"#;

/// The plugin of every twentieth application in `$1..=$2`: shared, updated, downloaded eight
/// times by other tenants and rated by two.
const GENERATE_PLUGINS: &str = r#"
WITH plugins AS (
    SELECT n, md5('gen-plugin-' || n) AS id, 'tenant-' || (n % 50) AS owner,
           to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
           jsonb_build_object('name', 'gen-plugin-' || n,
               'codeLanguage', (ARRAY['JAVA', 'Python', 'Go', '.Net', 'PHP'])[n / 20 % 5 + 1],
               'pluginType', n / 20 % 2 + 1, 'version', 'v1.0', 'introduction', 'generated plugin ' || n,
               'pluginFile', jsonb_build_object('sha256', encode(sha256(('gen-plugin-file-' || n)::bytea), 'hex'),
                   'size', 4096 + n, 'fileName', 'plugin-' || n || '.zip'),
               'logoFile', jsonb_build_object('sha256', encode(sha256(('gen-logo-' || n)::bytea), 'hex'),
                   'size', 512, 'fileName', 'logo.png'),
               'apiFile', jsonb_build_object('sha256', encode(sha256(('gen-api-' || n)::bytea), 'hex'),
                   'size', 1024, 'fileName', 'api.yaml')) AS fields
    FROM generate_series($1::bigint, $2::bigint) AS n WHERE n % 20 = 0
), rows AS (
    SELECT id, owner, 1 AS sequence, 'PluginUploaded' AS event_type,
           fields || jsonb_build_object('ownerId', owner, 'ownerName', owner, 'uploadedAt', at) AS payload
    FROM plugins
    UNION ALL
    SELECT id, owner, 2, 'PluginUpdated', fields || jsonb_build_object('introduction', 'updated plugin ' || n)
    FROM plugins
    UNION ALL
    SELECT id, owner, 2 + d, 'PluginDownloaded', jsonb_build_object(
               'recordId', md5('gen-download-' || n || '-' || d)::uuid::text,
               'userId', 'tenant-' || ((n + d) % 50), 'userName', 'tenant-' || ((n + d) % 50), 'at', at)
    FROM plugins, generate_series(1, 8) AS d
    UNION ALL
    SELECT id, owner, 10 + r, 'PluginRated', jsonb_build_object(
               'userId', 'tenant-' || ((n + r) % 50), 'userName', 'tenant-' || ((n + r) % 50),
               'score', (n / 20 + r) % 5 + 1, 'at', at)
    FROM plugins, generate_series(1, 2) AS r
)
-- Every plugin event at version 1: downloads and ratings in their version-1 form (`at`), which
-- the upcasters read as version 2 (domain::upcast).
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT 'plugin', id, sequence, event_type, '1', payload,
       jsonb_build_object('user_id', owner, 'user_name', owner, 'correlation_id', id, 'causation_id', id,
                          'request_id', id)
FROM rows ORDER BY id, sequence
"#;

/// Appends about `events` events (rounded to whole applications) to a database without generated
/// applications; returns the events now in the log, and seconds.
pub async fn generate(pool: &Pool, events: i64) -> Result<(i64, f64), db::DbError> {
    let started = Instant::now();
    let applications = (events * 20 / EVENTS_PER_TWENTY_APPLICATIONS).max(1);
    generate_applications(pool, 1, applications).await?;
    let total: i64 = pool
        .query_one("SELECT count(*) FROM events", &[])
        .await
        .and_then(db::scalar)?;
    pool.execute("ANALYZE events", &[]).await?;
    Ok((total, started.elapsed().as_secs_f64()))
}

/// Appends the events of applications `first..=last` (see the module comment), in chunks of
/// 20,000 applications, each chunk in one transaction per statement.
pub async fn generate_applications(pool: &Pool, first: i64, last: i64) -> Result<(), db::DbError> {
    let mut from = first;
    while from <= last {
        let to = (from + CHUNK_APPLICATIONS - 1).min(last);
        for statement in [GENERATE, GENERATE_VMS, GENERATE_PLUGINS] {
            pool.execute(statement, &[&from, &to]).await?;
        }
        from = to + 1;
    }
    Ok(())
}
