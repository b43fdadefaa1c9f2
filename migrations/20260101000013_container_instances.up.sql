-- Container instances become the Container aggregate's read model (issue: container
-- applications). The seed keyed services, their ports and containers by name alone, so two
-- applications (or two ports of one service) could not both have a row: each row now names its
-- application and the keys include it (ADR 0005). The instantiate info keeps its operation and
-- the package LCM knows it as.
ALTER TABLE tbl_container_app_instantiate_info ADD COLUMN operation_id varchar(255) DEFAULT NULL;
ALTER TABLE tbl_container_app_instantiate_info ADD COLUMN mepm_package_id varchar(255) DEFAULT NULL;
ALTER TABLE tbl_container_instantiate_info ADD COLUMN app_id varchar(255) NOT NULL DEFAULT '';
ALTER TABLE tbl_container_instantiate_info DROP CONSTRAINT tbl_container_instantiate_info_unique_id_name;
ALTER TABLE tbl_container_instantiate_info ADD CONSTRAINT tbl_container_instantiate_info_unique_id_name
    UNIQUE (app_id, pod_name, name);
ALTER TABLE tbl_k8s_service_instantiate_info DROP CONSTRAINT tbl_k8s_service_instantiate_info_pkey;
ALTER TABLE tbl_k8s_service_instantiate_info ADD CONSTRAINT tbl_k8s_service_instantiate_info_pkey
    PRIMARY KEY (app_id, name);
ALTER TABLE tbl_k8s_service_port_instantiate_info ADD COLUMN app_id varchar(255) NOT NULL DEFAULT '';
ALTER TABLE tbl_k8s_service_port_instantiate_info DROP CONSTRAINT tbl_k8s_service_port_instantiate_info_pkey;
ALTER TABLE tbl_k8s_service_port_instantiate_info ADD CONSTRAINT tbl_k8s_service_port_instantiate_info_pkey
    PRIMARY KEY (app_id, service_name, port);
