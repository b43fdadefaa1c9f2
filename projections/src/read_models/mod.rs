//! The read models: one module per seed table group, each a [`Projection`] that alone writes its
//! tables and answers the queries of them (`<model>::query`). [`all_projections`] is the registry
//! the server and the tools run.

pub mod access;
pub mod app_configuration;
pub mod app_packages;
mod app_projects;
pub mod app_releases;
pub mod app_scripts;
pub mod app_tests;
mod application_changes;
pub mod applications;
pub mod capabilities;
pub mod capability_groups;
pub mod container_images;
pub mod container_instances;
pub mod flavors;
pub mod helm_charts;
pub mod hosts;
pub mod images;
pub mod namespaces;
pub mod operation_logs;
pub mod operations;
pub mod platform_containers;
pub mod plugins;
pub mod profiles;
pub mod released_packages;
mod statements;
pub mod uploaded_files;
pub mod vm_catalogue;
pub mod vm_images;
pub mod vms;

use std::sync::Arc;

use crate::runtime::Projection;

pub use access::AccessProjection;
pub use app_configuration::AppConfigurationProjection;
pub use app_packages::AppPackagesProjection;
pub use app_projects::AppProjectsProjection;
pub use app_releases::AppReleasesProjection;
pub use app_scripts::AppScriptsProjection;
pub use app_tests::AppTestsProjection;
pub use applications::ApplicationsProjection;
pub use capabilities::CapabilitiesProjection;
pub use capability_groups::CapabilityGroupsProjection;
pub use container_images::ContainerImagesProjection;
pub use container_instances::ContainerInstancesProjection;
pub use flavors::FlavorsProjection;
pub use helm_charts::HelmChartsProjection;
pub use hosts::HostsProjection;
pub use images::ImagesProjection;
pub use namespaces::NamespacesProjection;
pub use operation_logs::OperationLogsProjection;
pub use operations::OperationsProjection;
pub use platform_containers::PlatformContainersProjection;
pub use plugins::{store_path, PluginsProjection};
pub use profiles::ProfilesProjection;
pub use released_packages::ReleasedPackagesProjection;
pub use uploaded_files::UploadedFilesProjection;
pub use vm_catalogue::VmCatalogueProjection;
pub use vm_images::VmImagesProjection;
pub use vms::VmsProjection;

/// Every projection edgedev runs, in a stable order.
pub fn all_projections() -> Vec<Arc<dyn Projection>> {
    vec![
        Arc::new(ApplicationsProjection),
        Arc::new(AppProjectsProjection),
        Arc::new(PluginsProjection),
        Arc::new(HostsProjection),
        Arc::new(VmsProjection),
        Arc::new(OperationsProjection),
        Arc::new(FlavorsProjection),
        Arc::new(CapabilityGroupsProjection),
        Arc::new(UploadedFilesProjection),
        Arc::new(CapabilitiesProjection),
        Arc::new(AppConfigurationProjection),
        Arc::new(VmCatalogueProjection),
        Arc::new(AppScriptsProjection),
        Arc::new(HelmChartsProjection),
        Arc::new(ContainerInstancesProjection),
        Arc::new(ProfilesProjection),
        Arc::new(ContainerImagesProjection),
        Arc::new(VmImagesProjection),
        Arc::new(AccessProjection),
        Arc::new(NamespacesProjection),
        Arc::new(ImagesProjection),
        Arc::new(OperationLogsProjection),
        Arc::new(PlatformContainersProjection),
        Arc::new(AppPackagesProjection),
        Arc::new(AppTestsProjection),
        Arc::new(AppReleasesProjection),
        Arc::new(ReleasedPackagesProjection),
    ]
}
