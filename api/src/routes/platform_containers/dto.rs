//! The JSON shapes of the container platform's containers and their conversion to the
//! PlatformContainer aggregate's spec.

use chrono::{DateTime, Utc};
use domain::platform_container::{
    ContainerSpec, ContainerSpecError, EnvSource, EnvVar, PortSpec, Protocol, VolumeMount,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};

/// A port of a container.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortInput {
    /// A DNS-1123 label of at most 15 characters, once per container.
    #[schema(max_length = 15, pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    pub name: Option<String>,
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(minimum = 1, maximum = 65535)]
    pub container_port: u16,
    /// TCP (the default) or UDP; a container port and protocol once per container.
    #[schema(pattern = "^(TCP|UDP)$")]
    pub protocol: Option<String>,
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    #[schema(minimum = 1, maximum = 65535)]
    pub host_port: Option<u16>,
    /// 30000-32767, once per container.
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    #[schema(minimum = 30000, maximum = 32767)]
    pub node_port: Option<u16>,
}

/// Where a variable's value comes from: one key of a config map or of a secret of the
/// namespace (exactly one of `configMap` and `secret`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValueFromInput {
    #[schema(
        max_length = 253,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    )]
    pub config_map: Option<String>,
    #[schema(
        max_length = 253,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    )]
    pub secret: Option<String>,
    #[schema(min_length = 1, max_length = 253, pattern = r"^[-._a-zA-Z0-9]+$")]
    pub key: String,
}

/// An environment variable: a literal `value`, or `valueFrom` (exactly one). A secret's value
/// is never copied anywhere: the container reads it when it runs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvInput {
    #[schema(
        min_length = 1,
        max_length = 253,
        pattern = r"^[A-Za-z_][-._A-Za-z0-9]*$"
    )]
    pub name: String,
    #[schema(max_length = 65536)]
    pub value: Option<String>,
    pub value_from: Option<ValueFromInput>,
}

/// A volume of the namespace mounted into the container.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MountInput {
    /// One of the namespace's volumes.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(minimum = 1)]
    pub volume_id: i64,
    /// Absolute, without `..`; once per container.
    #[schema(min_length = 1, max_length = 500, pattern = "^/")]
    pub mount_path: String,
    pub read_only: Option<bool>,
    /// Relative, without `..`.
    #[schema(min_length = 1, max_length = 500, pattern = "^[^/]")]
    pub sub_path: Option<String>,
}

/// The body of a container's creation or replacement.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInput {
    /// A DNS-1123 label, unique in the namespace; also its Deployment's name; cannot change.
    #[schema(
        example = "web",
        min_length = 1,
        max_length = 63,
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    )]
    pub name: String,
    #[schema(min_length = 1, max_length = 253)]
    pub display_name: Option<String>,
    /// A registered image (`/api/v1/images`).
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(minimum = 1)]
    pub image_id: i64,
    /// Kubernetes quantities (`250m`, `1`, `128Mi`); a request at most its limit.
    #[schema(example = "250m", max_length = 20)]
    pub cpu_request: Option<String>,
    #[schema(example = "1", max_length = 20)]
    pub cpu_limit: Option<String>,
    #[schema(example = "64Mi", max_length = 20)]
    pub memory_request: Option<String>,
    #[schema(example = "128Mi", max_length = 20)]
    pub memory_limit: Option<String>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub ports: Vec<PortInput>,
    #[serde(default)]
    #[schema(max_items = 200)]
    pub env: Vec<EnvInput>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub volume_mounts: Vec<MountInput>,
}

fn field(message: impl Into<String>, param: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, message).with_params(vec![param.to_owned()])
}

impl ContainerInput {
    /// The validated spec.
    pub(super) fn spec(&self) -> Result<ContainerSpec, ApiError> {
        let mut ports = Vec::new();
        for p in &self.ports {
            let protocol = match p.protocol.as_deref() {
                None | Some("TCP") => Protocol::Tcp,
                Some("UDP") => Protocol::Udp,
                Some(_) => return Err(field("protocol must be TCP or UDP", "protocol")),
            };
            ports.push(PortSpec {
                name: p.name.clone(),
                container_port: p.container_port,
                protocol,
                host_port: p.host_port,
                node_port: p.node_port,
            });
        }
        let mut env = Vec::new();
        for var in &self.env {
            let source = match (&var.value, &var.value_from) {
                (Some(value), None) => EnvSource::Literal {
                    value: value.clone(),
                },
                (None, Some(from)) => match (&from.config_map, &from.secret) {
                    (Some(name), None) => EnvSource::ConfigMap {
                        name: name.clone(),
                        key: from.key.clone(),
                    },
                    (None, Some(name)) => EnvSource::Secret {
                        name: name.clone(),
                        key: from.key.clone(),
                    },
                    _ => {
                        return Err(field(
                            "valueFrom names exactly one of configMap and secret",
                            "valueFrom",
                        ))
                    }
                },
                _ => {
                    return Err(field(
                        "an environment variable has exactly one of value and valueFrom",
                        "env",
                    ))
                }
            };
            env.push(EnvVar {
                name: var.name.clone(),
                source,
            });
        }
        ContainerSpec {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            image_id: self.image_id,
            cpu_request: self.cpu_request.clone(),
            cpu_limit: self.cpu_limit.clone(),
            memory_request: self.memory_request.clone(),
            memory_limit: self.memory_limit.clone(),
            ports,
            env,
            volume_mounts: self
                .volume_mounts
                .iter()
                .map(|m| VolumeMount {
                    volume_id: m.volume_id,
                    mount_path: m.mount_path.clone(),
                    read_only: m.read_only.unwrap_or(false),
                    sub_path: m.sub_path.clone(),
                })
                .collect(),
        }
        .validated()
        .map_err(invalid)
    }
}

