//! The command line's arguments (clap): every subcommand and flag, each flag with its
//! environment variable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use domain::Role;

use super::audit::AuditAction;
use super::verify::VerifyAction;
use crate::subscribe::SubscribeArgs;

#[derive(Debug, Parser)]
#[command(
    name = "edgedev",
    version,
    about = "Event-sourced backend of the edge-application developer platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log format.
    #[arg(
        long,
        global = true,
        env = "EDGEDEV_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server and the projections.
    Serve(Box<ServeArgs>),
    /// Apply, revert or list the database migrations.
    Migrate {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Mint a token for the configured signing key.
    Token(TokenArgs),
    /// Consume events from RabbitMQ: declare a durable quorum queue with a dead-letter exchange,
    /// bind it, and print each event as one JSON line.
    Subscribe(SubscribeArgs),
    /// Run a simulator of an outside system.
    Sim {
        #[command(subcommand)]
        system: SimSystem,
    },
    /// Manage the container platform's users.
    Users {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Rotate the key secrets are sealed with.
    Secrets {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: SecretsAction,
    },
    /// Read the log: an aggregate's history with diffs, its state as of a moment, who did what.
    Audit {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Prove the log and the read models right: the tamper-evident chain, the projections.
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: VerifyAction,
    },
    /// Inspect, rebuild or resume projections.
    Projections {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: ProjectionsAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Create the first administrator on a system without users (the password is read from
    /// standard input, one line).
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// AES-256-GCM key the password hash is sealed with (base64 of 32 bytes); unset uses
        /// <data dir>/secret.key, as the server does.
        #[arg(long, env = "EDGEDEV_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretsAction {
    /// Re-seal every namespace secret under the current key (new events); with `--generate`,
    /// first replace the data directory's key with a new one, keeping the old one as an earlier
    /// key. Restart the servers after a `--generate` so they seal with the new key.
    RotateKey {
        /// Generate a new key in the data directory (not with EDGEDEV_SECRET_KEY: put the new
        /// key there and the old one in EDGEDEV_SECRET_PREVIOUS_KEYS instead).
        #[arg(long)]
        generate: bool,
        #[arg(long, env = "EDGEDEV_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<String>,
        #[arg(long, env = "EDGEDEV_SECRET_PREVIOUS_KEYS", hide_env_values = true)]
        secret_previous_keys: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SimSystem {
    /// The LCM/MEPM controller (with resource controller and image file server) over HTTP, on the
    /// real API's paths; `PUT /simulator/plan` sets delays and failure points.
    Lcm {
        #[arg(long, default_value = "127.0.0.1:30204")]
        bind: String,
    },
    /// The reverse proxy of VNC consoles over HTTP, on the real API's paths.
    ReverseProxy {
        #[arg(long, default_value = "127.0.0.1:30101")]
        bind: String,
    },
    /// The orchestrator over HTTP, on the Kubernetes API's paths (Deployments, pods, metrics);
    /// `PUT /simulator/plan` sets delays, failure points, scheduling and crash loops.
    Kubernetes {
        #[arg(long, default_value = "127.0.0.1:6443")]
        bind: String,
    },
    /// The test platform over HTTP, on the real API's paths (`/edgegallery/atp/v1/tasks`);
    /// `PUT /simulator/plan` sets results, pending polls, delays and failure points.
    TestPlatform {
        #[arg(long, default_value = "127.0.0.1:8073")]
        bind: String,
    },
    /// The app store over HTTP, on the real API's paths (`/mec/appstore/...`); `PUT
    /// /simulator/plan` sets delays and failure points.
    AppStore {
        #[arg(long, default_value = "127.0.0.1:8099")]
        bind: String,
    },
    /// The image file server over HTTP, on the real API's paths (`/image-management/v1/images`);
    /// `PUT /simulator/plan` sets delays, failure points and forced results.
    FileServer {
        #[arg(long, default_value = "127.0.0.1:9501")]
        bind: String,
        /// Where chunks and images are kept.
        #[arg(long, default_value = "file-server-sim")]
        dir: PathBuf,
    },
}

/// Where the database is: `DATABASE_URL`, or the private cluster in the data directory.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL URL; unset starts the private cluster in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Data directory: private cluster, signing key.
    #[arg(
        long,
        env = "EDGEDEV_DATA_DIR",
        default_value = "./.edgedev",
        global = true
    )]
    pub data_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "EDGEDEV_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// HS256 signing key; unset uses (or creates) <data dir>/jwt.key.
    #[arg(long, env = "EDGEDEV_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// RSA public key (PEM file) of an outside token issuer: RS256 tokens it signs are accepted too.
    #[arg(long, env = "EDGEDEV_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<PathBuf>,
    /// Seconds a request may take to send its whole body (pauses of at most 15 s); later, 408.
    #[arg(long, env = "EDGEDEV_BODY_TIMEOUT_SECS", default_value_t = 120)]
    pub body_timeout_secs: u64,
    /// Plugin uploads (and updates) running at once; more answer 429 with Retry-After.
    #[arg(long, env = "EDGEDEV_MAX_UPLOADS", default_value_t = 4)]
    pub max_uploads: usize,
    /// Writes per second of one user, `RATE/BURST` or `off`; more answer 429 with Retry-After.
    #[arg(long, env = "EDGEDEV_WRITE_RATE_PER_USER", default_value = "20/40")]
    pub write_rate_per_user: crate::rate_limit::RateSetting,
    /// Writes per second of one client address, `RATE/BURST` or `off`.
    #[arg(
        long,
        env = "EDGEDEV_WRITE_RATE_PER_ADDRESS",
        default_value = "100/200"
    )]
    pub write_rate_per_address: crate::rate_limit::RateSetting,
    /// Seconds an uploaded file may stay temporary (named by nothing) before it is deleted.
    #[arg(long, env = "EDGEDEV_TEMPORARY_FILE_TTL_SECS", default_value_t = crate::config::DEFAULT_TEMPORARY_FILE_TTL_SECS)]
    pub temporary_file_ttl_secs: u64,
    /// Months of the container platform's operation log kept; older months are dropped (0: keep all).
    #[arg(long, env = "EDGEDEV_OPERATION_LOG_RETENTION_MONTHS", default_value_t = crate::config::DEFAULT_OPERATION_LOG_RETENTION_MONTHS)]
    pub operation_log_retention_months: u32,
    /// Days of container resource usage kept; older days are dropped (0: keep all).
    #[arg(long, env = "EDGEDEV_USAGE_RETENTION_DAYS", default_value_t = crate::config::DEFAULT_USAGE_RETENTION_DAYS)]
    pub usage_retention_days: u32,
    /// How often the container summary is refreshed when what it reads changed, in milliseconds.
    #[arg(long, env = "EDGEDEV_SUMMARY_REFRESH_MS", default_value_t = 5000)]
    pub summary_refresh_ms: u64,
    /// The Ed25519 private key (PKCS#8 PEM) that signs application packages (unset: unsigned).
    #[arg(long, env = "EDGEDEV_PACKAGE_SIGNING_KEY")]
    pub package_signing_key: Option<String>,
    /// The signer's certificate (PEM), put in each signed package.
    #[arg(long, env = "EDGEDEV_PACKAGE_SIGNING_CERTIFICATE")]
    pub package_signing_certificate: Option<String>,
    /// The bearer token of the metrics ingest endpoint (unset: ingest is off).
    #[arg(long, env = "EDGEDEV_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Failed logins in a row that lock a user of the container platform.
    #[arg(long, env = "EDGEDEV_LOGIN_LOCK_AFTER", default_value_t = 5)]
    pub login_lock_after: u32,
    /// Seconds a login's token is valid.
    #[arg(long, env = "EDGEDEV_TOKEN_TTL_SECS", default_value_t = 3600)]
    pub token_ttl_secs: u64,
    /// How long a command waits for its read models before answering 202.
    #[arg(long, env = "EDGEDEV_READ_YOUR_WRITES_MS", default_value_t = 2000)]
    pub read_your_writes_ms: u64,
    /// Database connections.
    #[arg(long, env = "EDGEDEV_DB_CONNECTIONS", default_value_t = 32)]
    pub db_connections: u32,
    /// HTTP workers (0 = one per core).
    #[arg(long, env = "EDGEDEV_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Do not run projections in this process (another process runs them).
    #[arg(long, env = "EDGEDEV_NO_PROJECTIONS")]
    pub no_projections: bool,
    /// Do not chain the log in this process (another process must, or events stay unchained).
    #[arg(long, env = "EDGEDEV_NO_CHAIN")]
    pub no_chain: bool,
    #[command(flatten)]
    pub amqp: AmqpArgs,
    #[command(flatten)]
    pub operations: OperationArgs,
}

