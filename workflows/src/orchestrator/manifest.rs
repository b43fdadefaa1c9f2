//! The Kubernetes objects of a container: the Deployment an apply sends (server-side apply), and
//! what a Deployment and its pods say, read back into a [`WorkloadReport`].

use domain::platform_container::{EnvSource, PodReport, WorkloadReport};
use domain::ports::{Deployment, VolumeSource};
use serde_json::{json, Map, Value};

/// The label that selects a container's pods.
pub const CONTAINER_LABEL: &str = "edgedev.io/container";
/// The pod template annotation a restart stamps.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

fn volume_name(id: i64) -> String {
    format!("volume-{id}")
}

/// The Deployment manifest of `deployment`.
pub fn deployment_manifest(deployment: &Deployment) -> Value {
    let spec = &deployment.spec;
    let name = &spec.name;
    let ports: Vec<Value> = spec
        .ports
        .iter()
        .map(|p| {
            let mut port =
                json!({ "containerPort": p.container_port, "protocol": p.protocol.as_str() });
            if let Some(n) = &p.name {
                port["name"] = json!(n);
            }
            if let Some(host) = p.host_port {
                port["hostPort"] = json!(host);
            }
            port
        })
        .collect();
    let env: Vec<Value> = spec
        .env
        .iter()
        .map(|var| match &var.source {
            EnvSource::Literal { value } => json!({ "name": var.name, "value": value }),
            EnvSource::ConfigMap { name, key } => json!({ "name": var.name,
                "valueFrom": { "configMapKeyRef": { "name": name, "key": key } } }),
            EnvSource::Secret { name, key } => json!({ "name": var.name,
                "valueFrom": { "secretKeyRef": { "name": name, "key": key } } }),
        })
        .collect();
    let mut resources = json!({});
    for (kind, field, value) in [
        ("requests", "cpu", &spec.cpu_request),
        ("limits", "cpu", &spec.cpu_limit),
        ("requests", "memory", &spec.memory_request),
        ("limits", "memory", &spec.memory_limit),
    ] {
        if let Some(value) = value {
            resources[kind][field] = json!(value);
        }
    }
    let mounts: Vec<Value> = spec
        .volume_mounts
        .iter()
        .map(|m| {
            let mut mount = json!({ "name": volume_name(m.volume_id), "mountPath": m.mount_path,
                "readOnly": m.read_only });
            if let Some(sub) = &m.sub_path {
                mount["subPath"] = json!(sub);
            }
            mount
        })
        .collect();
    let volumes: Vec<Value> = deployment
        .volumes
        .iter()
        .map(|v| {
            let source = match &v.source {
                VolumeSource::Claim { claim_name } => {
                    json!({ "persistentVolumeClaim": { "claimName": claim_name } })
                }
                VolumeSource::ConfigMap { name } => json!({ "configMap": { "name": name } }),
                VolumeSource::Secret { name } => json!({ "secret": { "secretName": name } }),
                VolumeSource::HostPath { path } => json!({ "hostPath": { "path": path } }),
                VolumeSource::EmptyDir { size_limit } => match size_limit {
                    Some(limit) => json!({ "emptyDir": { "sizeLimit": limit } }),
                    None => json!({ "emptyDir": {} }),
                },
            };
            let mut volume = source;
            volume["name"] = json!(volume_name(v.id));
            volume
        })
        .collect();
    let mut annotations = Map::new();
    if let Some(stamp) = &deployment.restarted_at {
        annotations.insert(RESTARTED_AT.into(), json!(stamp));
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": deployment.namespace,
            "labels": { "app.kubernetes.io/managed-by": "edgedev", CONTAINER_LABEL: name },
        },
        "spec": {
            "replicas": deployment.replicas,
            "paused": deployment.paused,
            "selector": { "matchLabels": { CONTAINER_LABEL: name } },
            "template": {
                "metadata": { "labels": { CONTAINER_LABEL: name }, "annotations": annotations },
                "spec": {
                    "containers": [{
                        "name": name,
                        "image": deployment.image,
                        "ports": ports,
                        "env": env,
                        "resources": resources,
                        "volumeMounts": mounts,
                    }],
                    "volumes": volumes,
                },
            },
        },
    })
}

/// What a Deployment object says: (replicas, paused, restart stamp, first container's image).
pub fn deployment_state(object: &Value) -> (u32, bool, Option<String>, String) {
    let spec = &object["spec"];
    let replicas = spec["replicas"]
        .as_u64()
        .map_or(1, |r| r.min(u64::from(u32::MAX)) as u32);
    let paused = spec["paused"].as_bool().unwrap_or(false);
    let stamp = spec["template"]["metadata"]["annotations"][RESTARTED_AT]
        .as_str()
        .map(str::to_owned);
    let image = spec["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (replicas, paused, stamp, image)
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

/// A pod object read as a [`PodReport`].
pub fn pod_report(pod: &Value, deployment: &str) -> PodReport {
    let status = &pod["status"];
    let container = &status["containerStatuses"][0];
    let state = &container["state"];
    let why = if state["waiting"].is_object() {
        &state["waiting"]
    } else if state["terminated"].is_object() {
        &state["terminated"]
    } else {
        status
    };
    PodReport {
        pod_name: text(&pod["metadata"]["name"]),
        deployment_name: Some(deployment.to_owned()),
        replica_set_name: text(&pod["metadata"]["ownerReferences"][0]["name"]),
        phase: text(&status["phase"]),
        reason: text(&why["reason"]),
        message: text(&why["message"]),
        restart_count: container["restartCount"]
            .as_i64()
            .map_or(0, |n| n.clamp(0, i64::from(i32::MAX)) as i32),
        pod_ip: text(&status["podIP"]),
        host_ip: text(&status["hostIP"]),
    }
    .bounded()
}

/// The report of a Deployment object and the pods its label selects (the newest one counts).
pub fn workload_report(deployment: &Value, pods: &Value, name: &str) -> WorkloadReport {
    let (replicas, paused, restarted_at, _) = deployment_state(deployment);
    let newest = pods["items"].as_array().and_then(|items| {
        items
            .iter()
            .max_by_key(|p| p["metadata"]["creationTimestamp"].as_str().unwrap_or(""))
    });
    WorkloadReport {
        exists: true,
        replicas,
        paused,
        restarted_at,
        pod: newest.map(|p| pod_report(p, name)),
    }
}

/// A pod object of what `report` says (the simulator's answer on Kubernetes' paths).
pub fn pod_object(namespace: &str, report: &PodReport, created: u64) -> Value {
    let mut state = json!({ "running": {} });
    if report.phase.as_deref() != Some("Running") || report.reason.is_some() {
        let key = if report.phase.as_deref() == Some("Failed") {
            "terminated"
        } else {
            "waiting"
        };
        state = json!({ key: { "reason": report.reason, "message": report.message } });
    }
    json!({
        "metadata": {
            "name": report.pod_name,
            "namespace": namespace,
            "creationTimestamp": format!("{created:020}"),
            "ownerReferences": [{ "kind": "ReplicaSet", "name": report.replica_set_name }],
        },
        "status": {
            "phase": report.phase,
            "podIP": report.pod_ip,
            "hostIP": report.host_ip,
            "containerStatuses": [{ "restartCount": report.restart_count, "state": state }],
        },
    })
}
