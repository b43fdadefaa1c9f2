//! The LCM port's two implementations and the simulator's HTTP face:
//!
//! - [`simulator`]: in-process, deterministic, with a delay, a failure point and a number of
//!   "still in progress" answers configurable per controller (the default).
//! - [`http`]: the client for a real controller's REST API (`EDGEDEV_LCM=http`).
//! - [`server`]: `edgedev sim lcm`, the simulator served over HTTP on the real API's paths.
//! - [`csar`]: the application package a launch uploads.

pub mod csar;
pub mod http;
pub mod server;
pub mod simulator;

use std::sync::Arc;

use domain::ports::Lcm;

pub use simulator::{SimPlan, SimulatedLcm, MAX_SIM_DELAY_MS};

/// Which LCM edgedev talks to.
#[derive(Clone)]
pub struct LcmAdapter {
    pub port: Arc<dyn Lcm>,
    /// The simulator, when that is what `port` is (its plans can then be set over the API).
    pub simulator: Option<Arc<SimulatedLcm>>,
}

impl LcmAdapter {
    pub fn simulated() -> Self {
        let sim = Arc::new(SimulatedLcm::new("http://simulated-file-server"));
        Self {
            port: sim.clone(),
            simulator: Some(sim),
        }
    }

    /// The client of real controllers; `ca` is a PEM file of extra CAs for HTTPS controllers.
    pub fn http(
        access_token: Option<String>,
        ca: Option<&std::path::Path>,
    ) -> Result<Self, http::ClientError> {
        Ok(Self {
            port: Arc::new(http::HttpLcm::new(access_token, ca)?),
            simulator: None,
        })
    }
}
