DROP INDEX tbl_uploaded_file_temporary;
ALTER TABLE tbl_uploaded_file DROP COLUMN file_type;
