-- A plugin's ratings are counted after every rating and its records deleted with it: both look
-- records up by plugin. Without this index each lookup read every record of every plugin.
CREATE INDEX tbl_downloadrecord_plugin ON tbl_downloadrecord (pluginid, scoretype);
