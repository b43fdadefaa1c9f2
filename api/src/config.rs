//! Server configuration: where to listen, which database, the data directory and its key.

use std::path::PathBuf;
use std::time::Duration;

/// How long an uploaded file stays temporary before the sweeper deletes it, by default.
pub const DEFAULT_TEMPORARY_FILE_TTL_SECS: u64 = 3600;
/// Months of operation log kept when not configured.
/// Days of container resource usage kept by default.
pub const DEFAULT_USAGE_RETENTION_DAYS: u32 = 30;
pub const DEFAULT_OPERATION_LOG_RETENTION_MONTHS: u32 = 12;

/// Everything `serve` needs, resolved from flags and environment.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on (`EDGEDEV_BIND`); port 0 picks a free port.
    pub bind: String,
    /// `DATABASE_URL`; `None` starts the private cluster in the data directory.
    pub database_url: Option<String>,
    /// `EDGEDEV_DATA_DIR`: the private cluster, the signing key.
    pub data_dir: PathBuf,
    /// `EDGEDEV_JWT_SECRET`: the HS256 key; `None` uses (or creates) `<data_dir>/jwt.key`.
    pub jwt_secret: Option<String>,
    /// `EDGEDEV_JWT_PUBLIC_KEY`: an RSA public key (PEM file); RS256 tokens it verifies are accepted.
    pub jwt_public_key: Option<PathBuf>,
    /// How long a command response waits for its read models (read-your-writes).
    pub read_your_writes_timeout: Duration,
    /// Largest accepted JSON body.
    pub max_body_bytes: usize,
    /// `EDGEDEV_BODY_TIMEOUT_SECS`: how long a request may take to send its whole body (a pause
    /// between two chunks may last at most 15 s of it); later, 408.
    pub body_timeout: Duration,
    /// `EDGEDEV_MAX_UPLOADS`: plugin uploads (and updates) running at once; more answer 429.
    pub max_uploads: usize,
    /// `EDGEDEV_WRITE_RATE_PER_USER`: writes per second (and burst) of one user; `None`: no limit.
    pub write_rate_per_user: Option<crate::rate_limit::Rate>,
    /// `EDGEDEV_WRITE_RATE_PER_ADDRESS`: writes per second (and burst) of one client address.
    pub write_rate_per_address: Option<crate::rate_limit::Rate>,
    /// Database connections in the pool.
    pub max_connections: u32,
    /// HTTP worker threads (0 = one per core).
    pub workers: usize,
    /// Whether this process runs the projections (several processes may; one applies at a time).
    pub run_projections: bool,
    /// Whether this process runs the chainer of the tamper-evident log (with the projections).
    pub run_chain: bool,
    /// The AMQP relay (`AMQP_URL`); `None` leaves it idle.
    pub amqp: Option<projections::relay::RelayConfig>,
    pub operations: OperationsConfig,
    /// How long an uploaded file may stay temporary (used by nothing) before it is deleted.
    pub temporary_file_ttl: Duration,
    pub identity: IdentityConfig,
    /// `EDGEDEV_OPERATION_LOG_RETENTION_MONTHS`: months of operation log kept (0: all).
    pub operation_log_retention_months: u32,
    /// `EDGEDEV_USAGE_RETENTION_DAYS`: days of container resource usage kept (0: all).
    pub usage_retention_days: u32,
    /// `EDGEDEV_METRICS_TOKEN`: the bearer token of `POST /api/v1/metrics/containers` (no
    /// token: ingest is off).
    pub metrics_token: Option<String>,
    /// `EDGEDEV_SUMMARY_REFRESH_MS`: how often `container_summary` is refreshed when what it
    /// reads changed.
    pub summary_refresh: Duration,
    /// `EDGEDEV_PACKAGE_SIGNING_KEY`: the Ed25519 PKCS#8 PEM key file that signs package
    /// manifests (unset: packages are not signed).
    pub package_signing_key: Option<String>,
    /// `EDGEDEV_PACKAGE_SIGNING_CERTIFICATE`: the signer's PEM certificate, put in each package.
    pub package_signing_certificate: Option<String>,
}

/// Logins of the container platform's users.
#[derive(Debug, Clone, Copy)]
pub struct IdentityConfig {
    /// `EDGEDEV_LOGIN_LOCK_AFTER`: failed logins in a row that lock a user.
    pub lock_after: u32,
    /// `EDGEDEV_TOKEN_TTL_SECS`: how long a login's token is valid.
    pub token_ttl: Duration,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            lock_after: 5,
            token_ttl: Duration::from_secs(3600),
        }
    }
}

/// The Kubernetes API server (`EDGEDEV_KUBERNETES_URL`, `_TOKEN`, `_CA`).
#[derive(Debug, Clone)]
pub struct KubernetesConfig {
    pub url: String,
    pub token: Option<String>,
    pub ca: Option<PathBuf>,
}

