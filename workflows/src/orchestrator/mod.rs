//! The orchestrator port's implementations:
//!
//! - [`simulator`]: in-process and deterministic (the default): scheduling delay, pod and host
//!   IPs, restarts, a configurable crash loop, failure injection per call.
//! - [`kubernetes`]: the client of a Kubernetes API server (`EDGEDEV_ORCHESTRATOR=kubernetes`).
//! - [`server`]: `edgedev sim kubernetes`, the simulator on the Kubernetes API's paths.
//! - [`manifest`]: the Deployment a container is, and reading Deployments and pods back.
//!
//! What runs against it — the lifecycle operations and the watcher — is in
//! [`crate::platform_container`].

pub mod kubernetes;
pub mod manifest;
pub mod server;
pub mod simulator;

use std::sync::Arc;

use domain::ports::Orchestrator;

pub use simulator::{OrchestratorPlan, SimulatedOrchestrator};

/// Which orchestrator edgedev talks to.
#[derive(Clone)]
pub struct OrchestratorAdapter {
    pub port: Arc<dyn Orchestrator>,
    /// The simulator, when that is what `port` is (its plan can then be set over the API).
    pub simulator: Option<Arc<SimulatedOrchestrator>>,
}

impl OrchestratorAdapter {
    /// The client of the API server at `base`.
    pub fn kubernetes(
        base: &str,
        token: Option<String>,
        ca: Option<&std::path::Path>,
    ) -> Result<Self, crate::lcm::http::ClientError> {
        Ok(Self {
            port: Arc::new(kubernetes::KubernetesClient::new(base, token, ca)?),
            simulator: None,
        })
    }

    pub fn simulated() -> Self {
        let sim = Arc::new(SimulatedOrchestrator::default());
        Self {
            port: sim.clone(),
            simulator: Some(sim),
        }
    }
}
