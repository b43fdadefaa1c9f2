//! The LCM/MEPM controller of a sandbox edge host, its resource controller and the image file
//! server it exports to (reference section 4). One trait, so a host's whole outside world can be
//! simulated or reached over HTTP as one.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

/// A call to an outside system: a boxed future, so the port can live behind `dyn`.
pub type PortFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, LcmError>> + Send + 'a>>;

/// Where a host's controller listens: `lcmProtocol://lcmIp:lcmPort`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LcmEndpoint {
    pub protocol: String,
    pub ip: String,
    pub port: u16,
}

impl LcmEndpoint {
    pub fn base_url(&self) -> String {
        format!("{}://{}:{}", self.protocol, self.ip, self.port)
    }
}

/// How a call failed. The message is kept as the operation's error ("lcm log").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LcmError {
    #[error("LCM is unreachable: {0}")]
    Unreachable(String),
    #[error("LCM refused the request ({status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("LCM answered something unexpected: {0}")]
    Malformed(String),
}

/// `POST /lcmcontroller/v1/tenants/{t}/hosts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostRegistration {
    pub mechost_ip: String,
    pub mechost_name: String,
    pub city: String,
    pub affinity: String,
    pub vim: String,
    pub origin: String,
}

/// What an uploaded package is known as on LCM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadedPackage {
    pub app_id: String,
    pub package_id: String,
}

/// A package's distribution to one host: `Distributed`, `killed`, `error` or still in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    pub app_name: String,
    pub status: String,
    pub error: Option<String>,
}

/// `POST .../app_instances/{id}/instantiate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstantiateRequest {
    pub host_ip: String,
    pub app_name: String,
    pub package_id: String,
    pub parameters: BTreeMap<String, String>,
}

/// The workload of an app instance: `Instantiated`, `Failure`, or in progress. A VM instance
/// reports its VMs; a container instance its pods and services.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workload {
    pub status: String,
    pub msg: String,
    pub vms: Vec<WorkloadVm>,
    pub pods: Vec<WorkloadPod>,
    pub services: Vec<WorkloadService>,
    /// The raw answer, kept as the instance's log.
    pub raw: String,
}

/// A pod of a container instance (LCM's `{podname, podstatus, containers}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkloadPod {
    #[serde(rename = "podname")]
    pub pod_name: String,
    #[serde(rename = "podstatus")]
    pub pod_status: String,
    #[serde(default)]
    pub containers: Vec<WorkloadContainer>,
}

/// A container of a pod with its usage (`{containername, metricsusage{cpuusage, memusage,
/// diskusage}}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkloadContainer {
    #[serde(rename = "containername")]
    pub container_name: String,
    #[serde(rename = "metricsusage", default)]
    pub metrics_usage: MetricsUsage,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MetricsUsage {
    #[serde(rename = "cpuusage", default)]
    pub cpu_usage: String,
    #[serde(rename = "memusage", default)]
    pub mem_usage: String,
    #[serde(rename = "diskusage", default)]
    pub disk_usage: String,
}

/// A service of a container instance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadService {
    pub service_name: String,
    #[serde(rename = "type", default)]
    pub service_type: String,
    #[serde(default)]
    pub ports: Vec<WorkloadServicePort>,
}

/// A port of a service (numbers as LCM sends them, kept as text).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadServicePort {
    #[serde(default)]
    pub port: serde_json::Value,
    #[serde(default)]
    pub target_port: serde_json::Value,
    #[serde(default)]
    pub node_port: serde_json::Value,
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub name: String,
}

/// The events of one pod (`GET .../workload/events`: `{pods:[{podName, podEventsInfo[]}]}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodEvents {
    pub pod_name: String,
    #[serde(default)]
    pub pod_events_info: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadVm {
    pub vm_id: String,
    pub vnc_url: String,
    pub networks: Vec<WorkloadNetwork>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadNetwork {
    pub name: String,
    pub ip: String,
}

/// An image being created from a VM on the host (resource controller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStatus {
    pub image_id: String,
    pub image_name: String,
    pub status: String,
    /// download | compressing | waiting | pushing | Success | Failure
    pub compress_task_status: String,
    /// Where the file server keeps the image.
    pub resource_url: String,
}

/// The file server's check of an exported image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageFileCheck {
    /// 0, 1 or 2: checked; 4: in progress; anything else: failed.
    pub status: i32,
    pub msg: String,
    pub checksum: Option<String>,
    pub format: String,
    pub size: i64,
    pub file_name: String,
}

/// The controller API of a host. `tenant` is the acting user's id (the path parameter).
pub trait Lcm: Send + Sync {
    fn health<'a>(&'a self, at: &'a LcmEndpoint) -> PortFuture<'a, ()>;
    fn register_host<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host: &'a HostRegistration,
    ) -> PortFuture<'a, ()>;
    /// `POST /lcmcontroller/v2/tenants/{t}/configuration`: the host's kubeconfig.
    fn upload_config<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        file_name: &'a str,
        config: Vec<u8>,
    ) -> PortFuture<'a, ()>;
    fn upload_package<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        file_name: &'a str,
        csar: Vec<u8>,
    ) -> PortFuture<'a, UploadedPackage>;
    fn distribute<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, ()>;
    fn distribution<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, Distribution>;
    fn instantiate<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
        request: &'a InstantiateRequest,
    ) -> PortFuture<'a, ()>;
    fn workload<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, Workload>;
    /// `GET .../app_instances/{id}/workload/events`: what happened to each pod.
    fn workload_events<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, Vec<PodEvents>>;
    fn terminate<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, ()>;
    /// Deletes the package from the host, then from LCM.
    fn delete_package<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, ()>;
    /// Asks the resource controller to image a VM; returns the image id.
    fn create_image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        vm_instance_id: &'a str,
        name: &'a str,
    ) -> PortFuture<'a, String>;
    /// Asks the resource controller for a console of a running VM; returns its URL.
    fn create_console<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        vm_instance_id: &'a str,
    ) -> PortFuture<'a, String>;
    fn image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        image_id: &'a str,
    ) -> PortFuture<'a, ImageStatus>;
    fn delete_image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        image_id: &'a str,
    ) -> PortFuture<'a, ()>;
    /// The file server's check of an exported image, found at `resource_url`.
    fn check_image_file<'a>(&'a self, resource_url: &'a str) -> PortFuture<'a, ImageFileCheck>;
}
