DROP INDEX tbl_profile_create_time;
ALTER TABLE tbl_profile DROP COLUMN file_name;
ALTER TABLE tbl_profile DROP COLUMN create_type;
ALTER TABLE tbl_profile DROP COLUMN app_class;
ALTER TABLE tbl_profile DROP COLUMN architecture;
ALTER TABLE tbl_profile DROP COLUMN app_list;
ALTER TABLE tbl_profile ALTER COLUMN seq TYPE varchar(255);
