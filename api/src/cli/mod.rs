//! The `edgedev` command line: `serve`, `migrate`, `token`, `users`, `secrets`, `projections`,
//! `audit`, `verify`. Flags fall back to
//! environment variables (`DATABASE_URL`, `EDGEDEV_BIND`, `EDGEDEV_DATA_DIR`, ...); they are
//! declared in `args`, and run here.

mod args;
mod audit;
mod users;
mod verify;

pub use args::*;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use db::Pool;
use domain::Actor;
use projections::{all_projections, ProjectionRuntime, RuntimeConfig};

use crate::auth::JwtKeys;
use crate::config::ServeConfig;
use crate::embedded_pg::EmbeddedPostgres;

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
        Command::Sim {
            system: SimSystem::Kubernetes { bind },
        } => Ok(workflows::orchestrator::server::serve(&bind).await?),
        Command::Sim {
            system: SimSystem::ReverseProxy { bind },
        } => Ok(workflows::reverse_proxy::server::serve(&bind).await?),
        Command::Sim {
            system: SimSystem::AppStore { bind },
        } => Ok(workflows::app_store::server::serve(&bind).await?),
        Command::Sim {
            system: SimSystem::TestPlatform { bind },
        } => Ok(workflows::test_platform::server::serve(&bind).await?),
        Command::Sim {
            system: SimSystem::FileServer { bind, dir },
        } => Ok(workflows::file_server::server::serve(&bind, &dir).await?),
        Command::Users { database, action } => {
            let data_dir = database.data_dir.clone();
            with_database(&database, |pool| async move {
                users::run(pool, &data_dir, action).await
            })
            .await
        }
        Command::Secrets { database, action } => {
            let data_dir = database.data_dir.clone();
            with_database(&database, |pool| async move {
                rotate_key(pool, &data_dir, action).await
            })
            .await
        }
        Command::Audit { database, action } => {
            with_database(
                &database,
                |pool| async move { audit::run(pool, action).await },
            )
            .await
        }
        Command::Verify { database, action } => {
            with_database(
                &database,
                |pool| async move { verify::run(pool, action).await },
            )
            .await
        }
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
        temporary_file_ttl: Duration::from_secs(args.temporary_file_ttl_secs),
        operation_log_retention_months: args.operation_log_retention_months,
        usage_retention_days: args.usage_retention_days,
        metrics_token: args.metrics_token.clone(),
        package_signing_key: args.package_signing_key.clone(),
        package_signing_certificate: args.package_signing_certificate.clone(),
        summary_refresh: Duration::from_millis(args.summary_refresh_ms.max(100)),
        identity: crate::config::IdentityConfig {
            lock_after: args.login_lock_after.max(1),
            token_ttl: Duration::from_secs(args.token_ttl_secs.max(60)),
        },
        max_uploads: args.max_uploads.max(1),
        write_rate_per_user: args.write_rate_per_user.0,
        write_rate_per_address: args.write_rate_per_address.0,
        max_connections: args.db_connections,
        workers: args.workers,
        run_projections: !args.no_projections,
        run_chain: !args.no_chain,
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
            kubernetes: match (
                args.operations.orchestrator.as_str(),
                &args.operations.kubernetes_url,
            ) {
                ("simulator", _) => None,
                ("kubernetes", Some(url)) => Some(crate::config::KubernetesConfig {
                    url: url.clone(),
                    token: args.operations.kubernetes_token.clone(),
                    ca: args.operations.kubernetes_ca.clone(),
                }),
                ("kubernetes", None) => {
                    return Err(
                        "EDGEDEV_ORCHESTRATOR=kubernetes needs EDGEDEV_KUBERNETES_URL".into(),
                    )
                }
                (other, _) => {
                    return Err(format!(
                        "EDGEDEV_ORCHESTRATOR must be simulator or kubernetes, not {other}"
                    )
                    .into())
                }
            },
            lcm_token: args.operations.lcm_token.clone(),
            lcm_ca: args.operations.lcm_ca.clone(),
            file_server_url: args.operations.file_server_url.clone(),
            file_server_token: args.operations.file_server_token.clone(),
            test_platform_url: args.operations.test_platform_url.clone(),
            test_platform_token: args.operations.test_platform_token.clone(),
            app_store_url: args.operations.app_store_url.clone(),
            app_store_token: args.operations.app_store_token.clone(),
            reverse_proxy_url: args.operations.reverse_proxy_url.clone(),
            reverse_proxy_token: args.operations.reverse_proxy_token.clone(),
            secret_key: args.operations.secret_key.clone(),
            secret_previous_keys: args.operations.secret_previous_keys.clone(),
            poll: Duration::from_millis(args.operations.operation_poll_ms.max(10)),
            container_watch: Duration::from_millis(args.operations.container_watch_ms.max(50)),
            run_workflows: !args.operations.no_workflows,
            deadlines: workflows::Deadlines::default(),
            registry: args.operations.registry_url.as_ref().map(|url| {
                workflows::registry::RegistryConfig {
                    url: url.clone(),
                    project: args.operations.registry_project.clone(),
                    user: args.operations.registry_user.clone(),
                    password: args.operations.registry_password.clone(),
                }
            }),
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
        ProjectionsAction::Rebuild {
            name: Some(name),
            blue_green: true,
            ..
        } => {
            let mut shown = std::time::Instant::now();
            let events = runtime
                .rebuild_blue_green(&name, |p| {
                    if shown.elapsed() >= Duration::from_secs(1) {
                        shown = std::time::Instant::now();
                        println!(
                            "{name}: {} / {} events, {:.0} events/s, ETA {}",
                            p.done,
                            p.total,
                            p.events_per_second,
                            p.eta_seconds()
                                .map(|s| format!("{s:.0}s"))
                                .unwrap_or_else(|| "-".into())
                        );
                    }
                })
                .await?;
            println!("rebuilt {name} blue-green: {events} events, swapped in");
        }
        ProjectionsAction::Rebuild { name, all, .. } => {
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

/// `edgedev secrets rotate-key`: prints what it re-sealed (namespace secrets, users' password
/// hashes) as JSON; fails when any value could not be re-sealed (run it again to retry them).
async fn rotate_key(pool: Pool, data_dir: &std::path::Path, action: SecretsAction) -> CliResult {
    let SecretsAction::RotateKey {
        generate,
        secret_key,
        secret_previous_keys,
    } = action;
    if generate {
        if secret_key.is_some() {
            return Err("--generate replaces the data directory's key; with EDGEDEV_SECRET_KEY set, put the new key there and the old one in EDGEDEV_SECRET_PREVIOUS_KEYS, then run rotate-key without --generate".into());
        }
        // A key to rotate from: the data directory's, created now if it never was.
        commands::secrets::SecretBox::load_or_create(None, data_dir)?;
        commands::rotation::generate_key(data_dir)?;
    }
    db::migrate::up(&pool).await?;
    let secrets = commands::secrets::SecretBox::load_or_create(secret_key.as_deref(), data_dir)?
        .with_previous(secret_previous_keys.as_deref(), data_dir)?;
    let executor = commands::CommandExecutor::new(pool);
    let report = commands::rotation::reseal_all(&executor, &secrets).await?;
    println!("{}", serde_json::to_string(&report)?);
    match report.failures() {
        0 => Ok(()),
        n => Err(format!("{n} sealed values could not be re-sealed; run rotate-key again").into()),
    }
}
