DROP INDEX tbl_downloadrecord_plugin;
