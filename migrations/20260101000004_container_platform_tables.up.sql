-- Read models of the container platform: every table, index, view and the materialized view of
-- seed 003. Only projectors write these tables.
--
-- Seed defects fixed (intent kept):
-- * operation_logs and container_resource_usage are declared PARTITION BY RANGE (the seed creates
--   partitions of tables that were not partitioned). Keys of a partitioned table must contain the
--   partition column, so their primary keys become (id, started_at) / (id, "timestamp") and
--   operation_logs' unique operation_id becomes unique per (operation_id, started_at); the
--   container_status_history.operation_id reference to it therefore cannot be a foreign key and is
--   kept as a plain uuid column.
-- * Each partitioned table has a DEFAULT partition (nothing is ever rejected for lack of a
--   partition); monthly (operation_logs) and daily (container_resource_usage) partitions are created
--   ahead by functions that the server calls on start and daily (no pg_cron).
-- * container_access_policy named user_roles.namespace_id, which did not exist: user_roles gains a
--   nullable namespace_id (NULL = a role over every namespace). operation_log_policy used MySQL's
--   JSON_EXTRACT on a column of roles: it now tests roles.permissions ? 'admin'.
-- * drop_old_partitions compared the wrong part of the partition name; it now reads the yYYYYmMM
--   suffix. refresh_container_summary refreshes CONCURRENTLY, so the view has a unique index.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username VARCHAR(50) UNIQUE NOT NULL,
    email VARCHAR(255) UNIQUE NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    full_name VARCHAR(100),
    avatar_url VARCHAR(500),
    status VARCHAR(20) DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'locked')),
    last_login_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id)
);
CREATE INDEX idx_users_username ON users(username);
CREATE INDEX idx_users_email ON users(email);
CREATE INDEX idx_users_status ON users(status);
CREATE INDEX idx_users_created_at ON users(created_at);

CREATE TABLE roles (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(50) UNIQUE NOT NULL,
    display_name VARCHAR(100) NOT NULL,
    description TEXT,
    is_system BOOLEAN DEFAULT FALSE,
    permissions JSONB NOT NULL DEFAULT '[]',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_roles_name ON roles(name);
CREATE INDEX idx_roles_permissions ON roles USING GIN(permissions);

CREATE TABLE namespaces (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(63) UNIQUE NOT NULL,
    display_name VARCHAR(100),
    description TEXT,
    kubernetes_name VARCHAR(63) NOT NULL,
    cluster_name VARCHAR(100) NOT NULL,
    status VARCHAR(20) DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    resource_quota JSONB,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id)
);
CREATE INDEX idx_namespaces_name ON namespaces(name);
CREATE INDEX idx_namespaces_k8s_name ON namespaces(kubernetes_name);
CREATE INDEX idx_namespaces_cluster ON namespaces(cluster_name);
CREATE INDEX idx_namespaces_status ON namespaces(status);

CREATE TABLE user_roles (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    namespace_id BIGINT REFERENCES namespaces(id) ON DELETE CASCADE,
    assigned_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    assigned_by BIGINT REFERENCES users(id),
    expires_at TIMESTAMP WITH TIME ZONE,
    UNIQUE(user_id, role_id)
);
CREATE INDEX idx_user_roles_user_id ON user_roles(user_id);
CREATE INDEX idx_user_roles_role_id ON user_roles(role_id);

CREATE TABLE container_images (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    tag VARCHAR(128) NOT NULL,
    digest VARCHAR(128),
    repository VARCHAR(255),
    size_bytes BIGINT,
    architecture VARCHAR(20),
    os VARCHAR(20),
    created_at TIMESTAMP WITH TIME ZONE,
    pulled_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    status VARCHAR(20) DEFAULT 'available' CHECK (status IN ('available', 'deleted', 'error')),
    UNIQUE(name, tag)
);
CREATE INDEX idx_container_images_name_tag ON container_images(name, tag);
CREATE INDEX idx_container_images_repository ON container_images(repository);
CREATE INDEX idx_container_images_status ON container_images(status);

