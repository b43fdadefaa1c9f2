//! The test platform port's two implementations and the simulator's HTTP face:
//!
//! - [`simulator`]: in-process, deterministic: the status every task ends with, polls answered
//!   "running" first, a delay, a failing call (the default).
//! - [`http`]: the client of a real test platform (`EDGEDEV_TEST_PLATFORM_URL`).
//! - [`server`]: `edgedev sim test-platform`, the simulator served over HTTP on the real paths.

pub mod http;
pub mod server;
pub mod simulator;

use std::sync::Arc;

use domain::ports::TestPlatform;

pub use simulator::{SimulatedTestPlatform, TestPlatformPlan};

/// Which test platform edgedev talks to.
#[derive(Clone)]
pub struct TestPlatformAdapter {
    pub port: Arc<dyn TestPlatform>,
    /// The simulator, when that is what `port` is (its plan can then be set over the API).
    pub simulator: Option<Arc<SimulatedTestPlatform>>,
}

impl TestPlatformAdapter {
    pub fn simulated() -> Self {
        let sim = Arc::new(SimulatedTestPlatform::default());
        Self {
            port: sim.clone(),
            simulator: Some(sim),
        }
    }

    /// The client of the real test platform at `base`.
    pub fn http(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            port: Arc::new(http::HttpTestPlatform::new(base, access_token)?),
            simulator: None,
        })
    }
}
