//! The `edgedev` command line: `serve`, `migrate`, `token`, `projections`. Flags fall back to
//! environment variables (`DATABASE_URL`, `EDGEDEV_BIND`, `EDGEDEV_DATA_DIR`, ...).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use db::Pool;
use domain::{Actor, Role};
use projections::{all_projections, ProjectionRuntime, RuntimeConfig};

use crate::auth::JwtKeys;
use crate::config::ServeConfig;
use crate::embedded_pg::EmbeddedPostgres;
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
    /// Inspect, rebuild or resume projections.
    Projections {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        action: ProjectionsAction,
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
    /// The `access_token` sent to a real controller.
    #[arg(long, env = "EDGEDEV_LCM_TOKEN", hide_env_values = true)]
    pub lcm_token: Option<String>,
    /// PEM file of certificate authorities trusted for HTTPS controllers (beside the system's).
    #[arg(long, env = "EDGEDEV_LCM_CA")]
    pub lcm_ca: Option<PathBuf>,
    /// AES-256-GCM key for passwords (base64 of 32 bytes); unset uses <data dir>/secret.key.
    #[arg(long, env = "EDGEDEV_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// How often a running operation polls LCM, in milliseconds.
    #[arg(long, env = "EDGEDEV_OPERATION_POLL_MS", default_value_t = 5000)]
    pub operation_poll_ms: u64,
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
    },
    /// Clear a poison-event failure so the projection retries.
    Resume { name: String },
    /// Reset the AMQP relay's checkpoint so it publishes the whole log again.
    ReplayRelay,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("edgedev: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("edgedev: {error}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,tokio_postgres=warn,actix_server=warn")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

/// Runs one command.
pub async fn run(command: Command) -> CliResult {
    match command {
        Command::Serve(args) => serve(*args).await,
        Command::Migrate { database, action } => {
            with_database(
                &database,
                |pool| async move { migrate(&pool, action).await },
            )
            .await
        }
        Command::Token(args) => {
            let keys = JwtKeys::load_or_create(args.jwt_secret.as_deref(), &args.data_dir)?;
            let actor = Actor::new(args.user_id, args.user_name, args.role);
            println!("{}", keys.mint(&actor, args.ttl));
            Ok(())
        }
        Command::Subscribe(args) => crate::subscribe::run(args).await,
        Command::Sim {
            system: SimSystem::Lcm { bind },
        } => Ok(workflows::lcm::server::serve(&bind).await?),
        Command::Projections { database, action } => {
            with_database(&database, |pool| async move {
                projections_command(pool, action).await
            })
            .await
        }
    }
}

/// Opens the database named by `args` (starting the private cluster when needed), runs `work`,
/// and stops a cluster it started.
async fn with_database<F, Fut>(args: &DatabaseArgs, work: F) -> CliResult
where
    F: FnOnce(Pool) -> Fut,
    Fut: std::future::Future<Output = CliResult>,
{
    let (url, cluster) = resolve_database(args).await?;
    let pool = db::Pool::connect(&url, 4).await?;
    let result = work(pool.clone()).await;
    pool.close();
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    result
}

async fn resolve_database(
    args: &DatabaseArgs,
) -> Result<(String, Option<EmbeddedPostgres>), Box<dyn std::error::Error>> {
    if let Some(url) = &args.database_url {
        return Ok((url.clone(), None));
    }
    let data_dir = args.data_dir.clone();
    let cluster = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&data_dir)).await??;
    cluster.ensure_database("edgedev").await?;
    Ok((cluster.url("edgedev"), Some(cluster)))
}

async fn serve(args: ServeArgs) -> CliResult {
    let (url, cluster) = resolve_database(&args.database).await?;
    let result = serve_on(&args, &url).await;
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    result
}

