DROP MATERIALIZED VIEW container_summary;
CREATE MATERIALIZED VIEW container_summary AS
SELECT
    n.name AS namespace_name,
    COUNT(c.id) AS total_containers,
    COUNT(CASE WHEN c.status = 'running' THEN 1 END) AS running_containers,
    COUNT(CASE WHEN c.status = 'stopped' THEN 1 END) AS stopped_containers,
    COUNT(CASE WHEN c.status = 'failed' THEN 1 END) AS failed_containers,
    SUM(CASE WHEN ci.size_bytes IS NOT NULL THEN ci.size_bytes ELSE 0 END) AS total_size_bytes
FROM namespaces n
LEFT JOIN containers c ON n.id = c.namespace_id
LEFT JOIN container_images ci ON c.image_id = ci.id
GROUP BY n.id, n.name;
CREATE UNIQUE INDEX container_summary_namespace_name_key ON container_summary(namespace_name);
ALTER TABLE container_resource_usage ADD CONSTRAINT container_resource_usage_container_id_fkey
    FOREIGN KEY (container_id) REFERENCES containers(id) ON DELETE CASCADE;
REVOKE SELECT ON container_details, container_images, container_resource_usage, port_mappings,
    environment_variables, container_volumes, container_status_history, volumes
    FROM edgedev_platform_reader;
DROP VIEW container_details;
CREATE VIEW container_details AS
SELECT
    c.id, c.name, c.display_name, c.status, c.phase, c.reason, c.message, c.kubernetes_name,
    c.pod_name, c.pod_ip, c.host_ip, c.restart_count, c.cpu_request, c.cpu_limit,
    c.memory_request, c.memory_limit, c.started_at, c.finished_at, c.created_at, c.updated_at,
    n.name AS namespace_name,
    n.kubernetes_name AS namespace_k8s_name,
    ci.name AS image_name,
    ci.tag AS image_tag,
    ci.repository AS image_repository,
    u.username AS created_by_username,
    u.full_name AS created_by_full_name,
    CASE
        WHEN c.status = 'running' THEN EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP - c.started_at))
        ELSE NULL
    END AS uptime_seconds,
    latest.cpu_usage_percent,
    latest.memory_usage_percent,
    latest.timestamp AS last_metric_timestamp
FROM containers c
LEFT JOIN namespaces n ON c.namespace_id = n.id
LEFT JOIN container_images ci ON c.image_id = ci.id
LEFT JOIN users u ON c.created_by = u.id
LEFT JOIN LATERAL (
    SELECT DISTINCT ON (container_id) cpu_usage_percent, memory_usage_percent, timestamp
    FROM container_resource_usage
    WHERE container_id = c.id
    ORDER BY container_id, timestamp DESC
) latest ON true;
