DROP INDEX tbl_container_image_user_id;
ALTER TABLE tbl_container_image DROP CONSTRAINT "tbl_container_image_uniqueName";
ALTER TABLE tbl_container_image ADD CONSTRAINT "tbl_container_image_uniqueName"
    UNIQUE (image_name, image_version, user_name);
ALTER TABLE tbl_container_image DROP COLUMN digest;
