//! What the simulated LCM makes of a container application's package, as a Kubernetes cluster
//! would of its charts: the pods (with their containers and images) of every workload object
//! (Deployment, StatefulSet, ReplicaSet: `replicas` pods, at most 5; DaemonSet, Job, Pod: one)
//! and the services with their ports (a NodePort service without a node port gets one from
//! 30000 up). Pod names are `<object>-<n>`, so runs are deterministic.

use std::io::Read;

use domain::ports::{WorkloadService, WorkloadServicePort};
use serde_json::json;
use serde_yaml_ng::Value;

use crate::helm_chart;

/// The most pods one object makes.
const MAX_REPLICAS: u64 = 5;
/// Where a package keeps its charts.
pub const CHARTS_DIR: &str = "Artifacts/Deployment/Charts/";

/// A pod the instance will run: its name and its containers' (name, image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimPod {
    pub name: String,
    pub containers: Vec<(String, String)>,
}

/// The pods and services of a container package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct K8sWorkload {
    pub pods: Vec<SimPod>,
    pub services: Vec<WorkloadService>,
}

/// The workload of a CSAR's charts; `None` for a package without charts (a VM application).
pub fn from_csar(csar: &[u8]) -> Result<Option<K8sWorkload>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(csar))
        .map_err(|e| format!("the package is not a CSAR (zip) file: {e}"))?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with(CHARTS_DIR) && n.ends_with(".tgz"))
        .map(|n| n.into_owned())
        .collect();
    if names.is_empty() {
        return Ok(None);
    }
    let mut workload = K8sWorkload::default();
    for name in names {
        let mut bytes = Vec::new();
        archive
            .by_name(&name)
            .and_then(|mut f| f.read_to_end(&mut bytes).map_err(Into::into))
            .map_err(|e| format!("{name}: {e}"))?;
        let chart =
            helm_chart::read_archive(bytes.as_slice()).map_err(|e| format!("{name}: {e}"))?;
        for object in &chart.objects {
            add_object(object, &mut workload);
        }
    }
    Ok(Some(workload))
}

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut at = value;
    for key in path {
        at = at.get(*key)?;
    }
    at.as_str()
}

fn add_object(object: &Value, workload: &mut K8sWorkload) {
    let kind = text(object, &["kind"]).unwrap_or_default();
    let name = text(object, &["metadata", "name"]).unwrap_or_default();
    let replicas = object
        .get("spec")
        .and_then(|s| s.get("replicas"))
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .min(MAX_REPLICAS);
    let (pod_spec, count) = match kind {
        "Deployment" | "StatefulSet" | "ReplicaSet" => (template_spec(object), replicas),
        "DaemonSet" | "Job" => (template_spec(object), 1),
        "Pod" => (object.get("spec"), 1),
        "Service" => {
            add_service(object, name, workload);
            return;
        }
        _ => return,
    };
    let containers: Vec<(String, String)> = pod_spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_sequence)
        .map(|items| {
            items
                .iter()
                .map(|c| {
                    (
                        text(c, &["name"]).unwrap_or_default().to_owned(),
                        text(c, &["image"]).unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for n in 0..count {
        let pod_name = if kind == "Pod" {
            name.to_owned()
        } else {
            format!("{name}-{n}")
        };
        workload.pods.push(SimPod {
            name: pod_name,
            containers: containers.clone(),
        });
    }
}

fn template_spec(object: &Value) -> Option<&Value> {
    object.get("spec")?.get("template")?.get("spec")
}

fn add_service(object: &Value, name: &str, workload: &mut K8sWorkload) {
    let service_type = text(object, &["spec", "type"]).unwrap_or("ClusterIP");
    let number = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => json!(n.as_u64().unwrap_or_default()),
        Some(Value::String(s)) => json!(s),
        _ => serde_json::Value::Null,
    };
    let ports = object
        .get("spec")
        .and_then(|s| s.get("ports"))
        .and_then(Value::as_sequence)
        .map(|items| items.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    let mut service = WorkloadService {
        service_name: name.to_owned(),
        service_type: service_type.to_owned(),
        ports: Vec::new(),
    };
    for port in ports {
        let given = number(port.get("port"));
        let target = match number(port.get("targetPort")) {
            serde_json::Value::Null => given.clone(),
            other => other,
        };
        let node = match number(port.get("nodePort")) {
            serde_json::Value::Null if service_type == "NodePort" => {
                json!(30000 + workload.services.len() * 10 + service.ports.len())
            }
            other => other,
        };
        service.ports.push(WorkloadServicePort {
            port: given,
            target_port: target,
            node_port: node,
            protocol: text(port, &["protocol"]).unwrap_or("TCP").to_owned(),
            name: text(port, &["name"]).unwrap_or_default().to_owned(),
        });
    }
    workload.services.push(service);
}