/// The outside systems and how operations poll them.
#[derive(Debug, Clone, Args)]
pub struct OperationArgs {
    /// `simulator` (in-process, the default) or `http` (each host's real LCM controller).
    #[arg(long, env = "EDGEDEV_LCM", default_value = "simulator")]
    pub lcm: String,
    /// The orchestrator of the container platform's containers: `simulator` (in-process, the
    /// default) or `kubernetes` (the API server at EDGEDEV_KUBERNETES_URL).
    #[arg(long, env = "EDGEDEV_ORCHESTRATOR", default_value = "simulator")]
    pub orchestrator: String,
    /// The Kubernetes API server (`http[s]://host:port`).
    #[arg(long, env = "EDGEDEV_KUBERNETES_URL")]
    pub kubernetes_url: Option<String>,
    /// The bearer token sent to the Kubernetes API server.
    #[arg(long, env = "EDGEDEV_KUBERNETES_TOKEN", hide_env_values = true)]
    pub kubernetes_token: Option<String>,
    /// PEM file of certificate authorities trusted for the Kubernetes API server.
    #[arg(long, env = "EDGEDEV_KUBERNETES_CA")]
    pub kubernetes_ca: Option<PathBuf>,
    /// The `access_token` sent to a real controller.
    #[arg(long, env = "EDGEDEV_LCM_TOKEN", hide_env_values = true)]
    pub lcm_token: Option<String>,
    /// PEM file of certificate authorities trusted for HTTPS controllers (beside the system's).
    #[arg(long, env = "EDGEDEV_LCM_CA")]
    pub lcm_ca: Option<PathBuf>,
    /// The image file server's base URL (`http[s]://host:port`); unset uses the in-process
    /// simulator, which keeps its files under <data dir>/file-server-sim.
    #[arg(long, env = "EDGEDEV_FILE_SERVER_URL")]
    pub file_server_url: Option<String>,
    /// The `access_token` sent to the file server.
    #[arg(long, env = "EDGEDEV_FILE_SERVER_TOKEN", hide_env_values = true)]
    pub file_server_token: Option<String>,
    /// The test platform's base URL (`http[s]://host:port`); unset uses the in-process simulator.
    #[arg(long, env = "EDGEDEV_TEST_PLATFORM_URL")]
    pub test_platform_url: Option<String>,
    /// The `access_token` sent to the test platform.
    #[arg(long, env = "EDGEDEV_TEST_PLATFORM_TOKEN", hide_env_values = true)]
    pub test_platform_token: Option<String>,
    /// The app store's base URL (`http[s]://host:port`); unset uses the in-process simulator.
    #[arg(long, env = "EDGEDEV_APP_STORE_URL")]
    pub app_store_url: Option<String>,
    /// The `access_token` sent to the app store.
    #[arg(long, env = "EDGEDEV_APP_STORE_TOKEN", hide_env_values = true)]
    pub app_store_token: Option<String>,
    /// The image registry container images are pushed to (`http[s]://host:port`, Docker
    /// Registry HTTP API v2, e.g. Harbor); unset: container image uploads answer 503.
    #[arg(long, env = "EDGEDEV_REGISTRY_URL")]
    pub registry_url: Option<String>,
    /// The registry project (namespace) images go under.
    #[arg(long, env = "EDGEDEV_REGISTRY_PROJECT", default_value = "edgedev")]
    pub registry_project: String,
    /// Basic-auth user of the registry.
    #[arg(long, env = "EDGEDEV_REGISTRY_USER")]
    pub registry_user: Option<String>,
    /// Basic-auth password of the registry.
    #[arg(long, env = "EDGEDEV_REGISTRY_PASSWORD", hide_env_values = true)]
    pub registry_password: Option<String>,
    /// The reverse proxy's base URL (`http[s]://host:port`) for VNC consoles; unset uses the
    /// in-process simulator.
    #[arg(long, env = "EDGEDEV_REVERSE_PROXY_URL")]
    pub reverse_proxy_url: Option<String>,
    /// The `access_token` sent to the reverse proxy.
    #[arg(long, env = "EDGEDEV_REVERSE_PROXY_TOKEN", hide_env_values = true)]
    pub reverse_proxy_token: Option<String>,
    /// AES-256-GCM key for passwords (base64 of 32 bytes); unset uses <data dir>/secret.key.
    #[arg(long, env = "EDGEDEV_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Earlier secret keys (comma-separated base64) that still open what they sealed.
    #[arg(long, env = "EDGEDEV_SECRET_PREVIOUS_KEYS", hide_env_values = true)]
    pub secret_previous_keys: Option<String>,
    /// How often a running operation polls LCM, in milliseconds.
    #[arg(long, env = "EDGEDEV_OPERATION_POLL_MS", default_value_t = 5000)]
    pub operation_poll_ms: u64,
    /// How often the watcher asks the orchestrator about every container, in milliseconds.
    #[arg(long, env = "EDGEDEV_CONTAINER_WATCH_MS", default_value_t = 5000)]
    pub container_watch_ms: u64,
    /// Do not run operations in this process.
    #[arg(long, env = "EDGEDEV_NO_WORKFLOWS")]
    pub no_workflows: bool,
}

