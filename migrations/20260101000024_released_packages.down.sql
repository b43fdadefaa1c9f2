DROP TABLE IF EXISTS tbl_released_package;
