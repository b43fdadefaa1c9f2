-- Container images become the ContainerImage aggregate's read model (issue: container
-- applications): the manifest digest the registry gave, and the name uniqueness checked at
-- commit (a batch may move a name from one image to another).
ALTER TABLE tbl_container_image ADD COLUMN digest varchar(128) DEFAULT NULL;
ALTER TABLE tbl_container_image DROP CONSTRAINT "tbl_container_image_uniqueName";
ALTER TABLE tbl_container_image ADD CONSTRAINT "tbl_container_image_uniqueName"
    UNIQUE (image_name, image_version, user_name) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX tbl_container_image_user_id ON tbl_container_image (user_id, upload_time DESC);
