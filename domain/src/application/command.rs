//! Application commands: what a caller asks for, with already-validated values. Every command
//! carries the [`Actor`] so the aggregate can apply the ownership rule.

use super::helm_charts::{ChartArchive, HelmChart};
use super::package::{AppPackage, PackageArchive};
use super::release::Release as ReleaseRecord;
use super::rules::{DnsRule, TrafficRule};
use super::scripts::AppScript;
use super::services::{AppCertificate, ConfigurationUpdate, ServiceProduced, ServiceRequired};
use super::testing::TestTask;
use chrono::{DateTime, Utc};

use crate::identity::Actor;

use super::event::ApplicationEvent;
use super::sandbox::{Network, VmConfig};
use super::values::ApplicationFields;

#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationCommand {
    pub actor: Actor,
    pub action: ApplicationAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApplicationAction {
    /// Create with the given fields; `created_at` becomes the application's `createTime`.
    Create {
        fields: ApplicationFields,
        created_at: DateTime<Utc>,
    },
    Update(ApplicationFields),
    Delete,
    SelectSandboxHost {
        mep_host_id: String,
    },
    CreateNetwork(Network),
    UpdateNetwork(Network),
    DeleteNetwork {
        network_id: String,
    },
    CreateVm(VmConfig),
    UpdateVm(VmConfig),
    DeleteVm {
        vm_id: String,
    },
    /// Start cleaning the sandbox (operation `operation_id`).
    RequestCleanEnv {
        operation_id: String,
        at: DateTime<Utc>,
    },
    /// The workflow runner records a step of the application's ongoing operation.
    OperationStep {
        operation_id: String,
        events: Vec<ApplicationEvent>,
    },
    CancelOperation {
        operation_id: String,
        at: DateTime<Utc>,
    },
    AddTrafficRule(TrafficRule),
    UpdateTrafficRule(TrafficRule),
    DeleteTrafficRule {
        traffic_rule_id: String,
    },
    AddDnsRule(DnsRule),
    UpdateDnsRule(DnsRule),
    DeleteDnsRule {
        dns_rule_id: String,
    },
    /// Require a capability (the route fills the names from it).
    AddServiceRequired(ServiceRequired),
    /// Replace the entry with the same `serName` (its capability stays).
    UpdateServiceRequired(ServiceRequired),
    DeleteServiceRequired {
        capability_id: String,
    },
    AddServiceProduced(ServiceProduced),
    /// Replace the entry with the same `appServiceProducedId`.
    UpdateServiceProduced(ServiceProduced),
    DeleteServiceProduced {
        app_service_produced_id: String,
    },
    /// Set (or replace) the certificate; its secret key is sealed.
    SetAppCertificate(AppCertificate),
    DeleteAppCertificate,
    /// Replace listed configuration items in place, all or none.
    UpdateConfiguration(ConfigurationUpdate),
    AddScript(AppScript),
    DeleteScript {
        script_id: String,
    },
    /// Add a checked chart (the route stored its archive as `chart.helm_chart_file_id`).
    AddHelmChart {
        chart: HelmChart,
        content: Option<String>,
    },
    /// Replace a chart's archive by one re-packed from the archive `from_file_id` (refused when
    /// the chart has another archive by then: the edit was made on an old one).
    ReplaceHelmChart {
        helm_chart_id: String,
        from_file_id: String,
        archive: ChartArchive,
        content: Option<String>,
    },
    DeleteHelmChart {
        helm_chart_id: String,
    },
    /// Keep a package built from the application (the route stored its CSAR as the archive's
    /// file); it replaces any earlier one.
    GeneratePackage(AppPackage),
    /// Replace the package's archive by one with a file edited, made from the archive
    /// `from_file_id` (refused when the package has another archive by then).
    UpdatePackageFile {
        package_id: String,
        from_file_id: String,
        file_path: String,
        archive: PackageArchive,
    },
    /// Replace the package's archive by one re-packed from `from_file_id` with its manifest
    /// (and signature) computed again; the application becomes PACKAGED.
    ZipPackage {
        package_id: String,
        from_file_id: String,
        archive: PackageArchive,
    },
    /// Record a task the test platform created for the package: the application becomes
    /// TESTED and an operation polls the task.
    StartTest {
        task: TestTask,
        at: DateTime<Utc>,
    },
    /// Record a release the app store published: the application becomes RELEASED.
    ReleaseApp(ReleaseRecord),
}

impl ApplicationAction {
    /// A short name for metrics and logs.
    pub fn name(&self) -> &'static str {
        match self {
            ApplicationAction::Create { .. } => "create",
            ApplicationAction::Update(_) => "update",
            ApplicationAction::Delete => "delete",
            ApplicationAction::SelectSandboxHost { .. } => "select_sandbox_host",
            ApplicationAction::CreateNetwork(_) => "create_network",
            ApplicationAction::UpdateNetwork(_) => "update_network",
            ApplicationAction::DeleteNetwork { .. } => "delete_network",
            ApplicationAction::CreateVm(_) => "create_vm",
            ApplicationAction::UpdateVm(_) => "update_vm",
            ApplicationAction::DeleteVm { .. } => "delete_vm",
            ApplicationAction::RequestCleanEnv { .. } => "clean_env",
            ApplicationAction::OperationStep { .. } => "operation_step",
            ApplicationAction::CancelOperation { .. } => "cancel_operation",
            ApplicationAction::AddTrafficRule(_) => "add_traffic_rule",
            ApplicationAction::UpdateTrafficRule(_) => "update_traffic_rule",
            ApplicationAction::DeleteTrafficRule { .. } => "delete_traffic_rule",
            ApplicationAction::AddDnsRule(_) => "add_dns_rule",
            ApplicationAction::UpdateDnsRule(_) => "update_dns_rule",
            ApplicationAction::DeleteDnsRule { .. } => "delete_dns_rule",
            ApplicationAction::AddServiceRequired(_) => "add_service_required",
            ApplicationAction::UpdateServiceRequired(_) => "update_service_required",
            ApplicationAction::DeleteServiceRequired { .. } => "delete_service_required",
            ApplicationAction::AddServiceProduced(_) => "add_service_produced",
            ApplicationAction::UpdateServiceProduced(_) => "update_service_produced",
            ApplicationAction::DeleteServiceProduced { .. } => "delete_service_produced",
            ApplicationAction::SetAppCertificate(_) => "set_app_certificate",
            ApplicationAction::DeleteAppCertificate => "delete_app_certificate",
            ApplicationAction::UpdateConfiguration(_) => "update_configuration",
            ApplicationAction::AddScript(_) => "add_script",
            ApplicationAction::DeleteScript { .. } => "delete_script",
            ApplicationAction::AddHelmChart { .. } => "add_helm_chart",
            ApplicationAction::ReplaceHelmChart { .. } => "replace_helm_chart",
            ApplicationAction::DeleteHelmChart { .. } => "delete_helm_chart",
            ApplicationAction::GeneratePackage(_) => "generate_package",
            ApplicationAction::UpdatePackageFile { .. } => "update_package_file",
            ApplicationAction::ZipPackage { .. } => "zip_package",
            ApplicationAction::StartTest { .. } => "start_test",
            ApplicationAction::ReleaseApp(_) => "release_app",
        }
    }
}
