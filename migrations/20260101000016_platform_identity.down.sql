SELECT setval('roles_id_seq', 1, false);
ALTER TABLE namespaces ADD CONSTRAINT namespaces_updated_by_fkey
    FOREIGN KEY (updated_by) REFERENCES users(id);
ALTER TABLE namespaces ADD CONSTRAINT namespaces_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES users(id);
ALTER TABLE user_roles ADD CONSTRAINT user_roles_namespace_id_fkey
    FOREIGN KEY (namespace_id) REFERENCES namespaces(id) ON DELETE CASCADE;
ALTER TABLE user_roles DROP CONSTRAINT user_roles_user_id_role_id_namespace_id_key;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_user_id_role_id_key UNIQUE (user_id, role_id);