CREATE TABLE containers (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(253) NOT NULL,
    display_name VARCHAR(253),
    namespace_id BIGINT NOT NULL REFERENCES namespaces(id),
    image_id BIGINT NOT NULL REFERENCES container_images(id),
    kubernetes_name VARCHAR(253) NOT NULL,
    pod_name VARCHAR(253),
    deployment_name VARCHAR(253),
    replica_set_name VARCHAR(253),
    status VARCHAR(20) DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'paused', 'stopped', 'failed', 'crash_loop_back_off')),
    phase VARCHAR(20),
    reason VARCHAR(100),
    message TEXT,
    cpu_request VARCHAR(20),
    cpu_limit VARCHAR(20),
    memory_request VARCHAR(20),
    memory_limit VARCHAR(20),
    restart_count INTEGER DEFAULT 0,
    pod_ip VARCHAR(45),
    host_ip VARCHAR(45),
    started_at TIMESTAMP WITH TIME ZONE,
    finished_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id),
    UNIQUE(namespace_id, name)
);
CREATE INDEX idx_containers_namespace_id ON containers(namespace_id);
CREATE INDEX idx_containers_k8s_name ON containers(kubernetes_name);
CREATE INDEX idx_containers_status ON containers(status);
CREATE INDEX idx_containers_pod_name ON containers(pod_name);
CREATE INDEX idx_containers_created_by ON containers(created_by);
CREATE INDEX idx_containers_created_at ON containers(created_at);
CREATE INDEX idx_containers_pod_ip ON containers(pod_ip);

CREATE TABLE volumes (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(253) NOT NULL,
    namespace_id BIGINT NOT NULL REFERENCES namespaces(id),
    type VARCHAR(50) NOT NULL, -- 'persistent_volume_claim', 'config_map', 'secret', 'host_path', 'empty_dir'
    storage_class VARCHAR(100),
    size VARCHAR(20),
    access_mode VARCHAR(20), -- 'ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'
    mount_path VARCHAR(500),
    host_path VARCHAR(500),
    kubernetes_name VARCHAR(253),
    status VARCHAR(20) DEFAULT 'available' CHECK (status IN ('available', 'bound', 'failed', 'deleted')),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    UNIQUE(namespace_id, name)
);
CREATE INDEX idx_volumes_namespace_id ON volumes(namespace_id);
CREATE INDEX idx_volumes_type ON volumes(type);
CREATE INDEX idx_volumes_k8s_name ON volumes(kubernetes_name);
CREATE INDEX idx_volumes_status ON volumes(status);

CREATE TABLE container_volumes (
    id BIGSERIAL PRIMARY KEY,
    container_id BIGINT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    volume_id BIGINT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
    mount_path VARCHAR(500) NOT NULL,
    read_only BOOLEAN DEFAULT FALSE,
    sub_path VARCHAR(500),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(container_id, volume_id, mount_path)
);
CREATE INDEX idx_container_volumes_container_id ON container_volumes(container_id);
CREATE INDEX idx_container_volumes_volume_id ON container_volumes(volume_id);

CREATE TABLE port_mappings (
    id BIGSERIAL PRIMARY KEY,
    container_id BIGINT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    name VARCHAR(100),
    container_port INTEGER NOT NULL,
    host_port INTEGER,
    protocol VARCHAR(10) DEFAULT 'TCP' CHECK (protocol IN ('TCP', 'UDP')),
    service_name VARCHAR(253),
    service_port INTEGER,
    node_port INTEGER,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_port_mappings_container_id ON port_mappings(container_id);
CREATE INDEX idx_port_mappings_host_port ON port_mappings(host_port);
CREATE INDEX idx_port_mappings_service_name ON port_mappings(service_name);

CREATE TABLE environment_variables (
    id BIGSERIAL PRIMARY KEY,
    container_id BIGINT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    name VARCHAR(253) NOT NULL,
    value TEXT,
    value_from VARCHAR(50), -- 'literal', 'config_map', 'secret', 'field_ref'
    source_name VARCHAR(253),
    source_key VARCHAR(253),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(container_id, name)
);
CREATE INDEX idx_env_vars_container_id ON environment_variables(container_id);
CREATE INDEX idx_env_vars_name ON environment_variables(name);

CREATE TABLE config_maps (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(253) NOT NULL,
    namespace_id BIGINT NOT NULL REFERENCES namespaces(id),
    kubernetes_name VARCHAR(253) NOT NULL,
    data JSONB NOT NULL DEFAULT '{}',
    binary_data JSONB DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id),
    UNIQUE(namespace_id, name)
);
CREATE INDEX idx_config_maps_namespace_id ON config_maps(namespace_id);
CREATE INDEX idx_config_maps_k8s_name ON config_maps(kubernetes_name);
CREATE INDEX idx_config_maps_data ON config_maps USING GIN(data);

