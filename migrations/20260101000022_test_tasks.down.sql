DROP INDEX IF EXISTS tbl_project_test_config_project_idx;
DROP INDEX IF EXISTS tbl_atp_test_task_app_idx;
ALTER TABLE tbl_atp_test_task
    DROP COLUMN package_id,
    DROP COLUMN package_file_id,
    DROP COLUMN operation_id,
    DROP COLUMN created_at;
