-- Helm charts become the Application aggregate's read model (issue: container applications):
-- what the chart declares (Chart.yaml's name and version, its files, the images its manifests
-- name) and when it was added; the older model's row names the chart it mirrors.
ALTER TABLE tbl_container_helm_chart ADD COLUMN chart_name varchar(64) DEFAULT NULL;
ALTER TABLE tbl_container_helm_chart ADD COLUMN chart_version varchar(64) DEFAULT NULL;
ALTER TABLE tbl_container_helm_chart ADD COLUMN file_list jsonb NOT NULL DEFAULT '[]';
ALTER TABLE tbl_container_helm_chart ADD COLUMN images jsonb NOT NULL DEFAULT '[]';
ALTER TABLE tbl_container_helm_chart ADD COLUMN create_time timestamptz DEFAULT NULL;
CREATE INDEX tbl_container_helm_chart_app_id ON tbl_container_helm_chart (app_id, create_time);
ALTER TABLE tbl_helm_template_yaml ADD COLUMN helm_chart_id varchar(50) DEFAULT NULL;
CREATE UNIQUE INDEX tbl_helm_template_yaml_helm_chart_id ON tbl_helm_template_yaml (helm_chart_id);
CREATE INDEX tbl_helm_template_yaml_project_id ON tbl_helm_template_yaml (project_id);
