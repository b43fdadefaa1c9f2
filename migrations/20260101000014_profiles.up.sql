-- Profiles become the Profile aggregate's read model (issue: app configuration and catalogues):
-- `seq` holds up to 20 app names as a JSON array (past varchar(255)); the app list with its
-- versions, what the application is made as, and the zip's name are columns the seed lacks.
ALTER TABLE tbl_profile ALTER COLUMN seq TYPE text;
ALTER TABLE tbl_profile ADD COLUMN app_list text NOT NULL DEFAULT '[]';
ALTER TABLE tbl_profile ADD COLUMN architecture varchar(16) DEFAULT NULL;
ALTER TABLE tbl_profile ADD COLUMN app_class varchar(16) DEFAULT NULL;
ALTER TABLE tbl_profile ADD COLUMN create_type varchar(16) DEFAULT NULL;
ALTER TABLE tbl_profile ADD COLUMN file_name varchar(255) DEFAULT NULL;
CREATE INDEX tbl_profile_create_time ON tbl_profile (create_time DESC);
