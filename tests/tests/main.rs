//! Black-box tests of edgedev: the real application (in-process on port 0, or as real server
//! processes) against a real PostgreSQL, one freshly migrated database per test.

mod helpers;

mod api_contract;
mod app_certificate;
mod app_configuration;
mod app_packages;
mod app_services;
mod applications;
mod architecture;
mod audit;
mod auth_and_errors;
mod capabilities;
mod capability_groups;
mod config_maps;
mod container_images;
mod executor;
mod flavors;
mod generated_log;
mod helm_charts;
mod host_config;
mod migrations;
mod namespaces;
mod operation_logs;
mod operations;
mod platform_containers;
mod platform_identity;
mod platform_images;
mod plugins;
mod processes;
mod profiles;
mod projector;
mod relay;
mod reverse_proxy;
mod scripts_and_sample_code;
mod secrets;
mod upload_files;
mod vm_catalogue;
mod vm_images;
mod volumes;
