//! Wiring: connects state, the projector runtime and the HTTP server, and shuts them down in
//! order (stop accepting, drain requests, stop projections).

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{middleware, web, App, HttpResponse, HttpServer, ResponseError};
use commands::CommandExecutor;
use db::Pool;
use projections::{all_projections, ProjectionRuntime, RuntimeConfig};
use tokio::task::JoinHandle;

use crate::auth::JwtKeys;
use crate::config::ServeConfig;
use crate::error::{extractors, ApiError, ErrorCode};
use crate::metrics::Metrics;
use crate::routes::{self, AppState};

/// A server listening and, unless disabled, running the projections.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    handle: ServerHandle,
    server: JoinHandle<std::io::Result<()>>,
    runtime_tasks: Vec<JoinHandle<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot read or create the signing key: {0}")]
    Key(std::io::Error),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("cannot start the projections: {0}")]
    Projections(db::DbError),
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error(transparent)]
    Secret(#[from] commands::secrets::SecretError),
    #[error(transparent)]
    PublicKey(crate::auth::KeyError),
    #[error(transparent)]
    Lcm(workflows::lcm::http::ClientError),
    #[error("cannot build an outside system's client: {0}")]
    OutsideClient(String),
    #[error(transparent)]
    Seed(#[from] commands::catalogue::SeedError),
}

/// Starts serving `pool` (already migrated) with `config`.
pub async fn start(config: &ServeConfig, pool: Pool) -> Result<RunningServer, StartError> {
    let mut keys = JwtKeys::load_or_create(config.jwt_secret.as_deref(), &config.data_dir)
        .map_err(StartError::Key)?;
    if let Some(path) = &config.jwt_public_key {
        keys = keys
            .with_rs256_public_key(path)
            .map_err(StartError::PublicKey)?;
    }
    let runtime_config = RuntimeConfig {
        chain: config.run_chain,
        ..RuntimeConfig::default()
    };
    let runtime = ProjectionRuntime::new(pool.clone(), all_projections(), runtime_config)
        .with_relay(config.amqp.clone());
    let mut runtime_tasks = if config.run_projections {
        runtime.start().await.map_err(StartError::Projections)?
    } else {
        runtime
            .register_all()
            .await
            .map_err(StartError::Projections)?;
        Vec::new()
    };
    // Other processes learn of this one's appends by a NOTIFY per burst (the appending
    // transactions themselves do not notify).
    runtime_tasks.push(tokio::spawn(db::announce_appends(
        pool.clone(),
        db::EVENTS_CHANNEL.to_owned(),
        runtime.shutdown_signal(),
    )));
    let secrets = commands::secrets::SecretBox::load_or_create(
        config.operations.secret_key.as_deref(),
        &config.data_dir,
    )?
    .with_previous(
        config.operations.secret_previous_keys.as_deref(),
        &config.data_dir,
    )?;
    let lcm = if config.operations.lcm_http {
        workflows::lcm::LcmAdapter::http(
            config.operations.lcm_token.clone(),
            config.operations.lcm_ca.as_deref(),
        )
        .map_err(StartError::Lcm)?
    } else {
        workflows::lcm::LcmAdapter::simulated()
    };
    let test_platform = match &config.operations.test_platform_url {
        Some(url) => workflows::test_platform::TestPlatformAdapter::http(
            url,
            config.operations.test_platform_token.clone(),
        )
        .map_err(|e| StartError::OutsideClient(e.to_string()))?,
        None => workflows::test_platform::TestPlatformAdapter::simulated(),
    };
    let app_store = match &config.operations.app_store_url {
        Some(url) => workflows::app_store::AppStoreAdapter::http(
            url,
            config.operations.app_store_token.clone(),
        )
        .map_err(|e| StartError::OutsideClient(e.to_string()))?,
        None => workflows::app_store::AppStoreAdapter::simulated(),
    };
    let file_server = match &config.operations.file_server_url {
        Some(url) => workflows::file_server::FileServerAdapter::http(
            url,
            config.operations.file_server_token.clone(),
        )
        .map_err(|e| StartError::OutsideClient(e.to_string()))?,
        None => workflows::file_server::FileServerAdapter::simulated(
            &config.data_dir.join("file-server-sim"),
        ),
    };
    let reverse_proxy = match &config.operations.reverse_proxy_url {
        Some(url) => workflows::reverse_proxy::ProxyAdapter::http(
            url,
            config.operations.reverse_proxy_token.clone(),
        )
        .map_err(|e| StartError::OutsideClient(e.to_string()))?,
        None => workflows::reverse_proxy::ProxyAdapter::simulated(),
    };
    let orchestrator = match &config.operations.kubernetes {
        Some(k8s) => workflows::orchestrator::OrchestratorAdapter::kubernetes(
            &k8s.url,
            k8s.token.clone(),
            k8s.ca.as_deref(),
        )
        .map_err(StartError::Lcm)?,
        None => workflows::orchestrator::OrchestratorAdapter::simulated(),
    };
    let executor = CommandExecutor::new(pool.clone());
    commands::ids::advance_past_the_log(&pool)
        .await
        .map_err(commands::catalogue::SeedError::from)?;
    let seeded = commands::catalogue::seed(&executor, &pool).await?;
    if seeded != commands::catalogue::Seeded::default() {
        tracing::info!(?seeded, "catalogues seeded");
    }
    let metrics = Metrics::new()?;
    let workflows = workflows::Workflows::new(workflows::RunnerParts {
        pool: pool.clone(),
        executor: executor.clone(),
        lcm: lcm.port.clone(),
        file_server: file_server.port.clone(),
        test_platform: test_platform.port.clone(),
        orchestrator: orchestrator.port.clone(),
        secrets: secrets.clone(),
        data_dir: config.data_dir.clone(),
        poll: config.operations.poll,
        deadlines: config.operations.deadlines.clone(),
        shutdown: runtime.shutdown_signal(),
        metrics: workflows::RunnerMetrics {
            operations_driven: metrics.operations_driven.clone(),
            operation_steps: metrics.operation_steps.clone(),
            operation_leases_busy: metrics.operation_leases_busy.clone(),
        },
        hooks: workflows::hooks::HOOKS,
    });
    if config.operations.run_workflows {
        runtime_tasks.push(tokio::spawn(workflows.clone().run()));
        runtime_tasks.push(tokio::spawn(workflows::platform_container::watch(
            workflows.clone(),
            config.operations.container_watch,
        )));
    }
    let registry = match &config.operations.registry {
        Some(registry) => Some(
            workflows::registry::RegistryClient::new(registry.clone())
                .map_err(|e| StartError::OutsideClient(e.to_string()))?,
        ),
        None => None,
    };
    let package_signer = match &config.package_signing_key {
        Some(key) => Some(std::sync::Arc::new(
            workflows::package::Signer::from_files(
                key,
                config.package_signing_certificate.as_deref(),
            )
            .map_err(StartError::OutsideClient)?,
        )),
        None => None,
    };
    let operation_log = crate::audit::writer::OperationLogWriter::start(
        commands::EventStore::new(pool.clone()),
        metrics.operation_log_records.clone(),
    );
    let state = AppState {
        registry,
        pool: pool.clone(),
        executor,
        secrets,
        lcm,
        orchestrator,
        file_server,
        test_platform,
        app_store,
        reverse_proxy,
        workflows,
        runtime,
        metrics,
        read_your_writes_timeout: config.read_your_writes_timeout,
        database_runtime: tokio::runtime::Handle::current(),
        files: crate::files::FileStore::new(&config.data_dir),
        uploads: std::sync::Arc::new(tokio::sync::Semaphore::new(config.max_uploads.max(1))),
        identity: config.identity,
        metrics_token: config.metrics_token.as_ref().map(|token| {
            use sha2::Digest;
            sha2::Sha256::digest(token.as_bytes()).to_vec()
        }),
        operation_log,
        package_signer,
    };
    let data = web::Data::new(state.clone());
    let metrics = web::Data::new(state.metrics.clone());
    let keys = web::Data::new(keys);
    let operation_log = web::Data::new(state.operation_log.clone());
    let max_body = config.max_body_bytes;
    let body_timeouts = crate::middleware::BodyTimeouts {
        total: config.body_timeout,
        idle: config.body_timeout.min(std::time::Duration::from_secs(15)),
    };
    let openapi = Arc::new(crate::openapi::swagger_ui());
    let rate_limits = web::Data::new(crate::rate_limit::RateLimits::new(
        config.write_rate_per_user,
        config.write_rate_per_address,
    ));
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(metrics.clone())
            .app_data(keys.clone())
            .app_data(operation_log.clone())
            .app_data(web::QueryConfig::default().error_handler(extractors::query))
            .app_data(web::PathConfig::default().error_handler(extractors::path))
            .app_data(web::PayloadConfig::default().limit(max_body))
            .app_data(web::Data::new(body_timeouts))
            .app_data(rate_limits.clone())
            .wrap(middleware::from_fn(crate::middleware::body_deadline))
            .wrap(middleware::from_fn(crate::request_rules::screen_requests))
            .wrap(ErrorHandlers::new().handler(StatusCode::METHOD_NOT_ALLOWED, method_not_allowed))
            .wrap(middleware::from_fn(crate::audit::record))
            .wrap(middleware::from_fn(crate::middleware::observe))
            .configure(routes::configure)
            .service((*openapi).clone())
            .default_service(web::to(not_found))
    })
    .shutdown_timeout(10);
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    let server = server
        .bind(&config.bind)
        .map_err(|e| StartError::Bind(config.bind.clone(), e))?;
    let addr = server.addrs().first().copied().ok_or_else(|| {
        StartError::Bind(
            config.bind.clone(),
            std::io::Error::other("no address bound"),
        )
    })?;
    let server = server.run();
    runtime_tasks.push(tokio::spawn(crate::maintenance::maintain_periodically(
        state.clone(),
        crate::maintenance::Upkeep {
            temporary_file_ttl: config.temporary_file_ttl,
            operation_log_retention_months: config.operation_log_retention_months,
            usage_retention_days: config.usage_retention_days,
        },
    )));
    runtime_tasks.push(tokio::spawn(
        crate::maintenance::refresh_summary_periodically(state.clone(), config.summary_refresh),
    ));
    let handle = server.handle();
    tracing::info!(%addr, "edgedev listening");
    Ok(RunningServer {
        addr,
        state,
        handle,
        server: tokio::spawn(server),
        runtime_tasks,
    })
}

