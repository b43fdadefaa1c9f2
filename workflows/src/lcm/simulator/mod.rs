//! The simulated LCM controller (with its resource controller and image file server): keeps
//! packages, instances and images in memory and answers like the real one. Per controller
//! (`lcmIp:lcmPort`, or one plan for the whole process) a [`SimPlan`] sets a delay for every call,
//! the call that fails, and how many polls answer "in progress" first. Ids are counters, so runs
//! are deterministic. A container application's package is read like a cluster would
//! ([`k8s`]): its instance reports the pods, containers and services its charts declare.

pub mod k8s;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use domain::ports::{
    Distribution, HostRegistration, ImageFileCheck, ImageStatus, InstantiateRequest, Lcm,
    LcmEndpoint, LcmError, MetricsUsage, PodEvents, PortFuture, UploadedPackage, Workload,
    WorkloadContainer, WorkloadNetwork, WorkloadPod, WorkloadVm,
};
use serde::{Deserialize, Serialize};

/// The longest delay a plan may ask for (a minute).
pub const MAX_SIM_DELAY_MS: u64 = 60_000;

/// How the simulator behaves for one controller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct SimPlan {
    /// The call that fails: health, registerHost, uploadConfig, upload, distribute, distribution, instantiate,
    /// workload, workloadEvents, terminate, deletePackage, createImage, createConsole, image,
    /// deleteImage, checkImage.
    pub fail: Option<String>,
    /// Delay before every answer, in milliseconds.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 60000)]
    pub delay_ms: u64,
    /// Polls (distribution, workload, image, image check) answered "in progress" before the end.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    pub pending_polls: u32,
    /// The final workload status (default `Instantiated`; `Failure` makes the instance fail).
    pub workload_status: Option<String>,
    /// The final distribution status (default `Distributed`; `killed` or `error` fail it).
    pub distribution_status: Option<String>,
    /// The status every pod of a container instance reports once instantiated (default
    /// `Running`; e.g. `Pending` or `CrashLoopBackOff`: it never runs).
    pub pod_status: Option<String>,
}

#[derive(Default)]
struct State {
    next_id: u64,
    plans: HashMap<String, SimPlan>,
    packages: HashMap<String, Package>,
    instances: HashMap<String, Instance>,
    images: HashMap<String, Image>,
    /// Kubeconfigs by host IP: (file name, content).
    configs: HashMap<String, (String, Vec<u8>)>,
}

struct Package {
    app_id: String,
    name: String,
    pending: HashMap<String, u32>,
    /// What a container package runs (`None` for a VM package).
    k8s: Option<k8s::K8sWorkload>,
}

struct Instance {
    host_ip: String,
    pending: u32,
    parameters: BTreeMap<String, String>,
    k8s: Option<k8s::K8sWorkload>,
}

struct Image {
    name: String,
    pending: u32,
    check_pending: u32,
}

pub struct SimulatedLcm {
    state: Mutex<State>,
    file_server: String,
    default_plan: Mutex<SimPlan>,
}

const ANY: &str = "*";

impl SimulatedLcm {
    /// `file_server` is the base URL exported images are said to be at.
    pub fn new(file_server: &str) -> Self {
        Self {
            state: Mutex::new(State::default()),
            file_server: file_server.trim_end_matches('/').to_owned(),
            default_plan: Mutex::new(SimPlan::default()),
        }
    }

    /// Sets the plan of the controller at `lcm_ip` (`*` for every controller without its own).
    pub fn set_plan(&self, lcm_ip: &str, plan: SimPlan) {
        if lcm_ip == ANY {
            *lock(&self.default_plan) = plan;
        } else {
            lock(&self.state).plans.insert(lcm_ip.to_owned(), plan);
        }
    }

    fn plan(&self, at: &LcmEndpoint) -> SimPlan {
        lock(&self.state)
            .plans
            .get(&at.ip)
            .cloned()
            .unwrap_or_else(|| lock(&self.default_plan).clone())
    }