CREATE TABLE secrets (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(253) NOT NULL,
    namespace_id BIGINT NOT NULL REFERENCES namespaces(id),
    kubernetes_name VARCHAR(253) NOT NULL,
    type VARCHAR(100) DEFAULT 'Opaque',
    data JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id),
    UNIQUE(namespace_id, name)
);
CREATE INDEX idx_secrets_namespace_id ON secrets(namespace_id);
CREATE INDEX idx_secrets_k8s_name ON secrets(kubernetes_name);

CREATE TABLE operation_logs (
    id BIGSERIAL,
    operation_id UUID NOT NULL DEFAULT gen_random_uuid(),
    user_id BIGINT REFERENCES users(id),
    username VARCHAR(50),
    action VARCHAR(50) NOT NULL, -- 'create', 'start', 'stop', 'pause', 'restart', 'delete', 'update'
    resource_type VARCHAR(50) NOT NULL, -- 'container', 'namespace', 'volume', 'config_map', 'secret'
    resource_id BIGINT,
    resource_name VARCHAR(253),
    namespace_id BIGINT REFERENCES namespaces(id),
    request_method VARCHAR(10),
    request_path VARCHAR(500),
    request_body JSONB,
    request_headers JSONB,
    client_ip VARCHAR(45),
    user_agent TEXT,
    status_code INTEGER,
    response_body JSONB,
    duration_ms INTEGER,
    error_code VARCHAR(50),
    error_message TEXT,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP WITH TIME ZONE,
    metadata JSONB DEFAULT '{}',
    PRIMARY KEY (id, started_at),
    UNIQUE (operation_id, started_at)
) PARTITION BY RANGE (started_at);
CREATE INDEX idx_operation_logs_user_id ON operation_logs(user_id);
CREATE INDEX idx_operation_logs_action ON operation_logs(action);
CREATE INDEX idx_operation_logs_resource_type ON operation_logs(resource_type);
CREATE INDEX idx_operation_logs_resource_id ON operation_logs(resource_id);
CREATE INDEX idx_operation_logs_namespace_id ON operation_logs(namespace_id);
CREATE INDEX idx_operation_logs_started_at ON operation_logs(started_at);
CREATE INDEX idx_operation_logs_status_code ON operation_logs(status_code);
CREATE INDEX idx_operation_logs_operation_id ON operation_logs(operation_id);
CREATE TABLE operation_logs_default PARTITION OF operation_logs DEFAULT;
CREATE TABLE operation_logs_y2025m10 PARTITION OF operation_logs
    FOR VALUES FROM ('2025-10-01') TO ('2025-11-01');

CREATE TABLE container_status_history (
    id BIGSERIAL PRIMARY KEY,
    container_id BIGINT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    previous_status VARCHAR(20),
    current_status VARCHAR(20) NOT NULL,
    reason VARCHAR(100),
    message TEXT,
    changed_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    triggered_by VARCHAR(50), -- 'system', 'user', 'kubernetes'
    user_id BIGINT REFERENCES users(id),
    operation_id UUID -- the operation_logs.operation_id that caused the change
);
CREATE INDEX idx_container_status_history_container_id ON container_status_history(container_id);
CREATE INDEX idx_container_status_history_changed_at ON container_status_history(changed_at);
CREATE INDEX idx_container_status_history_current_status ON container_status_history(current_status);