/// The broker: unset leaves the relay idle.
#[derive(Debug, Clone, Args)]
pub struct AmqpArgs {
    /// RabbitMQ URL, e.g. amqp://guest:guest@127.0.0.1:5672/%2f.
    #[arg(long, env = "AMQP_URL", hide_env_values = true)]
    pub amqp_url: Option<String>,
    /// The topic exchange events are published to.
    #[arg(long, env = "EDGEDEV_AMQP_EXCHANGE", default_value = "edgedev.events")]
    pub amqp_exchange: String,
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert migrations newer than --to (default: all of them).
    Down {
        #[arg(long, default_value_t = 0)]
        to: i64,
    },
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[arg(long)]
    pub user_id: String,
    #[arg(long)]
    pub user_name: String,
    /// ADMIN, TENANT or GUEST (repeatable).
    #[arg(long, required = true, value_parser = parse_role)]
    pub role: Vec<Role>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 86_400)]
    pub ttl: i64,
    #[arg(long, env = "EDGEDEV_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    #[arg(long, env = "EDGEDEV_DATA_DIR", default_value = "./.edgedev")]
    pub data_dir: PathBuf,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("unknown role {text}: use ADMIN, TENANT or GUEST"))
}

#[derive(Debug, Subcommand)]
pub enum ProjectionsAction {
    /// Checkpoint, lag and status of every projection.
    Status,
    /// Rebuild one projection (or --all) from the start of the log.
    Rebuild {
        name: Option<String>,
        #[arg(long, conflicts_with = "name")]
        all: bool,
        /// Rebuild into a schema of its own while the live tables keep answering, and swap it
        /// in at the head in one transaction (one projection; prints the progress).
        #[arg(long, requires = "name")]
        blue_green: bool,
    },
    /// Clear a poison-event failure so the projection retries.
    Resume { name: String },
    /// Reset the AMQP relay's checkpoint so it publishes the whole log again.
    ReplayRelay,
}
