DROP INDEX tbl_helm_template_yaml_project_id;
DROP INDEX tbl_helm_template_yaml_helm_chart_id;
ALTER TABLE tbl_helm_template_yaml DROP COLUMN helm_chart_id;
DROP INDEX tbl_container_helm_chart_app_id;
ALTER TABLE tbl_container_helm_chart DROP COLUMN create_time;
ALTER TABLE tbl_container_helm_chart DROP COLUMN images;
ALTER TABLE tbl_container_helm_chart DROP COLUMN file_list;
ALTER TABLE tbl_container_helm_chart DROP COLUMN chart_version;
ALTER TABLE tbl_container_helm_chart DROP COLUMN chart_name;
