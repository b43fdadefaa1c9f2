//! The runtime: one loop per projection, woken by LISTEN/NOTIFY on `edgedev_events` with a timed
//! poll as the backstop, plus the administrative entry points (catch up, rebuild, resume).

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::admin;
use super::board::CheckpointBoard;
use super::step::{mark_failed, register, step, FailPoint, StepError, StepOutcome};
use super::Projection;
use crate::relay::RelayConfig;

/// Tuning of the runtime.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Most events applied in one transaction.
    pub batch_size: i64,
    /// Backstop poll when no notification arrives.
    pub poll_interval: Duration,
    /// Wait before re-reading when committed events still sit behind the horizon.
    pub horizon_retry: Duration,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            batch_size: 1000,
            poll_interval: Duration::from_millis(500),
            horizon_retry: Duration::from_millis(3),
        }
    }
}

/// The projector runtime of one process.
#[derive(Clone)]
pub struct ProjectionRuntime {
    pool: PgPool,
    projections: Arc<Vec<Arc<dyn Projection>>>,
    config: RuntimeConfig,
    board: CheckpointBoard,
    fail_point: Arc<FailPoint>,
    shutdown: watch::Sender<bool>,
    relay: Option<RelayConfig>,
}

impl ProjectionRuntime {
    pub fn new(pool: PgPool, projections: Vec<Arc<dyn Projection>>, config: RuntimeConfig) -> Self {
        let names: Vec<&'static str> = projections.iter().map(|p| p.name()).collect();
        Self {
            board: CheckpointBoard::new(pool.clone(), &names),
            pool,
            projections: Arc::new(projections),
            config,
            fail_point: Arc::new(FailPoint::default()),
            shutdown: watch::channel(false).0,
            relay: None,
        }
    }

    /// Publishes the log to RabbitMQ too (the relay is idle without it).
    pub fn with_relay(mut self, relay: Option<RelayConfig>) -> Self {
        self.relay = relay;
        self
    }

    pub fn board(&self) -> &CheckpointBoard {
        &self.board
    }

    pub fn fail_point(&self) -> &FailPoint {
        &self.fail_point
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.projections.iter().map(|p| p.name()).collect()
    }

    fn find(&self, name: &str) -> Option<&Arc<dyn Projection>> {
        self.projections.iter().find(|p| p.name() == name)
    }

    /// Ensures every projection, and the relay, has a checkpoint row.
    pub async fn register_all(&self) -> Result<(), sqlx::Error> {
        for projection in self.projections.iter() {
            register(&self.pool, projection.name()).await?;
        }
        crate::relay::register(&self.pool, self.relay.is_some()).await
    }

    /// Starts the wake-up listener and one loop per projection.
    pub async fn start(&self) -> Result<Vec<JoinHandle<()>>, sqlx::Error> {
        self.register_all().await?;
        // Every loop has its own wake-up, bumped when a commit touches a type it reads.
        let (wake_tx, wake_rx) = watch::channel(0u64);
        let mut wakes = vec![Wake {
            types: &[],
            sender: wake_tx,
        }];
        let mut loops = Vec::new();
        for projection in self.projections.iter() {
            let (sender, receiver) = watch::channel(0u64);
            wakes.push(Wake {
                types: projection.aggregate_types(),
                sender,
            });
            loops.push((projection.clone(), receiver));
        }
        let mut handles = vec![tokio::spawn(listen(
            self.pool.clone(),
            wakes,
            self.shutdown.subscribe(),
        ))];
        for (projection, wake) in loops {
            let runtime = self.clone();
            handles.push(tokio::spawn(
                async move { runtime.run(projection, wake).await },
            ));
        }
        if let Some(relay) = self.relay.clone() {
            let relay_task = crate::relay::run(
                self.pool.clone(),
                relay,
                wake_rx.clone(),
                self.shutdown.subscribe(),
            );
            handles.push(tokio::spawn(relay_task));
        }
        Ok(handles)
    }

    /// A receiver that changes when the runtime is asked to stop.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Asks every loop to stop after its current batch.
    pub fn stop(&self) {
        self.shutdown.send_replace(true);
    }