/// Outside systems, secrets and the workflow runner.
#[derive(Debug, Clone)]
pub struct OperationsConfig {
    /// Talk to each host's real LCM controller over HTTP instead of the in-process simulator.
    pub lcm_http: bool,
    /// `EDGEDEV_ORCHESTRATOR=kubernetes`: the API server containers run on; `None` runs the
    /// in-process simulator.
    pub kubernetes: Option<KubernetesConfig>,
    /// `EDGEDEV_LCM_TOKEN`: the `access_token` sent to a real controller.
    pub lcm_token: Option<String>,
    /// `EDGEDEV_LCM_CA`: a PEM file of CAs trusted for HTTPS controllers, beside the system's.
    pub lcm_ca: Option<PathBuf>,
    /// `EDGEDEV_FILE_SERVER_URL`: the image file server; `None` runs the simulator.
    pub file_server_url: Option<String>,
    /// `EDGEDEV_FILE_SERVER_TOKEN`: the `access_token` sent to the file server.
    pub file_server_token: Option<String>,
    /// `EDGEDEV_TEST_PLATFORM_URL`: the test platform (ATP); `None` runs the simulator.
    pub test_platform_url: Option<String>,
    /// `EDGEDEV_TEST_PLATFORM_TOKEN`: the `access_token` sent to the test platform.
    pub test_platform_token: Option<String>,
    /// `EDGEDEV_APP_STORE_URL`: the app store; `None` runs the simulator.
    pub app_store_url: Option<String>,
    /// `EDGEDEV_APP_STORE_TOKEN`: the `access_token` sent to the app store.
    pub app_store_token: Option<String>,
    /// `EDGEDEV_REVERSE_PROXY_URL`: the reverse proxy of VNC consoles; `None` runs the simulator.
    pub reverse_proxy_url: Option<String>,
    /// `EDGEDEV_REVERSE_PROXY_TOKEN`: the `access_token` sent to the reverse proxy.
    pub reverse_proxy_token: Option<String>,
    /// `EDGEDEV_SECRET_KEY`: base64 AES-256 key; `None` uses (or creates) `<data_dir>/secret.key`.
    pub secret_key: Option<String>,
    /// `EDGEDEV_SECRET_PREVIOUS_KEYS`: earlier keys (comma-separated base64) that still open what
    /// they sealed, besides the lines of `<data_dir>/secret.previous`.
    pub secret_previous_keys: Option<String>,
    /// How often running operations poll LCM.
    pub poll: Duration,
    /// `EDGEDEV_CONTAINER_WATCH_MS`: how often the watcher asks the orchestrator about every
    /// container.
    pub container_watch: Duration,
    /// Whether this process runs operations (several may; each operation runs in one at a time).
    pub run_workflows: bool,
    /// How long operations poll their outside systems (the reference's bounds by default).
    pub deadlines: workflows::Deadlines,
    /// `EDGEDEV_REGISTRY_URL` and its project and credentials: the image registry.
    pub registry: Option<workflows::registry::RegistryConfig>,
}

impl Default for OperationsConfig {
    fn default() -> Self {
        Self {
            lcm_http: false,
            kubernetes: None,
            lcm_token: None,
            lcm_ca: None,
            file_server_url: None,
            file_server_token: None,
            test_platform_url: None,
            test_platform_token: None,
            app_store_url: None,
            app_store_token: None,
            reverse_proxy_url: None,
            reverse_proxy_token: None,
            secret_key: None,
            secret_previous_keys: None,
            poll: Duration::from_secs(5),
            container_watch: Duration::from_secs(5),
            run_workflows: true,
            deadlines: workflows::Deadlines::default(),
            registry: None,
        }
    }
}

impl ServeConfig {
    /// A configuration for tests and tools: given database, port 0, no rate limits, defaults
    /// elsewhere.
    pub fn for_database(database_url: &str, data_dir: PathBuf) -> Self {
        Self {
            bind: "127.0.0.1:0".into(),
            database_url: Some(database_url.into()),
            data_dir,
            jwt_secret: None,
            jwt_public_key: None,
            read_your_writes_timeout: Duration::from_secs(2),
            max_body_bytes: 64 * 1024,
            body_timeout: Duration::from_secs(120),
            max_uploads: 4,
            write_rate_per_user: None,
            write_rate_per_address: None,
            max_connections: 16,
            workers: 2,
            run_projections: true,
            run_chain: true,
            amqp: None,
            operations: OperationsConfig::default(),
            temporary_file_ttl: Duration::from_secs(DEFAULT_TEMPORARY_FILE_TTL_SECS),
            identity: IdentityConfig::default(),
            operation_log_retention_months: DEFAULT_OPERATION_LOG_RETENTION_MONTHS,
            usage_retention_days: DEFAULT_USAGE_RETENTION_DAYS,
            metrics_token: None,
            summary_refresh: Duration::from_secs(5),
            package_signing_key: None,
            package_signing_certificate: None,
        }
    }
}
