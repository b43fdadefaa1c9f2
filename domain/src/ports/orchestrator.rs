//! The orchestrator (Kubernetes) the container platform's containers run on: each container is
//! one Deployment (named as the container, in its namespace's Kubernetes namespace) with one
//! pod template; start and stop scale it to 1 and 0, pause scales it to 0 and marks it paused,
//! restart stamps its pod template as `kubectl rollout restart` does. Every call is idempotent:
//! applying what is already there changes nothing.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::platform_container::{ContainerSpec, WorkloadReport};

/// A call to the orchestrator: a boxed future, so the port can live behind `dyn`.
pub type OrchestratorFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, OrchestratorError>> + Send + 'a>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrchestratorError {
    #[error("the orchestrator is unreachable: {0}")]
    Unreachable(String),
    #[error("the orchestrator refused the request ({status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("the orchestrator answered something unexpected: {0}")]
    Malformed(String),
}

/// The Deployment of one container as it should be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The Kubernetes namespace.
    pub namespace: String,
    /// `repository/name:tag`.
    pub image: String,
    pub spec: ContainerSpec,
    pub replicas: u32,
    pub paused: bool,
    /// The pod template's restart stamp (a restart sets a new one; others keep the last).
    pub restarted_at: Option<String>,
    /// The volumes its mounts name, by volume id.
    pub volumes: Vec<PodVolume>,
}

/// A volume of the pod: the namespace's volume `id`, and where its content comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodVolume {
    pub id: i64,
    pub source: VolumeSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum VolumeSource {
    Claim { claim_name: String },
    ConfigMap { name: String },
    Secret { name: String },
    HostPath { path: String },
    EmptyDir { size_limit: Option<String> },
}

pub trait Orchestrator: Send + Sync {
    /// Creates the Deployment, or brings an existing one to this state.
    fn apply<'a>(&'a self, deployment: &'a Deployment) -> OrchestratorFuture<'a, ()>;
    /// What the Deployment `name` in `namespace` and its pod are now.
    fn observe<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> OrchestratorFuture<'a, WorkloadReport>;
    /// Deletes the Deployment (one that is not there counts as deleted).
    fn remove<'a>(&'a self, namespace: &'a str, name: &'a str) -> OrchestratorFuture<'a, ()>;
    /// The pod's resource usage now, if it runs (the metrics API's view).
    fn usage<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> OrchestratorFuture<'a, Option<UsageSample>>;
}

/// A pod's resource usage at one moment, as the metrics API gives it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageSample {
    pub cpu_cores: f64,
    pub memory_bytes: i64,
}
