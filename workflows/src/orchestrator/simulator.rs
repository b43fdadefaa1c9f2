//! The simulated orchestrator: Deployments and their one pod in memory, answering like a
//! cluster would. A plan sets a delay before every answer, the call that fails, how many
//! observations a new pod stays `Pending` (its scheduling), and whether it crash-loops or fails
//! once running. Names and addresses are counters, so runs are deterministic.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use domain::platform_container::{PodReport, WorkloadReport};
use domain::ports::{
    Deployment as Desired, Orchestrator, OrchestratorError, OrchestratorFuture, UsageSample,
};
use serde::{Deserialize, Serialize};

/// The longest delay a plan may ask for (a minute).
pub const MAX_DELAY_MS: u64 = 60_000;

/// How the simulator behaves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct OrchestratorPlan {
    /// The call that fails: apply, observe, remove or usage.
    pub fail: Option<String>,
    /// Delay before every answer, in milliseconds.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 60000)]
    pub delay_ms: u64,
    /// Observations a new pod answers `Pending` before it runs (its scheduling).
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 1000)]
    pub pending_polls: u32,
    /// Observations a running pod answers `Running` before it crash-loops (`None`: never).
    #[serde(deserialize_with = "domain::json_integer::optional_integer")]
    #[schema(maximum = 1000)]
    pub crash_after_polls: Option<u32>,
    /// A new pod fails (phase `Failed`) instead of running.
    pub fail_pod: bool,
}

struct Pod {
    name: String,
    replica_set: String,
    pod_ip: String,
    host_ip: String,
    pending_left: u32,
    running_polls: u32,
    restarts: i32,
}

struct Deployment {
    image: String,
    replicas: u32,
    paused: bool,
    restarted_at: Option<String>,
    pod: Option<Pod>,
}

#[derive(Default)]
struct State {
    plan: OrchestratorPlan,
    next: u32,
    deployments: HashMap<(String, String), Deployment>,
    /// Applies that changed a Deployment, by namespace and name.
    changes: HashMap<(String, String), u32>,
}

#[derive(Default)]
pub struct SimulatedOrchestrator {
    state: Mutex<State>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

impl SimulatedOrchestrator {
    pub fn set_plan(&self, plan: OrchestratorPlan) {
        lock(&self.state).plan = plan;
    }

