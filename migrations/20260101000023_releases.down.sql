DROP INDEX IF EXISTS tbl_release_config_project_idx;
ALTER TABLE tbl_release_config
    DROP COLUMN store_app_id,
    DROP COLUMN store_package_id,
    DROP COLUMN is_free,
    DROP COLUMN price_cents;
