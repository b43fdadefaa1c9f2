-- A capability belongs to a capability group (the original's seed rows carry group_id; its
-- documented tbl_capability has no column for it, ADR 0005). Queries list capabilities by group.
ALTER TABLE tbl_capability ADD COLUMN group_id varchar(50) DEFAULT NULL;
CREATE INDEX tbl_capability_by_group ON tbl_capability (group_id);
