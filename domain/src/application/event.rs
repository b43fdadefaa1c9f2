//! Application events: past-tense facts with the data a reader needs. Wire names are the variant
//! names; versions are pinned once, in `wire_names!` below. Envelope data (who, when,
//! correlation) travels in the event metadata, not here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::helm_charts::{ChartArchive, HelmChart};
use super::package::{AppPackage, PackageArchive};
use super::release::Release;
use super::rules::{DnsRule, TrafficRule};
use super::sandbox::{Network, VmConfig};
use super::scripts::AppScript;
use super::services::{AppCertificate, ServiceProduced, ServiceRequired};
use super::testing::TestTask;
use super::values::{AppStatus, ApplicationFields};
use crate::operation::OperationEvent;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum ApplicationEvent {
    /// An application was created, owned by `owner_id` (status CREATED).
    ApplicationCreated {
        #[serde(flatten)]
        fields: ApplicationFields,
        owner_id: String,
        owner_name: String,
        /// The application's `createTime`, a field of the resource (not the append time).
        created_at: DateTime<Utc>,
    },
    /// Its basic fields were replaced.
    ApplicationUpdated {
        #[serde(flatten)]
        fields: ApplicationFields,
    },
    /// A sandbox edge host was selected for it.
    SandboxHostSelected {
        mep_host_id: String,
    },
    /// Its life-cycle status moved.
    ApplicationStatusChanged {
        from: AppStatus,
        to: AppStatus,
    },
    /// It was deleted; its (name, version, provider) is free again.
    ApplicationDeleted {},
    /// A network was added (also the default networks of a new VM application).
    NetworkCreated {
        network: Network,
    },
    NetworkUpdated {
        network: Network,
    },
    NetworkDeleted {
        network_id: String,
    },
    /// A virtual machine was configured (status NOT_DEPLOY); its password is sealed.
    VmCreated {
        vm: VmConfig,
    },
    /// A virtual machine's configuration was replaced (ports recreated, certificate upserted).
    VmUpdated {
        vm: VmConfig,
    },
    VmDeleted {
        vm_id: String,
    },
    /// A MEC traffic rule was declared (its id unique in the application).
    TrafficRuleAdded {
        rule: TrafficRule,
    },
    TrafficRuleUpdated {
        rule: TrafficRule,
    },
    TrafficRuleDeleted {
        traffic_rule_id: String,
    },
    /// A MEC DNS rule was declared (its id unique in the application).
    DnsRuleAdded {
        rule: DnsRule,
    },
    DnsRuleUpdated {
        rule: DnsRule,
    },
    DnsRuleDeleted {
        dns_rule_id: String,
    },
    /// The application requires a capability (its id and `serName` unique in the application).
    ServiceRequiredAdded {
        service: ServiceRequired,
    },
    ServiceRequiredUpdated {
        service: ServiceRequired,
    },
    ServiceRequiredDeleted {
        capability_id: String,
    },
    /// The application produces a service (its `serviceName` unique in the application).
    ServiceProducedAdded {
        service: ServiceProduced,
    },
    ServiceProducedUpdated {
        service: ServiceProduced,
    },
    ServiceProducedDeleted {
        app_service_produced_id: String,
    },
    /// The application's certificate was set; the secret key is sealed.
    AppCertificateSet {
        certificate: AppCertificate,
    },
    AppCertificateDeleted {},
    /// A script (an uploaded file) was added to the application.
    ScriptAdded {
        script: AppScript,
    },
    ScriptDeleted {
        script_id: String,
    },
    /// A helm chart (an uploaded archive) was added to a container application. `content` is
    /// the text of its manifests when short (see `helm_charts::MAX_TEMPLATE_TEXT`).
    HelmChartAdded {
        chart: HelmChart,
        content: Option<String>,
    },
    /// A chart's archive was replaced by a re-packed one (an inner file was modified).
    HelmChartReplaced {
        helm_chart_id: String,
        archive: ChartArchive,
        content: Option<String>,
    },
    HelmChartDeleted {
        helm_chart_id: String,
    },
    /// A package (a CSAR) was built from the application; it replaces any earlier one.
    PackageGenerated {
        package: AppPackage,
    },
    /// A file inside the package was edited: the package has a new archive, whose manifest is
    /// stale until it is re-packed.
    PackageFileUpdated {
        package_id: String,
        file_path: String,
        archive: PackageArchive,
    },
    /// The package was re-packed with its manifest (and signature) computed again.
    PackageZipped {
        package_id: String,
        archive: PackageArchive,
    },
    /// The test platform created a task for the package (followed by the move to TESTED and the
    /// operation that polls it).
    TestTaskCreated {
        task: TestTask,
    },
    /// The test platform reported another status for the task.
    TestTaskStatusChanged {
        task_id: String,
        status: String,
    },
    /// The app store published the application's tested package; the services it produces
    /// became capabilities (followed by the move to RELEASED).
    ApplicationReleased {
        release: Release,
    },
    /// A step of an operation on the application (clean-env); wire names are the operation's.
    #[serde(untagged)]
    Operation(OperationEvent),
}

crate::wire_names!(ApplicationEvent => ApplicationEventKind {
    ApplicationCreated = "1",
    ApplicationUpdated = "1",
    SandboxHostSelected = "1",
    ApplicationStatusChanged = "1",
    ApplicationDeleted = "1",
    NetworkCreated = "1",
    NetworkUpdated = "1",
    NetworkDeleted = "1",
    VmCreated = "1",
    VmUpdated = "1",
    VmDeleted = "1",
    TrafficRuleAdded = "1",
    TrafficRuleUpdated = "1",
    TrafficRuleDeleted = "1",
    DnsRuleAdded = "1",
    DnsRuleUpdated = "1",
    DnsRuleDeleted = "1",
    ServiceRequiredAdded = "1",
    ServiceRequiredUpdated = "1",
    ServiceRequiredDeleted = "1",
    ServiceProducedAdded = "1",
    ServiceProducedUpdated = "1",
    ServiceProducedDeleted = "1",
    AppCertificateSet = "1",
    AppCertificateDeleted = "1",
    ScriptAdded = "1",
    ScriptDeleted = "1",
    HelmChartAdded = "1",
    HelmChartReplaced = "1",
    HelmChartDeleted = "1",
    PackageGenerated = "1",
    PackageFileUpdated = "1",
    PackageZipped = "1",
    TestTaskCreated = "1",
    TestTaskStatusChanged = "1",
    ApplicationReleased = "1",
} nested Operation);
