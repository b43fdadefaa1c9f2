ALTER VIEW user_operation_stats RESET (security_invoker);
DROP FUNCTION drop_old_partitions(text, integer);
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

DROP POLICY operation_log_policy ON operation_logs;
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

DROP POLICY container_access_policy ON containers;
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

DROP FUNCTION platform_caller_may(text[]);
DROP FUNCTION platform_caller_id();
REVOKE SELECT ON users, roles, user_roles, namespaces, containers, operation_logs,
    user_operation_stats FROM edgedev_platform_reader;
REVOKE USAGE ON SCHEMA public FROM edgedev_platform_reader;
