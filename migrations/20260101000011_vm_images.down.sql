DROP INDEX IF EXISTS tbl_vm_image_user_id;
ALTER TABLE tbl_vm_system DROP CONSTRAINT "tbl_vm_system_uniqueName";
ALTER TABLE tbl_vm_system ADD CONSTRAINT "tbl_vm_system_uniqueName" UNIQUE (system_name, user_id);
ALTER TABLE tbl_vm_image DROP CONSTRAINT "tbl_vm_image_uniqueName";
ALTER TABLE tbl_vm_image ADD CONSTRAINT "tbl_vm_image_uniqueName" UNIQUE (name, user_id);
ALTER TABLE tbl_vm_image DROP COLUMN virtual_size;
ALTER TABLE tbl_vm_image DROP COLUMN disk_bus;