    /// Waits the plan's delay, then fails if `call` is its failure point.
    async fn enter(&self, at: &LcmEndpoint, call: &str) -> Result<SimPlan, LcmError> {
        let plan = self.plan(at);
        if plan.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(plan.delay_ms)).await;
        }
        if plan.fail.as_deref() == Some(call) {
            return Err(LcmError::Rejected {
                status: 500,
                body: format!("simulated failure of {call}"),
            });
        }
        Ok(plan)
    }

    /// The kubeconfig last uploaded for `host_ip`: its file name and content.
    pub fn config_of(&self, host_ip: &str) -> Option<(String, Vec<u8>)> {
        lock(&self.state).configs.get(host_ip).cloned()
    }

    /// The hosts a package was sent to (for the HTTP face's package query).
    pub fn distributed_hosts(&self, package_id: &str) -> Vec<String> {
        lock(&self.state)
            .packages
            .get(package_id)
            .map(|p| p.pending.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether a VM instance the workload reported (`vm-<app instance id>`) runs.
    fn has_server(&self, vm_instance_id: &str) -> bool {
        lock(&self.state)
            .instances
            .keys()
            .any(|id| format!("vm-{id}") == vm_instance_id)
    }

    fn id(&self, prefix: &str) -> String {
        let mut state = lock(&self.state);
        state.next_id += 1;
        format!("{prefix}-{:08}", state.next_id)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn not_found(what: &str, id: &str) -> LcmError {
    LcmError::Rejected {
        status: 404,
        body: format!("{what} {id} not found"),
    }
}

/// Counts one poll down; true while still in progress.
fn still_pending(counter: &mut u32) -> bool {
    if *counter > 0 {
        *counter -= 1;
        true
    } else {
        false
    }
}

/// A container instance's workload: its pods `Pending` while instantiating, then in the plan's
/// pod status (`Running` by default) with their containers' usage.
fn container_workload(
    k8s: &k8s::K8sWorkload,
    status: &str,
    pending: bool,
    plan: &SimPlan,
) -> Workload {
    let pod_status = if pending {
        "Pending".to_owned()
    } else {
        plan.pod_status
            .clone()
            .unwrap_or_else(|| "Running".to_owned())
    };
    let running = pod_status == "Running";
    let pods: Vec<WorkloadPod> = k8s
        .pods
        .iter()
        .map(|pod| WorkloadPod {
            pod_name: pod.name.clone(),
            pod_status: pod_status.clone(),
            containers: pod
                .containers
                .iter()
                .enumerate()
                .map(|(i, (name, _))| WorkloadContainer {
                    container_name: name.clone(),
                    metrics_usage: MetricsUsage {
                        cpu_usage: if running {
                            format!("0.0{}", i + 1)
                        } else {
                            "0".into()
                        },
                        mem_usage: if running {
                            format!("0.{}", i + 2)
                        } else {
                            "0".into()
                        },
                        disk_usage: if running { "0.05".into() } else { "0".into() },
                    },
                })
                .collect(),
        })
        .collect();
    let raw =
        serde_json::json!({"status": status, "pods": pods, "services": k8s.services}).to_string();
    Workload {
        status: status.to_owned(),
        msg: if pending {
            "instantiating".into()
        } else if status != "Instantiated" {
            format!("simulated workload {status}")
        } else {
            format!("pods {pod_status}")
        },
        vms: Vec::new(),
        pods,
        services: k8s.services.clone(),
        raw,
    }
}

/// The image id at the end of a file-server URL.
fn image_id_of(url: &str) -> &str {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

impl Lcm for SimulatedLcm {
    fn health<'a>(&'a self, at: &'a LcmEndpoint) -> PortFuture<'a, ()> {
        Box::pin(async move { self.enter(at, "health").await.map(|_| ()) })
    }

    fn register_host<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        _host: &'a HostRegistration,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move { self.enter(at, "registerHost").await.map(|_| ()) })
    }

    fn upload_config<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        host_ip: &'a str,
        file_name: &'a str,
        config: Vec<u8>,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            self.enter(at, "uploadConfig").await?;
            if config.is_empty() {
                return Err(LcmError::Rejected {
                    status: 400,
                    body: "the configuration file is empty".into(),
                });
            }
            lock(&self.state)
                .configs
                .insert(host_ip.to_owned(), (file_name.to_owned(), config));
            Ok(())
        })
    }

    fn upload_package<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        file_name: &'a str,
        csar: Vec<u8>,
    ) -> PortFuture<'a, UploadedPackage> {
        Box::pin(async move {
            self.enter(at, "upload").await?;
            if csar.len() < 4 || &csar[..2] != b"PK" {
                return Err(LcmError::Rejected {
                    status: 400,
                    body: "the package is not a CSAR (zip) file".into(),
                });
            }
            let k8s =
                k8s::from_csar(&csar).map_err(|body| LcmError::Rejected { status: 400, body })?;
            let package_id = self.id("pkg");
            let app_id = self.id("app");
            let name = file_name.trim_end_matches(".csar").to_owned();
            lock(&self.state).packages.insert(
                package_id.clone(),
                Package {
                    app_id: app_id.clone(),
                    name,
                    pending: HashMap::new(),
                    k8s,
                },
            );
            Ok(UploadedPackage { app_id, package_id })
        })
    }

    fn distribute<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let plan = self.enter(at, "distribute").await?;
            let mut state = lock(&self.state);
            let package = state
                .packages
                .get_mut(package_id)
                .ok_or_else(|| not_found("package", package_id))?;
            package
                .pending
                .insert(host_ip.to_owned(), plan.pending_polls);
            Ok(())
        })
    }

    fn distribution<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, Distribution> {
        Box::pin(async move {
            let plan = self.enter(at, "distribution").await?;
            let mut state = lock(&self.state);
            let package = state
                .packages
                .get_mut(package_id)
                .ok_or_else(|| not_found("package", package_id))?;
            let app_name = package.name.clone();
            let _ = &package.app_id;
            let counter = package
                .pending
                .get_mut(host_ip)
                .ok_or_else(|| not_found("distribution to host", host_ip))?;
            let status = if still_pending(counter) {
                "Distributing".to_owned()
            } else {
                plan.distribution_status
                    .unwrap_or_else(|| "Distributed".to_owned())
            };
            let error = (status == "error" || status == "killed")
                .then(|| format!("simulated distribution {status}"));
            Ok(Distribution {
                app_name,
                status,
                error,
            })
        })
    }

    fn instantiate<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        app_instance_id: &'a str,
        request: &'a InstantiateRequest,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let plan = self.enter(at, "instantiate").await?;
            let mut state = lock(&self.state);
            let k8s = state
                .packages
                .get(&request.package_id)
                .ok_or_else(|| not_found("package", &request.package_id))?
                .k8s
                .clone();
            state.instances.insert(
                app_instance_id.to_owned(),
                Instance {
                    host_ip: request.host_ip.clone(),
                    pending: plan.pending_polls,
                    parameters: request.parameters.clone(),
                    k8s,
                },
            );
            Ok(())
        })
    }

    fn workload<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, Workload> {
        Box::pin(async move {
            let plan = self.enter(at, "workload").await?;
            let mut state = lock(&self.state);
            let instance = state
                .instances
                .get_mut(app_instance_id)
                .ok_or_else(|| not_found("app instance", app_instance_id))?;
            let pending = still_pending(&mut instance.pending);
            let status = if pending {
                "Instantiating".to_owned()
            } else {
                plan.workload_status
                    .clone()
                    .unwrap_or_else(|| "Instantiated".to_owned())
            };
            if let Some(k8s) = &instance.k8s {
                return Ok(container_workload(k8s, &status, pending, &plan));
            }
            if pending {
                return Ok(Workload {
                    status,
                    msg: "instantiating".into(),
                    raw: r#"{"status":"Instantiating"}"#.into(),
                    ..Workload::default()
                });
            }
            if status != "Instantiated" {
                return Ok(Workload {
                    msg: format!("simulated workload {status}"),
                    raw: format!(r#"{{"status":"{status}"}}"#),
                    status,
                    ..Workload::default()
                });
            }
            let networks: Vec<WorkloadNetwork> = instance
                .parameters
                .iter()
                .filter_map(|(key, ip)| {
                    let plane = key.strip_prefix("VDU1_")?.strip_suffix("_IP")?;
                    Some(WorkloadNetwork {
                        name: plane.to_owned(),
                        ip: ip.clone(),
                    })
                })
                .collect();
            let vm = WorkloadVm {
                vm_id: format!("vm-{app_instance_id}"),
                vnc_url: format!(
                    "https://{}:6080/vnc_auto.html?token={app_instance_id}",
                    instance.host_ip
                ),
                networks,
            };
            let raw = serde_json::json!({"status": "Instantiated", "data": [vm]}).to_string();
            Ok(Workload {
                status,
                msg: "success".into(),
                vms: vec![vm],
                raw,
                ..Workload::default()
            })
        })
    }

    fn workload_events<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, Vec<PodEvents>> {
        Box::pin(async move {
            self.enter(at, "workloadEvents").await?;
            let state = lock(&self.state);
            let instance = state
                .instances
                .get(app_instance_id)
                .ok_or_else(|| not_found("app instance", app_instance_id))?;
            let pods = instance.k8s.as_ref().map_or(&[][..], |k| &k.pods);
            Ok(pods
                .iter()
                .map(|pod| {
                    let mut events = vec![format!(
                        "Scheduled: Successfully assigned default/{} to {}",
                        pod.name, instance.host_ip
                    )];
                    for (name, image) in &pod.containers {
                        events.push(format!("Pulled: Container image \"{image}\" present"));
                        events.push(format!("Started: Started container {name}"));
                    }
                    PodEvents {
                        pod_name: pod.name.clone(),
                        pod_events_info: events,
                    }
                })
                .collect())
        })
    }

    fn terminate<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            self.enter(at, "terminate").await?;
            lock(&self.state).instances.remove(app_instance_id);
            Ok(())
        })
    }

    fn delete_package<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        package_id: &'a str,
        _host_ip: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            self.enter(at, "deletePackage").await?;
            lock(&self.state).packages.remove(package_id);
            Ok(())
        })
    }

    fn create_image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        _host_ip: &'a str,
        vm_instance_id: &'a str,
        name: &'a str,
    ) -> PortFuture<'a, String> {
        Box::pin(async move {
            let plan = self.enter(at, "createImage").await?;
            if !self.has_server(vm_instance_id) {
                return Err(not_found("server", vm_instance_id));
            }
            let id = self.id("image");
            lock(&self.state).images.insert(
                id.clone(),
                Image {
                    name: name.to_owned(),
                    pending: plan.pending_polls,
                    check_pending: plan.pending_polls,
                },
            );
            Ok(id)
        })
    }

    fn create_console<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        host_ip: &'a str,
        vm_instance_id: &'a str,
    ) -> PortFuture<'a, String> {
        Box::pin(async move {
            self.enter(at, "createConsole").await?;
            if !self.has_server(vm_instance_id) {
                return Err(not_found("server", vm_instance_id));
            }
            let token = self.id("console");
            Ok(format!(
                "https://{host_ip}:6080/vnc_auto.html?path=websockify%3Ftoken%3D{token}"
            ))
        })
    }

    fn image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        _host_ip: &'a str,
        image_id: &'a str,
    ) -> PortFuture<'a, ImageStatus> {
        Box::pin(async move {
            self.enter(at, "image").await?;
            let mut state = lock(&self.state);
            let image = state
                .images
                .get_mut(image_id)
                .ok_or_else(|| not_found("image", image_id))?;
            let compress = if still_pending(&mut image.pending) {
                "compressing"
            } else {
                "Success"
            };
            Ok(ImageStatus {
                image_id: image_id.to_owned(),
                image_name: image.name.clone(),
                status: "active".into(),
                compress_task_status: compress.into(),
                resource_url: format!("{}/image-management/v1/images/{image_id}", self.file_server),
            })
        })
    }

    fn delete_image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        _tenant: &'a str,
        _host_ip: &'a str,
        image_id: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            self.enter(at, "deleteImage").await?;
            lock(&self.state).images.remove(image_id);
            Ok(())
        })
    }

    fn check_image_file<'a>(&'a self, resource_url: &'a str) -> PortFuture<'a, ImageFileCheck> {
        Box::pin(async move {
            let plan = lock(&self.default_plan).clone();
            if plan.fail.as_deref() == Some("checkImage") {
                return Err(LcmError::Rejected {
                    status: 500,
                    body: "simulated failure of checkImage".into(),
                });
            }
            let id = image_id_of(resource_url);
            let mut state = lock(&self.state);
            let image = state
                .images
                .get_mut(id)
                .ok_or_else(|| not_found("image file", id))?;
            if still_pending(&mut image.check_pending) {
                return Ok(ImageFileCheck {
                    status: 4,
                    msg: "checking".into(),
                    ..ImageFileCheck::default()
                });
            }
            use sha2::Digest;
            let digest = sha2::Sha256::digest(id.as_bytes());
            let checksum: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            Ok(ImageFileCheck {
                status: 0,
                msg: "check success".into(),
                checksum: Some(checksum),
                format: "qcow2".into(),
                size: 1_073_741_824 + i64::from(digest[0]),
                file_name: format!("{}.qcow2", image.name),
            })
        })
    }
}