CREATE TABLE container_resource_usage (
    id BIGSERIAL,
    container_id BIGINT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    timestamp TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    cpu_cores_used DECIMAL(10,4),
    cpu_cores_request DECIMAL(10,4),
    cpu_cores_limit DECIMAL(10,4),
    cpu_usage_percent DECIMAL(5,2),
    memory_bytes_used BIGINT,
    memory_bytes_request BIGINT,
    memory_bytes_limit BIGINT,
    memory_usage_percent DECIMAL(5,2),
    network_bytes_rx BIGINT,
    network_bytes_tx BIGINT,
    network_packets_rx BIGINT,
    network_packets_tx BIGINT,
    disk_bytes_used BIGINT,
    disk_bytes_total BIGINT,
    disk_usage_percent DECIMAL(5,2),
    filesystem_reads BIGINT,
    filesystem_writes BIGINT,
    metadata JSONB DEFAULT '{}',
    PRIMARY KEY (id, timestamp)
) PARTITION BY RANGE (timestamp);
CREATE INDEX idx_container_resource_usage_container_id ON container_resource_usage(container_id);
CREATE INDEX idx_container_resource_usage_timestamp ON container_resource_usage(timestamp);
CREATE INDEX idx_container_resource_usage_cpu_usage ON container_resource_usage(cpu_usage_percent);
CREATE INDEX idx_container_resource_usage_memory_usage ON container_resource_usage(memory_usage_percent);
CREATE TABLE container_resource_usage_default PARTITION OF container_resource_usage DEFAULT;
CREATE TABLE container_resource_usage_y2025m10d25 PARTITION OF container_resource_usage
    FOR VALUES FROM ('2025-10-25') TO ('2025-10-26');

-- Composite and partial indexes (seed §4).
CREATE INDEX idx_containers_namespace_status ON containers(namespace_id, status);
CREATE INDEX idx_operation_logs_user_action_time ON operation_logs(user_id, action, started_at DESC);
CREATE INDEX idx_resource_usage_container_time ON container_resource_usage(container_id, timestamp DESC);
CREATE INDEX idx_volumes_type_status ON volumes(type, status);
CREATE INDEX idx_port_mappings_container_port ON port_mappings(container_id, container_port, protocol);
CREATE INDEX idx_containers_running ON containers(namespace_id) WHERE status = 'running';
CREATE INDEX idx_operation_logs_failed ON operation_logs(user_id, started_at) WHERE status_code >= 400;
CREATE INDEX idx_users_active ON users(id, last_login_at) WHERE status = 'active';

-- Views (seed §3).
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

CREATE VIEW user_operation_stats AS
SELECT
    u.id AS user_id,
    u.username,
    u.full_name,
    COUNT(ol.id) AS total_operations,
    COUNT(CASE WHEN ol.status_code >= 200 AND ol.status_code < 300 THEN 1 END) AS successful_operations,
    COUNT(CASE WHEN ol.status_code >= 400 THEN 1 END) AS failed_operations,
    COUNT(CASE WHEN ol.action = 'create' THEN 1 END) AS create_operations,
    COUNT(CASE WHEN ol.action = 'start' THEN 1 END) AS start_operations,
    COUNT(CASE WHEN ol.action = 'stop' THEN 1 END) AS stop_operations,
    COUNT(CASE WHEN ol.action = 'delete' THEN 1 END) AS delete_operations,
    MIN(ol.started_at) AS first_operation_at,
    MAX(ol.started_at) AS last_operation_at,
    AVG(ol.duration_ms) AS avg_duration_ms,
    COUNT(CASE WHEN ol.started_at >= CURRENT_TIMESTAMP - INTERVAL '30 days' THEN 1 END) AS operations_last_30_days
FROM users u
LEFT JOIN operation_logs ol ON u.id = ol.user_id
GROUP BY u.id, u.username, u.full_name;

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

CREATE FUNCTION refresh_container_summary() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY container_summary;
END;
$$;