    /// How many applies changed the Deployment `name` in `namespace`.
    pub fn changes(&self, namespace: &str, name: &str) -> u32 {
        lock(&self.state)
            .changes
            .get(&(namespace.to_owned(), name.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// Waits the plan's delay, then fails if `call` is its failure point.
    pub(super) async fn enter(&self, call: &str) -> Result<OrchestratorPlan, OrchestratorError> {
        let plan = lock(&self.state).plan.clone();
        if plan.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(plan.delay_ms.min(MAX_DELAY_MS))).await;
        }
        if plan.fail.as_deref() == Some(call) {
            return Err(OrchestratorError::Rejected {
                status: 500,
                body: format!("simulated failure of {call}"),
            });
        }
        Ok(plan)
    }

    /// Brings Deployment `name` in `namespace` to this state (creating it), as an apply does.
    pub fn apply_raw(
        &self,
        namespace: &str,
        name: &str,
        image: &str,
        replicas: u32,
        paused: bool,
        restarted_at: Option<String>,
    ) {
        let mut state = lock(&self.state);
        let pending = state.plan.pending_polls;
        let key = (namespace.to_owned(), name.to_owned());
        let replicas = replicas.min(1);
        let (changed, new_pod) = match state.deployments.get(&key) {
            None => (true, replicas > 0),
            Some(d) => {
                let template = d.image != image || d.restarted_at != restarted_at;
                (
                    template || d.replicas != replicas || d.paused != paused,
                    replicas > 0 && (template || d.pod.is_none()),
                )
            }
        };
        if !changed {
            return;
        }
        *state.changes.entry(key.clone()).or_default() += 1;
        let pod = if new_pod {
            Some(Self::new_pod(&mut state, name, pending))
        } else if replicas == 0 {
            None
        } else {
            state.deployments.get_mut(&key).and_then(|d| d.pod.take())
        };
        state.deployments.insert(
            key,
            Deployment {
                image: image.to_owned(),
                replicas,
                paused,
                restarted_at,
                pod,
            },
        );
    }

    /// What Deployment `name` in `namespace` and its pod are now (each call is one
    /// observation: a pending pod comes closer to running, a running one to its crash loop).
    pub fn observe_raw(&self, namespace: &str, name: &str) -> WorkloadReport {
        let mut state = lock(&self.state);
        let plan = state.plan.clone();
        let key = (namespace.to_owned(), name.to_owned());
        let Some(deployment) = state.deployments.get_mut(&key) else {
            return WorkloadReport::default();
        };
        let pod = deployment
            .pod
            .as_mut()
            .map(|pod| observe_pod(pod, &plan, name));
        WorkloadReport {
            exists: true,
            replicas: deployment.replicas,
            paused: deployment.paused,
            restarted_at: deployment.restarted_at.clone(),
            pod,
        }
    }

    /// A Deployment's replicas, pause flag and restart stamp, without observing its pod.
    pub fn deployment_raw(
        &self,
        namespace: &str,
        name: &str,
    ) -> Option<(u32, bool, Option<String>)> {
        lock(&self.state)
            .deployments
            .get(&(namespace.to_owned(), name.to_owned()))
            .map(|d| (d.replicas, d.paused, d.restarted_at.clone()))
    }

    /// Deletes Deployment `name` in `namespace`, if it is there.
    pub fn remove_raw(&self, namespace: &str, name: &str) -> bool {
        lock(&self.state)
            .deployments
            .remove(&(namespace.to_owned(), name.to_owned()))
            .is_some()
    }

    /// The usage of a running pod: a little CPU and memory that grow with its observations.
    pub fn usage_raw(&self, namespace: &str, name: &str) -> Option<UsageSample> {
        let state = lock(&self.state);
        let deployment = state
            .deployments
            .get(&(namespace.to_owned(), name.to_owned()))?;
        let pod = deployment.pod.as_ref().filter(|p| p.pending_left == 0)?;
        if state.plan.fail_pod {
            return None;
        }
        Some(UsageSample {
            cpu_cores: 0.05 + f64::from(pod.running_polls % 10) * 0.01,
            memory_bytes: (32 + i64::from(pod.running_polls % 64)) * 1024 * 1024,
        })
    }

    fn new_pod(state: &mut State, name: &str, pending: u32) -> Pod {
        state.next += 1;
        let n = state.next;
        let replica_set = format!("{name}-{:08x}", n.wrapping_mul(2_654_435_761));
        Pod {
            name: format!("{replica_set}-{:05x}", n),
            replica_set,
            pod_ip: format!("10.244.{}.{}", n / 250, n % 250 + 1),
            host_ip: format!("192.168.100.{}", 10 + n % 3),
            pending_left: pending,
            running_polls: 0,
            restarts: 0,
        }
    }
}

/// One observation of a pod.
fn observe_pod(pod: &mut Pod, plan: &OrchestratorPlan, name: &str) -> PodReport {
    let mut report = PodReport {
        pod_name: Some(pod.name.clone()),
        deployment_name: Some(name.to_owned()),
        replica_set_name: Some(pod.replica_set.clone()),
        host_ip: Some(pod.host_ip.clone()),
        ..PodReport::default()
    };
    if pod.pending_left > 0 {
        pod.pending_left -= 1;
        report.phase = Some("Pending".into());
        report.reason = Some("ContainerCreating".into());
        report.host_ip = None;
        return report;
    }
    report.pod_ip = Some(pod.pod_ip.clone());
    if plan.fail_pod {
        report.phase = Some("Failed".into());
        report.reason = Some("Error".into());
        report.message = Some("the container exited with code 1".into());
        return report;
    }
    pod.running_polls += 1;
    report.phase = Some("Running".into());
    if plan
        .crash_after_polls
        .is_some_and(|n| pod.running_polls > n)
    {
        pod.restarts += 1;
        report.reason = Some("CrashLoopBackOff".into());
        report.message = Some(format!(
            "back-off restarting failed container {name} in pod {}",
            pod.name
        ));
    }
    report.restart_count = pod.restarts;
    report
}

impl Orchestrator for SimulatedOrchestrator {
    fn apply<'a>(&'a self, workload: &'a Desired) -> OrchestratorFuture<'a, ()> {
        Box::pin(async move {
            self.enter("apply").await?;
            self.apply_raw(
                &workload.namespace,
                &workload.spec.name,
                &workload.image,
                workload.replicas,
                workload.paused,
                workload.restarted_at.clone(),
            );
            Ok(())
        })
    }

    fn observe<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> OrchestratorFuture<'a, WorkloadReport> {
        Box::pin(async move {
            self.enter("observe").await?;
            Ok(self.observe_raw(namespace, name))
        })
    }

    fn remove<'a>(&'a self, namespace: &'a str, name: &'a str) -> OrchestratorFuture<'a, ()> {
        Box::pin(async move {
            self.enter("remove").await?;
            self.remove_raw(namespace, name);
            Ok(())
        })
    }

    fn usage<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> OrchestratorFuture<'a, Option<UsageSample>> {
        Box::pin(async move {
            self.enter("usage").await?;
            Ok(self.usage_raw(namespace, name))
        })
    }
}
