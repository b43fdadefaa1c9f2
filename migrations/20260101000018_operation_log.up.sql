-- The operation log and row-level security that really applies (issue: Container platform I;
-- ADR 0017).
-- * edgedev_platform_reader: a role that owns nothing and may only read the container platform's
--   tables. The server runs its operation-log queries as this role (SET LOCAL ROLE in the
--   query's transaction) with app.current_user_id (and, for callers that are not platform users,
--   app.current_roles) set for that transaction, so the policies below filter rows even where a
--   query forgets a condition. The role is cluster-wide: created once, granted here per database.
-- * The seed's policies cast an unset app.current_user_id to bigint (an error for a caller that
--   is not a platform user) and asked for a permission named 'admin', which our permission model
--   (resource:verb) does not have. They now read an unset id as nobody, and grant every row to a
--   platform-wide binding (or a system role of the caller) whose role grants operation-logs:read.
-- * user_operation_stats runs with its caller's rights (security_invoker), so its counts obey the
--   same policy.
-- * drop_old_partitions returns how many partitions it dropped (for the retention metric).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edgedev_platform_reader') THEN
        CREATE ROLE edgedev_platform_reader NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- another database's migration created it at the same moment
END;
$$;
GRANT edgedev_platform_reader TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO edgedev_platform_reader;
GRANT SELECT ON users, roles, user_roles, namespaces, containers, operation_logs,
    user_operation_stats TO edgedev_platform_reader;

CREATE FUNCTION platform_caller_id() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN current_setting('app.current_user_id', true) ~ '^[0-9]{1,18}$'
                THEN current_setting('app.current_user_id', true)::bigint END
$$;

CREATE FUNCTION platform_caller_may(wanted text[]) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1
        FROM user_roles ur
        JOIN roles r ON r.id = ur.role_id
        JOIN users u ON u.id = ur.user_id
        WHERE ur.user_id = platform_caller_id()
          AND u.status = 'active'
          AND ur.namespace_id IS NULL
          AND (ur.expires_at IS NULL OR ur.expires_at > CURRENT_TIMESTAMP)
          AND r.permissions ?| wanted
    ) OR EXISTS (
        SELECT 1
        FROM roles r
        WHERE r.is_system
          AND r.name = ANY (string_to_array(NULLIF(current_setting('app.current_roles', true), ''), ','))
          AND r.permissions ?| wanted
    )
$$;
GRANT EXECUTE ON FUNCTION platform_caller_id(), platform_caller_may(text[]) TO edgedev_platform_reader;

DROP POLICY container_access_policy ON containers;
CREATE POLICY container_access_policy ON containers
USING (
    EXISTS (
        SELECT 1
        FROM user_roles ur
        WHERE ur.user_id = platform_caller_id()
          AND (ur.namespace_id IS NULL OR ur.namespace_id = containers.namespace_id)
          AND (ur.expires_at IS NULL OR ur.expires_at > CURRENT_TIMESTAMP)
    )
    OR platform_caller_may(ARRAY['*:*', '*:read', '*:admin',
                                 'containers:*', 'containers:read', 'containers:admin'])
);

DROP POLICY operation_log_policy ON operation_logs;
CREATE POLICY operation_log_policy ON operation_logs
USING (
    user_id = platform_caller_id()
    OR platform_caller_may(ARRAY['*:*', '*:read', '*:admin', 'operation-logs:*',
                                 'operation-logs:read', 'operation-logs:admin'])
);

ALTER VIEW user_operation_stats SET (security_invoker = true);

DROP FUNCTION drop_old_partitions(text, integer);
CREATE FUNCTION drop_old_partitions(table_name text, retention_months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    partition_name text;
    dropped integer := 0;
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
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END;
$$;
