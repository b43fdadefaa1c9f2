-- An application's package (tbl_app_package): the seed keeps its id, application and file name;
-- the projection also records the uploaded file holding the CSAR as it is now, whether its
-- manifest is signed, whether files were edited since the manifest was computed, and when it
-- was generated. One package per application.
ALTER TABLE tbl_app_package
    ADD COLUMN file_id     varchar(255) DEFAULT NULL,
    ADD COLUMN signed      boolean      NOT NULL DEFAULT false,
    ADD COLUMN edited      boolean      NOT NULL DEFAULT false,
    ADD COLUMN create_time timestamptz  DEFAULT NULL;
CREATE INDEX tbl_app_package_app_idx ON tbl_app_package (app_id);
