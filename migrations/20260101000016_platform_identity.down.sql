SELECT setval('roles_id_seq', 1, false);
ALTER TABLE operation_logs ADD CONSTRAINT operation_logs_namespace_id_fkey
    FOREIGN KEY (namespace_id) REFERENCES namespaces(id);
ALTER TABLE volumes ADD CONSTRAINT volumes_namespace_id_fkey
    FOREIGN KEY (namespace_id) REFERENCES namespaces(id);
ALTER TABLE containers ADD CONSTRAINT containers_namespace_id_fkey
    FOREIGN KEY (namespace_id) REFERENCES namespaces(id);
ALTER TABLE container_status_history ADD CONSTRAINT container_status_history_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users(id);
ALTER TABLE operation_logs ADD CONSTRAINT operation_logs_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users(id);
ALTER TABLE secrets ADD CONSTRAINT secrets_updated_by_fkey
    FOREIGN KEY (updated_by) REFERENCES users(id);
ALTER TABLE secrets ADD CONSTRAINT secrets_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES users(id);
ALTER TABLE config_maps ADD CONSTRAINT config_maps_updated_by_fkey
    FOREIGN KEY (updated_by) REFERENCES users(id);
ALTER TABLE config_maps ADD CONSTRAINT config_maps_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES users(id);
ALTER TABLE volumes ADD CONSTRAINT volumes_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES users(id);
ALTER TABLE containers ADD CONSTRAINT containers_updated_by_fkey
    FOREIGN KEY (updated_by) REFERENCES users(id);
ALTER TABLE containers ADD CONSTRAINT containers_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES users(id);
ALTER TABLE namespaces ADD CONSTRAINT namespaces_updated_by_fkey
    FOREIGN KEY (updated_by) REFERENCES users(id);
ALTER TABLE namespaces ADD CONSTRAINT namespaces_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES users(id);
ALTER TABLE user_roles ADD CONSTRAINT user_roles_namespace_id_fkey
    FOREIGN KEY (namespace_id) REFERENCES namespaces(id) ON DELETE CASCADE;
ALTER TABLE user_roles DROP CONSTRAINT user_roles_user_id_role_id_namespace_id_key;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_user_id_role_id_key UNIQUE (user_id, role_id);
