-- Test tasks (tbl_atp_test_task): the seed keeps the platform's id, the application, its name,
-- status and creation time (as the platform wrote it); the projection also records the package
-- and archive tested, the operation that polls the task, and when edgedev recorded it (tasks are
-- listed newest first by it).
ALTER TABLE tbl_atp_test_task
    ADD COLUMN package_id      varchar(255) DEFAULT NULL,
    ADD COLUMN package_file_id varchar(255) DEFAULT NULL,
    ADD COLUMN operation_id    varchar(255) DEFAULT NULL,
    ADD COLUMN created_at      timestamptz  DEFAULT NULL;
CREATE INDEX tbl_atp_test_task_app_idx ON tbl_atp_test_task (app_id, created_at);
CREATE INDEX tbl_project_test_config_project_idx ON tbl_project_test_config (project_id);
