//! The app store port's two implementations and the simulator's HTTP face:
//!
//! - [`simulator`]: in-process, deterministic: packages kept in memory, a delay, a failing call
//!   and its `retCode` (the default).
//! - [`http`]: the client of a real app store (`EDGEDEV_APP_STORE_URL`).
//! - [`server`]: `edgedev sim app-store`, the simulator served over HTTP on the real paths.

pub mod http;
pub mod server;
pub mod simulator;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use domain::ports::AppStore;

pub use simulator::{AppStorePlan, SimulatedAppStore};

/// Which app store edgedev talks to.
#[derive(Clone)]
pub struct AppStoreAdapter {
    pub port: Arc<dyn AppStore>,
    /// The simulator, when that is what `port` is (its plan can then be set over the API).
    pub simulator: Option<Arc<SimulatedAppStore>>,
}

impl AppStoreAdapter {
    pub fn simulated() -> Self {
        let sim = Arc::new(SimulatedAppStore::default());
        Self {
            port: sim.clone(),
            simulator: Some(sim),
        }
    }

    /// The client of the real app store at `base`.
    pub fn http(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            port: Arc::new(http::HttpAppStore::new(base, access_token)?),
            simulator: None,
        })
    }
}
