-- VM images become the VmImage aggregate's read model (issue: app configuration and catalogues):
-- the fields the reference has and the seed lacks, name uniqueness checked at commit (a batch
-- may swap two names), and the owner lookup of the list query.
ALTER TABLE tbl_vm_image ADD COLUMN disk_bus varchar(16) DEFAULT NULL;
ALTER TABLE tbl_vm_image ADD COLUMN virtual_size bigint DEFAULT NULL;
ALTER TABLE tbl_vm_image DROP CONSTRAINT "tbl_vm_image_uniqueName";
ALTER TABLE tbl_vm_image ADD CONSTRAINT "tbl_vm_image_uniqueName" UNIQUE (name, user_id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE tbl_vm_system DROP CONSTRAINT "tbl_vm_system_uniqueName";
ALTER TABLE tbl_vm_system ADD CONSTRAINT "tbl_vm_system_uniqueName" UNIQUE (system_name, user_id)
    DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX tbl_vm_image_user_id ON tbl_vm_image (user_id);
