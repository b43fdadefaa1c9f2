//! Queries of the container instance tables.

use db::{DbError, Pool};

/// The instance of an application as the original's `containerApp.instantiateInfo`: its facts
/// with `pods` (each with `containerList`) and `serviceList` (each with `servicePortList`).
const INSTANCE: &str = "SELECT json_build_object(\
    'operationId', i.operation_id, 'appPackageId', i.app_package_id, \
    'mepmPackageId', i.mepm_package_id, 'distributedMecHost', i.distributed_mec_host, \
    'appInstanceId', i.app_instance_id, 'status', i.status, 'log', i.log, \
    'instantiateTime', i.instantiate_time, \
    'pods', COALESCE((SELECT json_agg(json_build_object('podName', p.name, \
        'podStatus', p.pod_status, 'eventsInfo', p.events_info, \
        'containerList', COALESCE((SELECT json_agg(json_build_object('containerName', c.name, \
            'cpuUsage', c.cpu_usage, 'memUsage', c.mem_usage, 'diskUsage', c.disk_usage) \
            ORDER BY c.name) FROM tbl_container_instantiate_info c \
            WHERE c.app_id = p.app_id AND c.pod_name = p.name), '[]'::json)) ORDER BY p.name) \
        FROM tbl_k8s_pod_instantiate_info p WHERE p.app_id = i.app_id), '[]'::json), \
    'serviceList', COALESCE((SELECT json_agg(json_build_object('name', s.name, 'type', s.type, \
        'servicePortList', COALESCE((SELECT json_agg(json_build_object('port', sp.port, \
            'targetPort', sp.target_port, 'nodePort', sp.node_port) ORDER BY sp.port) \
            FROM tbl_k8s_service_port_instantiate_info sp \
            WHERE sp.app_id = s.app_id AND sp.service_name = s.name), '[]'::json)) ORDER BY s.name) \
        FROM tbl_k8s_service_instantiate_info s WHERE s.app_id = i.app_id), '[]'::json)) \
    FROM tbl_container_app_instantiate_info i WHERE i.app_id = $1";

/// The application's instance (`None` while it has none).
pub async fn instance(pool: &Pool, app_id: &str) -> Result<Option<serde_json::Value>, DbError> {
    let row = pool.query_opt(INSTANCE, &[&app_id]).await?;
    Ok(row.map(|r| r.get::<_, serde_json::Value>(0)))
}
