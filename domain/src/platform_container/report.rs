//! What the orchestrator reports of a container's workload and pod.

use serde::{Deserialize, Serialize};

/// What the orchestrator reports of a container's pod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodReport {
    pub pod_name: Option<String>,
    pub deployment_name: Option<String>,
    pub replica_set_name: Option<String>,
    /// Kubernetes' pod phase: Pending, Running, Succeeded, Failed, Unknown.
    pub phase: Option<String>,
    /// The waiting or terminated reason of its container (e.g. CrashLoopBackOff).
    pub reason: Option<String>,
    pub message: Option<String>,
    pub restart_count: i32,
    pub pod_ip: Option<String>,
    pub host_ip: Option<String>,
}

/// `text` cut to `max` characters.
fn cut(text: Option<String>, max: usize) -> Option<String> {
    text.map(|t| t.chars().take(max).collect())
}

impl PodReport {
    /// The report with each field cut to its column's width (an orchestrator may say more).
    pub fn bounded(self) -> Self {
        Self {
            pod_name: cut(self.pod_name, 253),
            deployment_name: cut(self.deployment_name, 253),
            replica_set_name: cut(self.replica_set_name, 253),
            phase: cut(self.phase, 20),
            reason: cut(self.reason, 100),
            message: cut(self.message, 4096),
            restart_count: self.restart_count.max(0),
            pod_ip: cut(self.pod_ip, 45),
            host_ip: cut(self.host_ip, 45),
        }
    }
}

/// What the orchestrator reports of a container's workload as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadReport {
    /// Whether its Deployment exists.
    pub exists: bool,
    pub replicas: u32,
    pub paused: bool,
    /// The restart stamp of its pod template (`kubectl.kubernetes.io/restartedAt`).
    pub restarted_at: Option<String>,
    pub pod: Option<PodReport>,
}
