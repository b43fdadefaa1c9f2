//! The state every HTTP handler shares: the pool, the command executor, the projection runtime
//! (for read-your-writes waits), metrics, the file store, secrets, the LCM adapter and the
//! workflow runner; and the helpers that use it (offloading database work, waiting for a position,
//! loading an aggregate, recording a command's latency).

use std::time::{Duration, Instant};

use commands::{CommandExecutor, LogPosition};
use db::Pool;
use projections::ProjectionRuntime;

use crate::error::ApiError;
use crate::metrics::Metrics;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub executor: CommandExecutor,
    pub runtime: ProjectionRuntime,
    pub metrics: Metrics,
    pub read_your_writes_timeout: Duration,
    /// The content-addressed file store.
    pub files: crate::files::FileStore,
    /// The runtime that owns the database connections. Handlers run on actix's per-worker
    /// runtimes; database work is sent here, so a connection's I/O is never driven by another
    /// worker's (possibly busy) runtime.
    pub database_runtime: tokio::runtime::Handle,
    /// Seals passwords before they reach a command.
    pub secrets: commands::secrets::SecretBox,
    /// The LCM controllers (simulated or real).
    pub lcm: workflows::lcm::LcmAdapter,
    pub orchestrator: workflows::orchestrator::OrchestratorAdapter,
    /// The image file server (simulated or real).
    pub file_server: workflows::file_server::FileServerAdapter,
    /// The app store (simulated or real).
    pub app_store: workflows::app_store::AppStoreAdapter,
    /// The test platform (simulated or real).
    pub test_platform: workflows::test_platform::TestPlatformAdapter,
    /// The reverse proxy of VNC consoles (simulated or real).
    pub reverse_proxy: workflows::reverse_proxy::ProxyAdapter,
    /// The image registry container images are pushed to, when one is configured.
    pub registry: Option<workflows::registry::RegistryClient>,
    /// Permits for uploads running at once (each holds staged files and a connection).
    pub uploads: std::sync::Arc<tokio::sync::Semaphore>,
    /// The workflow runner of long-running operations.
    pub workflows: workflows::Workflows,
    /// Login lockout and token lifetime.
    pub identity: crate::config::IdentityConfig,
    /// Signs package manifests, when a key is configured.
    pub package_signer: Option<std::sync::Arc<workflows::package::Signer>>,
    /// The SHA-256 of the metrics ingest token, when ingest is on.
    pub metrics_token: Option<Vec<u8>>,
    /// Writes the operation-log records no command carried.
    pub operation_log: crate::audit::writer::OperationLogWriter,
}

impl AppState {
    /// Waits until `names` have applied `position`; false when the bound passed first.
    pub async fn wait_visible(&self, names: &[&str], position: LogPosition) -> bool {
        self.runtime
            .board()
            .wait_for(
                names,
                (position.txid, position.position),
                self.read_your_writes_timeout,
            )
            .await
    }

    /// Runs `work` (database work) on the database runtime and returns its result.
    pub async fn offload<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: std::future::Future<Output = Result<T, ApiError>> + Send + 'static,
        T: Send + 'static,
    {
        self.database_runtime
            .spawn(crate::request_context::RequestInfo::carried_into(work))
            .await
            .unwrap_or_else(|e| Err(ApiError::internal(&format!("request task failed: {e}"))))
    }

    /// Loads an aggregate's current state from its events (for checks a handler makes before a
    /// command, and for commands on several aggregates).
    pub async fn load<A: cqrs_es::Aggregate>(&self, id: &str) -> Result<A, ApiError> {
        self.executor
            .store()
            .load::<A>(id)
            .await
            .map(|(aggregate, _)| aggregate)
            .map_err(|e| ApiError::internal(&format!("cannot load {} {id}: {e:?}", A::TYPE)))
    }

    /// The projections that read events of `aggregate_type`: a command's answer waits for them.
    pub fn readers_of(&self, aggregate_type: &str) -> Vec<&'static str> {
        self.runtime.readers_of(aggregate_type)
    }

    /// Records a command's latency.
    pub fn observe_command(&self, aggregate: &str, command: &str, outcome: &str, started: Instant) {
        self.metrics
            .command_duration
            .with_label_values(&[aggregate, command, outcome])
            .observe(started.elapsed().as_secs_f64());
    }
}