/// The answer to a spec that breaks a rule.
pub(super) fn invalid(error: ContainerSpecError) -> ApiError {
    use ContainerSpecError as E;
    let param = match &error {
        E::Name => "name",
        E::DisplayName => "displayName",
        E::Quantity(field) => field,
        E::RequestAboveLimit("cpu") => "cpuRequest",
        E::RequestAboveLimit(_) => "memoryRequest",
        E::TooMany(field, _) => field,
        E::Port | E::DuplicatePort(..) => "containerPort",
        E::NodePort => "nodePort",
        E::PortName => "ports",
        E::EnvName | E::DuplicateEnv(_) | E::EnvValue => "env",
        E::EnvSource => "valueFrom",
        E::MountPath | E::DuplicateMountPath(_) => "mountPath",
        E::SubPath => "subPath",
    };
    field(error.to_string(), param)
}

/// A port as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPortBody {
    pub name: Option<String>,
    pub container_port: i32,
    pub protocol: Option<String>,
    pub host_port: Option<i32>,
    pub node_port: Option<i32>,
    pub service_name: Option<String>,
    pub service_port: Option<i32>,
}
db::from_row!(ContainerPortBody {
    name,
    container_port,
    protocol,
    host_port,
    node_port,
    service_name,
    service_port
});

/// A variable as the API shows it (a secret-sourced one without a value).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerEnvBody {
    pub name: String,
    pub value: Option<String>,
    /// literal, config_map or secret.
    pub value_from: Option<String>,
    pub source_name: Option<String>,
    pub source_key: Option<String>,
}
db::from_row!(ContainerEnvBody {
    name,
    value,
    value_from,
    source_name,
    source_key
});

/// A mount as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerMountBody {
    pub volume_id: i64,
    pub volume_name: Option<String>,
    pub mount_path: String,
    pub read_only: Option<bool>,
    pub sub_path: Option<String>,
}
db::from_row!(ContainerMountBody {
    volume_id,
    volume_name,
    mount_path,
    read_only,
    sub_path
});

/// A container as `container_details` shows it, with its ports, variables and mounts.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerBody {
    pub id: i64,
    pub namespace_id: Option<i64>,
    pub name: String,
    pub display_name: Option<String>,
    pub image_id: Option<i64>,
    /// pending, running, paused, stopped, failed or crash_loop_back_off.
    pub status: Option<String>,
    pub phase: Option<String>,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub kubernetes_name: String,
    pub pod_name: Option<String>,
    pub pod_ip: Option<String>,
    pub host_ip: Option<String>,
    pub restart_count: Option<i32>,
    pub cpu_request: Option<String>,
    pub cpu_limit: Option<String>,
    pub memory_request: Option<String>,
    pub memory_limit: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub namespace_name: Option<String>,
    pub namespace_k8s_name: Option<String>,
    pub image_name: Option<String>,
    pub image_tag: Option<String>,
    pub image_repository: Option<String>,
    pub created_by_username: Option<String>,
    pub created_by_full_name: Option<String>,
    /// Seconds since it started, while running.
    pub uptime_seconds: Option<f64>,
    pub cpu_usage_percent: Option<f64>,
    pub memory_usage_percent: Option<f64>,
    pub last_metric_timestamp: Option<DateTime<Utc>>,
    pub ports: Vec<ContainerPortBody>,
    pub env: Vec<ContainerEnvBody>,
    pub volume_mounts: Vec<ContainerMountBody>,
}
db::from_row!(ContainerBody { id, namespace_id, name, display_name, image_id, status, phase, reason, message, kubernetes_name, pod_name, pod_ip, host_ip, restart_count, cpu_request, cpu_limit, memory_request, memory_limit, started_at, finished_at, created_at, updated_at, namespace_name, namespace_k8s_name, image_name, image_tag, image_repository, created_by_username, created_by_full_name, uptime_seconds, cpu_usage_percent, memory_usage_percent, last_metric_timestamp; ports, env, volume_mounts });

/// One change of a container's status.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusChangeBody {
    pub id: i64,
    pub previous_status: Option<String>,
    pub current_status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    /// user, system or kubernetes.
    pub triggered_by: Option<String>,
    pub user_id: Option<i64>,
    pub operation_id: Option<String>,
}
db::from_row!(StatusChangeBody {
    id,
    previous_status,
    current_status,
    reason,
    message,
    changed_at,
    triggered_by,
    user_id,
    operation_id
});

/// Filters of the container list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ContainerQuery {
    /// Only containers in this status.
    #[param(pattern = "^(pending|running|paused|stopped|failed|crash_loop_back_off)$")]
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// `?force=true` deletes a running container.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    pub force: Option<bool>,
}

/// Paging of a container's status history.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}
