-- The identity tables of the container platform become read models (issue: Container platform
-- I; ADR 0015).
-- * Ids: the write side draws a user's, role's and role binding's id from the table's own
--   sequence before the first event records it, so a rebuilt table keeps its ids. The system
--   roles ADMIN, TENANT and GUEST are seeded as ids 1-3; other roles start at 100.
-- * A role may be bound to a user once per namespace and once platform-wide (the seed's
--   UNIQUE (user_id, role_id) allowed one binding per role in all).
-- * Foreign keys between tables of different projections are dropped: a projection rebuilds its
--   own tables alone, and TRUNCATE refuses a table another projection's table references. Each
--   projection applies the log in order, so what a row names was written before it.
-- * users.password_hash holds the Argon2id hash sealed with the server's key (ADR 0015).
ALTER TABLE user_roles DROP CONSTRAINT user_roles_user_id_role_id_key;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_user_id_role_id_namespace_id_key
    UNIQUE NULLS NOT DISTINCT (user_id, role_id, namespace_id);
ALTER TABLE user_roles DROP CONSTRAINT user_roles_namespace_id_fkey;
ALTER TABLE namespaces DROP CONSTRAINT namespaces_created_by_fkey;
ALTER TABLE namespaces DROP CONSTRAINT namespaces_updated_by_fkey;
ALTER TABLE containers DROP CONSTRAINT containers_created_by_fkey;
ALTER TABLE containers DROP CONSTRAINT containers_updated_by_fkey;
ALTER TABLE volumes DROP CONSTRAINT volumes_created_by_fkey;
ALTER TABLE config_maps DROP CONSTRAINT config_maps_created_by_fkey;
ALTER TABLE config_maps DROP CONSTRAINT config_maps_updated_by_fkey;
ALTER TABLE secrets DROP CONSTRAINT secrets_created_by_fkey;
ALTER TABLE secrets DROP CONSTRAINT secrets_updated_by_fkey;
ALTER TABLE operation_logs DROP CONSTRAINT operation_logs_user_id_fkey;
ALTER TABLE container_status_history DROP CONSTRAINT container_status_history_user_id_fkey;
ALTER TABLE containers DROP CONSTRAINT containers_namespace_id_fkey;
ALTER TABLE volumes DROP CONSTRAINT volumes_namespace_id_fkey;
ALTER TABLE operation_logs DROP CONSTRAINT operation_logs_namespace_id_fkey;
SELECT setval('roles_id_seq', 100, false);