/// A path that exists asked with another method: the JSON error body instead of an empty 405.
fn method_not_allowed<B>(
    response: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (request, _) = response.into_parts();
    let allowed = request
        .match_pattern()
        .and_then(|pattern| crate::openapi::allowed_methods(&pattern));
    let mut answer = ApiError::new(
        ErrorCode::MethodNotAllowed,
        match allowed {
            Some(methods) => format!("this path takes {methods}"),
            None => "this path does not take this method".to_owned(),
        },
    )
    .error_response();
    if let Some(methods) = allowed {
        answer.headers_mut().insert(
            actix_web::http::header::ALLOW,
            actix_web::http::header::HeaderValue::from_static(methods),
        );
    }
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(request, answer).map_into_right_body(),
    ))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::RouteNotFound,
        "no endpoint has this path and method",
    ))
}

impl RunningServer {
    /// Serves until the server stops (SIGINT/SIGTERM drain requests first), then stops the
    /// projections.
    pub async fn wait(self) -> std::io::Result<()> {
        let result = self
            .server
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.state.runtime.stop();
        for task in self.runtime_tasks {
            let _ = task.await;
        }
        result
    }

    /// Stops gracefully: drains requests, then stops the projections.
    pub async fn stop(self) {
        self.handle.stop(true).await;
        let _ = self.wait().await;
    }
}
