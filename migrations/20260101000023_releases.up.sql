-- Releases (tbl_release_config): the seed keeps the release id, the application, its guide, the
-- capabilities (JSON) and the test (JSON, with its status); the projection also records the app
-- store's ids of the package and the terms it was published at.
ALTER TABLE tbl_release_config
    ADD COLUMN store_app_id     varchar(255) DEFAULT NULL,
    ADD COLUMN store_package_id varchar(255) DEFAULT NULL,
    ADD COLUMN is_free          boolean      DEFAULT NULL,
    ADD COLUMN price_cents      bigint       DEFAULT NULL;
CREATE INDEX tbl_release_config_project_idx ON tbl_release_config (project_id);
