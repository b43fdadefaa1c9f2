DROP INDEX IF EXISTS tbl_vm_app_id;
DROP INDEX IF EXISTS tbl_vm_port_vm_id;
DROP INDEX IF EXISTS tbl_network_app_id;
DROP INDEX IF EXISTS events_operation_requested_position;
DROP INDEX IF EXISTS events_operation_requested;
DROP SEQUENCE IF EXISTS vm_image_ids;
ALTER TABLE tbl_service_host DROP COLUMN IF EXISTS config_id;
ALTER TABLE tbl_service_host DROP COLUMN IF EXISTS mec_host_protocol;
ALTER TABLE tbl_service_host ALTER COLUMN password TYPE varchar(50);
