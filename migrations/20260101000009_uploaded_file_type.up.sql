-- Uploaded files record their type (icon, api, md, script): an application's icon must be an
-- icon file, a guide a Markdown file. The seed's tbl_uploaded_file has no column for it (ADR 0005).
-- The sweeper finds temporary files by upload time.
ALTER TABLE tbl_uploaded_file ADD COLUMN file_type varchar(16) DEFAULT NULL;
CREATE INDEX tbl_uploaded_file_temporary ON tbl_uploaded_file (upload_date) WHERE is_temp;