async fn serve_on(args: &ServeArgs, url: &str) -> CliResult {
    let pool = db::Pool::connect(url, args.db_connections).await?;
    db::migrate::up(&pool).await?;
    db::migrate::create_partitions_ahead(&pool).await?;
    let config = ServeConfig {
        bind: args.bind.clone(),
        database_url: Some(url.to_owned()),
        data_dir: args.database.data_dir.clone(),
        jwt_secret: args.jwt_secret.clone(),
        jwt_public_key: args.jwt_public_key.clone(),
        read_your_writes_timeout: Duration::from_millis(args.read_your_writes_ms),
        max_body_bytes: 64 * 1024,
        body_timeout: Duration::from_secs(args.body_timeout_secs.max(1)),
        max_uploads: args.max_uploads.max(1),
        write_rate_per_user: args.write_rate_per_user.0,
        write_rate_per_address: args.write_rate_per_address.0,
        max_connections: args.db_connections,
        workers: args.workers,
        run_projections: !args.no_projections,
        amqp: args.amqp.amqp_url.as_ref().map(|url| {
            projections::relay::RelayConfig::new(url.clone(), args.amqp.amqp_exchange.clone())
        }),
        operations: crate::config::OperationsConfig {
            lcm_http: match args.operations.lcm.as_str() {
                "simulator" => false,
                "http" => true,
                other => {
                    return Err(
                        format!("EDGEDEV_LCM must be simulator or http, not {other}").into(),
                    )
                }
            },
            lcm_token: args.operations.lcm_token.clone(),
            lcm_ca: args.operations.lcm_ca.clone(),
            secret_key: args.operations.secret_key.clone(),
            poll: Duration::from_millis(args.operations.operation_poll_ms.max(10)),
            run_workflows: !args.operations.no_workflows,
        },
    };
    let server = crate::server::start(&config, pool.clone()).await?;
    println!("edgedev listening on http://{}", server.addr);
    server.wait().await?;
    pool.close();
    Ok(())
}

async fn migrate(pool: &Pool, action: MigrateAction) -> CliResult {
    match action {
        MigrateAction::Up => db::migrate::up(pool).await?,
        MigrateAction::Down { to } => db::migrate::down(pool, to).await?,
        MigrateAction::Status => {}
    }
    for m in db::migrate::status(pool).await? {
        println!(
            "{:>16}  {:<8}  {}",
            m.version,
            if m.applied {
                "applied"
            } else if m.failed {
                "failed"
            } else {
                "pending"
            },
            m.description
        );
    }
    Ok(())
}

async fn projections_command(pool: Pool, action: ProjectionsAction) -> CliResult {
    let runtime = ProjectionRuntime::new(pool, all_projections(), RuntimeConfig::default());
    runtime.register_all().await?;
    match action {
        ProjectionsAction::Status => {}
        ProjectionsAction::Rebuild { name, all } => {
            let started = std::time::Instant::now();
            match (name, all) {
                (Some(name), false) => {
                    let events = runtime.rebuild(&name).await?;
                    println!(
                        "rebuilt {name}: {events} events in {:.2}s",
                        started.elapsed().as_secs_f64()
                    );
                }
                (None, true) => {
                    // One group: the log is read once, the next batch while this one is applied
                    // (measured faster than two groups on a 2-core machine).
                    for (name, events) in runtime.rebuild_all(1).await? {
                        println!(
                            "rebuilt {name}: {events} events ({:.2}s since the start)",
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
                _ => return Err("name a projection or pass --all".into()),
            }
        }
        ProjectionsAction::Resume { name } => runtime.resume(&name).await?,
        ProjectionsAction::ReplayRelay => {
            projections::runtime::reset_checkpoint(runtime.pool(), projections::relay::RELAY)
                .await?;
            println!("the relay will publish the whole log again (consumers deduplicate on the event id)");
        }
    }
    for s in runtime.status().await? {
        println!(
            "{:<16} {:<8} checkpoint {}:{}  applied {}  lag {} events / {:.1}s{}",
            s.name,
            s.status,
            s.checkpoint_transaction_id,
            s.checkpoint_position,
            s.events_applied,
            s.lag_events,
            s.lag_seconds,
            s.last_error
                .map(|e| format!("  error: {e}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
