//! The image file server port's two implementations and the simulator's HTTP face:
//!
//! - [`simulator`]: in-process, files on disk, deterministic, with a delay, a failure point,
//!   "in progress" polls and forced results (the default).
//! - [`http`]: the client of a real file server (`EDGEDEV_FILE_SERVER_URL`).
//! - [`server`]: `edgedev sim file-server`, the simulator served over HTTP on the real paths.

pub mod http;
pub mod server;
pub mod simulator;

use std::path::Path;
use std::sync::Arc;

use domain::ports::FileServer;

pub use simulator::{FileServerPlan, SimulatedFileServer};

/// Which file server edgedev talks to.
#[derive(Clone)]
pub struct FileServerAdapter {
    pub port: Arc<dyn FileServer>,
    /// The simulator, when that is what `port` is (its plan can then be set over the API).
    pub simulator: Option<Arc<SimulatedFileServer>>,
}

impl FileServerAdapter {
    /// The simulator, keeping its files under `dir`.
    pub fn simulated(dir: &Path) -> Self {
        let sim = Arc::new(SimulatedFileServer::new(dir));
        Self {
            port: sim.clone(),
            simulator: Some(sim),
        }
    }

    /// The client of the real file server at `base`.
    pub fn http(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            port: Arc::new(http::HttpFileServer::new(base, access_token)?),
            simulator: None,
        })
    }
}
