//! The orchestrator port's implementations:
//!
//! - [`simulator`]: in-process and deterministic (the default): scheduling delay, pod and host
//!   IPs, restarts, a configurable crash loop, failure injection per call.
//!
//! What runs against it — the lifecycle operations and the watcher — is in
//! [`crate::platform_container`].

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
    pub fn simulated() -> Self {
        let sim = Arc::new(SimulatedOrchestrator::default());
        Self {
            port: sim.clone(),
            simulator: Some(sim),
        }
    }
}