    async fn run(self, projection: Arc<dyn Projection>, mut wake: watch::Receiver<u64>) {
        let name = projection.name();
        let mut shutdown = self.shutdown.subscribe();
        let mut backoff = Duration::from_millis(50);
        // After a batch fails, step one event at a time (until caught up) to find the poison event.
        let mut isolating = false;
        loop {
            if *shutdown.borrow() {
                return;
            }
            wake.borrow_and_update();
            let limit = if isolating { 1 } else { self.config.batch_size };
            let started = std::time::Instant::now();
            let outcome = step(&self.pool, projection.as_ref(), limit, &self.fail_point).await;
            tracing::trace!(
                projection = name,
                micros = started.elapsed().as_micros() as u64,
                ?outcome,
                "step"
            );
            let pause = match outcome {
                Ok(StepOutcome::Applied { checkpoint, .. }) => {
                    self.board.publish(name, checkpoint);
                    backoff = Duration::from_millis(50);
                    None
                }
                Ok(StepOutcome::CaughtUp {
                    checkpoint,
                    pending,
                }) => {
                    self.board.publish(name, checkpoint);
                    isolating = false;
                    if pending {
                        // Committed events wait behind an older transaction still running.
                        Some(self.config.horizon_retry)
                    } else {
                        Some(self.config.poll_interval)
                    }
                }
                Ok(StepOutcome::Busy) | Ok(StepOutcome::Failed) => Some(self.config.poll_interval),
                Err(StepError::Apply { error, .. }) if error.is_transient() => {
                    tracing::warn!(projection = name, %error, "transient projection error; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    Some(backoff)
                }
                Err(StepError::Apply { error, event: None }) => {
                    tracing::warn!(projection = name, %error, "batch failed; isolating the failing event");
                    isolating = true;
                    None
                }
                Err(StepError::Apply {
                    error,
                    event: Some(event),
                }) => {
                    tracing::error!(projection = name, %error, position = event.1, "poison event: projection stopped");
                    if let Err(e) =
                        mark_failed(&self.pool, name, &error.to_string(), Some(event)).await
                    {
                        tracing::warn!(projection = name, error = %e, "could not record the projection failure");
                    }
                    isolating = false;
                    Some(self.config.poll_interval)
                }
                Err(StepError::SimulatedCrash) => Some(Duration::from_millis(10)),
                Err(StepError::Database(error)) => {
                    tracing::warn!(projection = name, %error, "projection step failed; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    Some(backoff)
                }
            };
            if let Some(pause) = pause {
                tokio::select! {
                    _ = wake.changed(), if pause > self.config.horizon_retry => {}
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Applies everything currently committed to `name`, in this task, waiting out transactions
    /// that still hold events behind the horizon. Returns the events applied, or the error that
    /// stopped the projection.
    pub async fn catch_up(&self, name: &str) -> Result<u64, admin::AdminError> {
        let mut applied = 0;
        loop {
            let (events, pending) = self.apply_visible(name).await?;
            applied += events;
            if !pending {
                return Ok(applied);
            }
            tokio::time::sleep(self.config.horizon_retry).await;
        }
    }

    /// Applies every event visible below the horizon to `name`, in this task. Returns the events
    /// applied and whether newer committed events still wait behind an open transaction.
    pub async fn apply_visible(&self, name: &str) -> Result<(u64, bool), admin::AdminError> {
        let projection = self
            .find(name)
            .ok_or_else(|| admin::AdminError::Unknown(name.to_owned()))?;
        register(&self.pool, name).await?;
        let mut applied = 0u64;
        let mut isolating = false;
        loop {
            let limit = if isolating { 1 } else { self.config.batch_size };
            match step(&self.pool, projection.as_ref(), limit, &self.fail_point).await {
                Ok(StepOutcome::Applied { events, checkpoint }) => {
                    applied += events as u64;
                    self.board.publish(name, checkpoint);
                }
                Ok(StepOutcome::CaughtUp {
                    checkpoint,
                    pending,
                }) => {
                    self.board.publish(name, checkpoint);
                    return Ok((applied, pending));
                }
                Ok(StepOutcome::Busy) => tokio::time::sleep(Duration::from_millis(20)).await,
                Ok(StepOutcome::Failed) => return Err(admin::AdminError::Failed(name.to_owned())),
                Err(StepError::Apply { error, event: None }) if !error.is_transient() => {
                    isolating = true
                }
                Err(StepError::Apply {
                    error,
                    event: Some(event),
                }) if !error.is_transient() => {
                    mark_failed(&self.pool, name, &error.to_string(), Some(event)).await?;
                    return Err(admin::AdminError::Failed(name.to_owned()));
                }
                Err(StepError::SimulatedCrash) => {}
                Err(StepError::Apply { error, .. }) => {
                    return Err(admin::AdminError::Projection(error.to_string()))
                }
                Err(StepError::Database(e)) => return Err(e.into()),
            }
        }
    }

    /// Rebuilds `name` from the start of the log: empties its tables and checkpoint in one
    /// transaction (waiting for any batch in flight), then catches up.
    pub async fn rebuild(&self, name: &str) -> Result<u64, admin::AdminError> {
        let projection = self
            .find(name)
            .ok_or_else(|| admin::AdminError::Unknown(name.to_owned()))?;
        admin::reset(&self.pool, projection.as_ref()).await?;
        self.catch_up(name).await
    }

    /// Rebuilds every projection, `concurrency` at a time (each on its own connections, so the
    /// database's cores are used). Returns (name, events applied) in completion order.
    pub async fn rebuild_all(
        &self,
        concurrency: usize,
    ) -> Result<Vec<(&'static str, u64)>, admin::AdminError> {
        use futures_util::stream::{self, StreamExt, TryStreamExt};
        stream::iter(self.names())
            .map(|name| async move { self.rebuild(name).await.map(|events| (name, events)) })
            .buffer_unordered(concurrency.max(1))
            .try_collect()
            .await
    }

    /// Clears a poison failure so the projection retries the event (after a fix was deployed).
    pub async fn resume(&self, name: &str) -> Result<(), admin::AdminError> {
        self.find(name)
            .ok_or_else(|| admin::AdminError::Unknown(name.to_owned()))?;
        admin::resume(&self.pool, name).await
    }

    /// Status and lag of every projection.
    pub async fn status(&self) -> Result<Vec<admin::ProjectionStatus>, sqlx::Error> {
        admin::status(&self.pool).await
    }
}

/// One loop's wake-up and the aggregate types it reads (empty: every type).
struct Wake {
    types: &'static [&'static str],
    sender: watch::Sender<u64>,
}

impl Wake {
    /// Wakes the loop if the notification names a type it reads (an empty payload names all).
    fn notify(&self, payload: &str) {
        let relevant = self.types.is_empty()
            || payload.is_empty()
            || payload.split(',').any(|t| self.types.contains(&t));
        if relevant {
            self.sender.send_modify(|n| *n += 1);
        }
    }
}

/// Turns notifications into wake-ups. After a lost connection it wakes every loop, since
/// notifications may have been missed while it was down.
async fn listen(pool: PgPool, wakes: Vec<Wake>, mut shutdown: watch::Receiver<bool>) {
    let wake_all = || wakes.iter().for_each(|w| w.notify(""));
    let mut backoff = Duration::from_millis(100);
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot open the event listener; polling meanwhile");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.changed() => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        if let Err(error) = listener.listen("edgedev_events").await {
            tracing::warn!(%error, "cannot LISTEN for events; polling meanwhile");
            continue;
        }
        backoff = Duration::from_millis(100);
        wake_all();
        loop {
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(notification)) => {
                        wakes.iter().for_each(|w| w.notify(notification.payload()));
                    }
                    Ok(None) => {
                        // Connection lost and re-established by the listener: catch up.
                        wake_all();
                    }
                    Err(error) => {
                        tracing::warn!(%error, "event listener failed; reconnecting");
                        break;
                    }
                },
                _ = shutdown.changed() => return,
            }
        }
    }
}
