DROP INDEX tbl_capability_by_group;
ALTER TABLE tbl_capability DROP COLUMN group_id;
