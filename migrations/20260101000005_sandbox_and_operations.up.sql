-- Sandbox hosts, VM deployments and operations (issue: Vm aggregate and durable operations).

-- tbl_service_host keeps the sealed host password (longer than the seed's varchar(50)) and the
-- MepHost fields the seed has no column for (ADR 0005).
ALTER TABLE tbl_service_host ALTER COLUMN password TYPE text;
ALTER TABLE tbl_service_host ADD COLUMN mec_host_protocol varchar(20) DEFAULT 'http';
ALTER TABLE tbl_service_host ADD COLUMN config_id varchar(255) DEFAULT NULL;

-- Ids of VM images are chosen on the write side (an export records its image's id in an event),
-- so a rebuilt tbl_vm_image keeps them.
CREATE SEQUENCE vm_image_ids START WITH 100000;

-- Operations are found in the log by id (cancel, access checks), and the workflow runner scans
-- the requests for unfinished ones (their endings are found by the aggregate's primary key).
CREATE INDEX events_operation_requested ON events ((payload->>'operationId'))
    WHERE event_type = 'OperationRequested';
CREATE INDEX events_operation_requested_position ON events (global_position)
    WHERE event_type = 'OperationRequested';

-- The VM read models are read and rewritten by application and by VM.
CREATE INDEX tbl_vm_app_id ON tbl_vm (app_id);
CREATE INDEX tbl_vm_port_vm_id ON tbl_vm_port (vm_id);
CREATE INDEX tbl_network_app_id ON tbl_network (app_id);
