//! What a container application's launch works with (its plan: the application, the K8S host,
//! the charts) and what it leaves (the instantiate info with the pods, their containers and the
//! services LCM reports).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::vm::HostSnapshot;

/// A chart as a launch packs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchChart {
    pub id: String,
    /// The archive's file name (`Artifacts/Deployment/Charts/<name>` in the package).
    pub name: String,
    pub helm_chart_file_id: String,
}

/// Everything a container launch needs, fixed when it is requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerLaunchPlan {
    pub app_id: String,
    pub app_name: String,
    pub app_version: String,
    pub app_provider: String,
    /// The LCM tenant: the application's owner.
    pub tenant: String,
    pub host: HostSnapshot,
    pub charts: Vec<LaunchChart>,
    /// Chosen by edgedev (the original did too), sent with instantiate.
    pub app_instance_id: String,
}

/// One container of a pod, with the usage LCM reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInfo {
    pub name: String,
    pub cpu_usage: String,
    pub mem_usage: String,
    pub disk_usage: String,
}

/// One pod of the instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodInfo {
    pub name: String,
    pub pod_status: String,
    /// The workload events LCM reported for the pod, one per line.
    pub events_info: Option<String>,
    pub containers: Vec<ContainerInfo>,
}

/// One port of a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePortInfo {
    pub port: String,
    pub target_port: String,
    pub node_port: String,
}

/// One service of the instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub service_type: String,
    pub ports: Vec<ServicePortInfo>,
}

/// `tbl_container_app_instantiate_info` with the pods and services of the instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInstance {
    pub operation_id: String,
    pub app_package_id: Option<String>,
    pub mepm_package_id: Option<String>,
    pub distributed_mec_host: Option<String>,
    pub app_instance_id: Option<String>,
    pub status: Option<String>,
    pub log: Option<String>,
    pub instantiate_time: Option<DateTime<Utc>>,
    pub pods: Vec<PodInfo>,
    pub services: Vec<ServiceInfo>,
}
