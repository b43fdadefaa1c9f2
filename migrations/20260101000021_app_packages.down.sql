DROP INDEX IF EXISTS tbl_app_package_app_idx;
ALTER TABLE tbl_app_package
    DROP COLUMN file_id,
    DROP COLUMN signed,
    DROP COLUMN edited,
    DROP COLUMN create_time;