-- Partition maintenance (seed §6.3).
CREATE FUNCTION create_monthly_partitions(table_name text, start_date date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    month_start date;
BEGIN
    FOR i IN 0..11 LOOP
        month_start := date_trunc('month', start_date)::date + (interval '1 month' * i);
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       table_name || '_y' || to_char(month_start, 'YYYY') || 'm' || to_char(month_start, 'MM'),
                       table_name, month_start, (month_start + interval '1 month')::date);
    END LOOP;
END;
$$;

CREATE FUNCTION create_daily_partitions(table_name text, start_date date, days integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    day date;
BEGIN
    FOR i IN 0..(days - 1) LOOP
        day := start_date + i;
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       table_name || '_y' || to_char(day, 'YYYY') || 'm' || to_char(day, 'MM') || 'd' || to_char(day, 'DD'),
                       table_name, day, day + 1);
    END LOOP;
END;
$$;

CREATE FUNCTION drop_old_partitions(table_name text, retention_months integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    partition_name text;
    cutoff text := to_char(CURRENT_DATE - interval '1 month' * retention_months, 'YYYYMM');
BEGIN
    FOR partition_name IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = table_name
          AND c.relname ~ '_y[0-9]{4}m[0-9]{2}'
          AND substring(c.relname FROM '_y([0-9]{4})m') || substring(c.relname FROM '_y[0-9]{4}m([0-9]{2})') < cutoff
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I', partition_name);
    END LOOP;
END;
$$;

SELECT create_monthly_partitions('operation_logs', CURRENT_DATE);
SELECT create_daily_partitions('container_resource_usage', CURRENT_DATE, 7);

-- Monitoring views (seed §8.1).
CREATE VIEW database_stats AS
SELECT schemaname, tablename, attname AS column_name, n_distinct, correlation
FROM pg_stats
WHERE schemaname = 'public'
ORDER BY tablename, attname;

CREATE VIEW table_sizes AS
SELECT
    schemaname,
    tablename,
    pg_size_pretty(pg_total_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename))) AS total_size,
    pg_size_pretty(pg_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename))) AS table_size,
    pg_size_pretty(pg_total_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename))
                 - pg_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename))) AS index_size
FROM pg_tables
WHERE schemaname = 'public'
ORDER BY pg_total_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename)) DESC;

-- Secrets at rest (seed §9.1).
CREATE TABLE user_secrets (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    secret_type VARCHAR(50) NOT NULL, -- 'api_key', 'password', 'token'
    encrypted_value BYTEA NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);

CREATE FUNCTION encrypt_secret(value text, key text) RETURNS bytea
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    RETURN pgp_sym_encrypt(value, key);
END;
$$;

CREATE FUNCTION decrypt_secret(encrypted_value bytea, key text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    RETURN pgp_sym_decrypt(encrypted_value, key);
END;
$$;

-- Row-level security (seed §9.2). The server connects as the tables' owner, which these policies
-- do not restrict; they bind other roles that set app.current_user_id.
ALTER TABLE containers ENABLE ROW LEVEL SECURITY;
CREATE POLICY container_access_policy ON containers
USING (
    EXISTS (
        SELECT 1
        FROM user_roles ur
        WHERE ur.user_id = current_setting('app.current_user_id', true)::bigint
          AND (ur.namespace_id IS NULL OR ur.namespace_id = containers.namespace_id)
          AND (ur.expires_at IS NULL OR ur.expires_at > CURRENT_TIMESTAMP)
    )
);

ALTER TABLE operation_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY operation_log_policy ON operation_logs
USING (
    user_id = current_setting('app.current_user_id', true)::bigint
    OR EXISTS (
        SELECT 1
        FROM user_roles ur
        JOIN roles r ON r.id = ur.role_id
        WHERE ur.user_id = current_setting('app.current_user_id', true)::bigint
          AND r.permissions ? 'admin'
    )
);

-- Migration history (seed §5.1, `schema_migrations`) is the migration runner's own table: it
-- creates it before the first migration runs (ADR 0009).
