//! The runtime: one loop driving all of the process's projections in group steps, woken by this
//! process's own appends (in memory) and other processes' NOTIFY on `edgedev_events`, with a
//! timed poll as the backstop, plus the administrative
//! entry points (catch up, rebuild, resume).

use std::sync::Arc;
use std::time::Duration;

use db::{DbError, Listener, Pool};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::admin;
use super::board::CheckpointBoard;
use super::group::{group_step, group_step_with, read_ahead, GroupError, Prefetched};
use super::log::Checkpoint;
use super::log::LogEvent;
use super::step::{mark_failed, register, step, FailPoint, StepError, StepOutcome};
use super::wait::Wait;
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
    /// Whether this process runs the chainer (`crate::chain`); several may, one chains at a time.
    pub chain: bool,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            batch_size: 1000,
            poll_interval: Duration::from_millis(500),
            horizon_retry: Duration::from_millis(3),
            chain: true,
        }
    }
}

/// The projector runtime of one process.
#[derive(Clone)]
pub struct ProjectionRuntime {
    pool: Pool,
    projections: Arc<Vec<Arc<dyn Projection>>>,
    config: RuntimeConfig,
    board: CheckpointBoard,
    fail_point: Arc<FailPoint>,
    shutdown: watch::Sender<bool>,
    relay: Option<RelayConfig>,
}

impl ProjectionRuntime {
    pub fn new(pool: Pool, projections: Vec<Arc<dyn Projection>>, config: RuntimeConfig) -> Self {
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

    /// The projections that read events of `aggregate_type` (what a command on such an aggregate
    /// waits for, for read-your-writes).
    pub fn readers_of(&self, aggregate_type: &str) -> Vec<&'static str> {
        self.projections
            .iter()
            .filter(|p| {
                let types = p.aggregate_types();
                types.is_empty() || types.contains(&aggregate_type)
            })
            .map(|p| p.name())
            .collect()
    }

    pub fn board(&self) -> &CheckpointBoard {
        &self.board
    }

    pub fn fail_point(&self) -> &FailPoint {
        &self.fail_point
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.projections.iter().map(|p| p.name()).collect()
    }

    fn find(&self, name: &str) -> Option<&Arc<dyn Projection>> {
        self.projections.iter().find(|p| p.name() == name)
    }

    /// Ensures every projection, the chainer and the relay has a checkpoint row.
    pub async fn register_all(&self) -> Result<(), DbError> {
        for projection in self.projections.iter() {
            register(&self.pool, projection.name()).await?;
        }
        crate::chain::register(&self.pool).await?;
        crate::relay::register(&self.pool, self.relay.is_some()).await
    }

    /// Starts the wake-up listener, the loop that drives this process's projections, the
    /// chainer and the relay.
    pub async fn start(&self) -> Result<Vec<JoinHandle<()>>, DbError> {
        self.register_all().await?;
        let (wake_tx, wake_rx) = watch::channel(0u64);
        let mut handles = vec![tokio::spawn(listen(
            self.pool.clone(),
            wake_tx,
            self.shutdown.subscribe(),
        ))];
        let runtime = self.clone();
        let wake = wake_rx.clone();
        handles.push(tokio::spawn(async move { runtime.run(wake).await }));
        if self.config.chain {
            handles.push(tokio::spawn(crate::chain::run(
                self.pool.clone(),
                self.config.poll_interval,
                wake_rx.clone(),
                self.shutdown.subscribe(),
            )));
        }
        if let Some(relay) = self.relay.clone() {
            let relay_task =
                crate::relay::run(self.pool.clone(), relay, wake_rx, self.shutdown.subscribe());
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

    /// The process's projector loop: each turn is one group step over every projection (the log
    /// read once for all), then one solo step for each straggler and each member being isolated.
    async fn run(self, mut wake: watch::Receiver<u64>) {
        let mut shutdown = self.shutdown.subscribe();
        let mut backoff = Duration::from_millis(50);
        let mut isolating = Isolating::default();
        loop {
            if *shutdown.borrow() {
                return;
            }
            wake.borrow_and_update();
            let members: Vec<&dyn Projection> = self
                .projections
                .iter()
                .filter(|p| !isolating.contains(p.name()))
                .map(|p| p.as_ref())
                .collect();
            let started = std::time::Instant::now();
            let outcome = group_step(
                &self.pool,
                &members,
                self.config.batch_size,
                &self.fail_point,
            )
            .await;
            tracing::trace!(
                micros = started.elapsed().as_micros() as u64,
                ?outcome,
                "group step"
            );
            let mut pause = match outcome {
                Ok(step) => {
                    for (name, _) in &step.members {
                        self.board.publish(name, step.checkpoint);
                    }
                    backoff = Duration::from_millis(50);
                    for name in &step.stragglers {
                        self.step_straggler(name, &mut isolating).await;
                    }
                    if step.events as i64 >= self.config.batch_size || !step.stragglers.is_empty() {
                        None
                    } else if step.events > 0 {
                        // Everything committed below the horizon was read: the next commit
                        // wakes the loop, and the short timeout covers events the horizon held
                        // back (a step that reads nothing then says whether any wait).
                        Some(Wait::WakeOr(self.config.horizon_retry))
                    } else if step.pending {
                        // Committed events wait behind an older transaction still running.
                        Some(Wait::Sleep(self.config.horizon_retry))
                    } else {
                        Some(Wait::WakeOr(self.config.poll_interval))
                    }
                }
                Err(GroupError::Member { member, error, .. }) if error.is_transient() => {
                    tracing::warn!(projection = member, %error, "transient projection error; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    Some(Wait::WakeOr(backoff))
                }
                Err(GroupError::Member {
                    member,
                    error,
                    until,
                }) => {
                    tracing::warn!(projection = member, %error, "batch failed; isolating the failing event");
                    isolating.start(member, Some(until));
                    None
                }
                Err(GroupError::SimulatedCrash) => Some(Wait::WakeOr(Duration::from_millis(10))),
                Err(GroupError::Database(error)) => {
                    tracing::warn!(%error, "projection step failed; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    Some(Wait::WakeOr(backoff))
                }
            };
            if !isolating.is_empty() {
                self.step_isolated(&mut isolating).await;
                pause = pause.map(|p| p.sleep_at_most(self.config.horizon_retry));
            }
            if let Some(pause) = pause {
                pause.wait(&mut wake, &mut shutdown).await;
            }
        }
    }

    /// One solo batch of a projection too far behind to step with the group.
    async fn step_straggler(&self, name: &'static str, isolating: &mut Isolating) {
        let Some(projection) = self.find(name) else {
            return;
        };
        let limit = self.config.batch_size;
        match step(&self.pool, projection.as_ref(), limit, &self.fail_point).await {
            Ok(StepOutcome::Applied { checkpoint, .. })
            | Ok(StepOutcome::CaughtUp { checkpoint, .. }) => self.board.publish(name, checkpoint),
            Ok(StepOutcome::Busy) | Ok(StepOutcome::Failed) | Err(StepError::SimulatedCrash) => {}
            Err(StepError::Apply { error, .. }) if !error.is_transient() => {
                tracing::warn!(projection = name, %error, "batch failed; isolating the failing event");
                isolating.start(name, None);
            }
            Err(error) => {
                tracing::warn!(projection = name, %error, "projection step failed; retrying")
            }
        }
    }

    /// One event for each member being isolated: the one that failed a batch is found and the
    /// projection stopped on it; a member past the failed batch goes back to the group.
    async fn step_isolated(&self, isolating: &mut Isolating) {
        for (name, until) in isolating.members() {
            let Some(projection) = self.find(name) else {
                isolating.end(name);
                continue;
            };
            match step(&self.pool, projection.as_ref(), 1, &self.fail_point).await {
                Ok(StepOutcome::Applied { checkpoint, .. }) => {
                    self.board.publish(name, checkpoint);
                    if until.is_some_and(|until| checkpoint >= until) {
                        isolating.end(name);
                    }
                }
                Ok(StepOutcome::CaughtUp { checkpoint, .. }) => {
                    self.board.publish(name, checkpoint);
                    isolating.end(name);
                }
                Ok(StepOutcome::Busy) | Ok(StepOutcome::Failed) => isolating.end(name),
                Err(StepError::Apply {
                    error,
                    event: Some(event),
                }) if !error.is_transient() => {
                    tracing::error!(projection = name, %error, position = event.1, "poison event: projection stopped");
                    if let Err(e) =
                        mark_failed(&self.pool, name, &error.to_string(), Some(event)).await
                    {
                        tracing::warn!(projection = name, error = %e, "could not record the projection failure");
                    }
                    isolating.end(name);
                }
                Err(error) => {
                    tracing::warn!(projection = name, %error, "isolating step failed; retrying")
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

    /// Rebuilds `name` blue-green (`blue_green`): the live tables keep answering until the
    /// rebuilt ones replace them in one transaction. `report` hears the progress.
    pub async fn rebuild_blue_green(
        &self,
        name: &str,
        report: impl FnMut(super::blue_green::Progress),
    ) -> Result<u64, admin::AdminError> {
        let projection = self
            .find(name)
            .ok_or_else(|| admin::AdminError::Unknown(name.to_owned()))?;
        register(&self.pool, name).await?;
        super::blue_green::rebuild(
            &self.pool,
            projection.as_ref(),
            self.config.batch_size,
            report,
        )
        .await
    }

    /// Rebuilds every projection: empties them all, then reads the log once per batch for all of
    /// them. With `concurrency` above one, the projections are split into that many groups, each
    /// reading on its own connection, so the database's cores are used. Returns (name, events
    /// applied).
    pub async fn rebuild_all(
        &self,
        concurrency: usize,
    ) -> Result<Vec<(&'static str, u64)>, admin::AdminError> {
        for projection in self.projections.iter() {
            admin::reset(&self.pool, projection.as_ref()).await?;
        }
        let groups = concurrency.clamp(1, self.projections.len().max(1));
        let mut split: Vec<Vec<&'static str>> = vec![Vec::new(); groups];
        for (i, name) in self.names().into_iter().enumerate() {
            split[i % groups].push(name);
        }
        let done = futures_util::future::try_join_all(split.iter().map(|g| self.catch_up_group(g)))
            .await?;
        Ok(done.into_iter().flatten().collect())
    }

    /// Applies everything committed to the projections `names`, reading each batch of the log
    /// once for all of them. Returns (name, events applied), or the error that stopped one.
    pub async fn catch_up_group(
        &self,
        names: &[&'static str],
    ) -> Result<Vec<(&'static str, u64)>, admin::AdminError> {
        let mut members: Vec<&dyn Projection> = Vec::new();
        for name in names {
            let projection = self
                .find(name)
                .ok_or_else(|| admin::AdminError::Unknown((*name).to_owned()))?;
            register(&self.pool, name).await?;
            members.push(projection.as_ref());
        }
        let mut applied: Vec<(&'static str, u64)> = names.iter().map(|n| (*n, 0)).collect();
        let mut add = |name: &str, n: u64| {
            if let Some(entry) = applied.iter_mut().find(|(m, _)| *m == name) {
                entry.1 += n;
            }
        };
        let limit = self.config.batch_size;
        // The next batch is read on another connection while this one is applied, so reading
        // (and decoding) overlaps with the writes.
        let mut reading: Option<JoinHandle<Option<Prefetched>>> = None;
        loop {
            let ahead = match reading.take() {
                Some(read) => read.await.ok().flatten(),
                None => None,
            };
            if let Some(end) = ahead
                .as_ref()
                .and_then(|b| b.events.last())
                .map(LogEvent::checkpoint)
            {
                reading = Some(tokio::spawn(read_ahead(self.pool.clone(), end, limit)));
            }
            let outcome =
                group_step_with(&self.pool, &members, limit, &self.fail_point, ahead).await;
            if let Ok(step) = &outcome {
                if reading.is_none() && step.events > 0 {
                    let pool = self.pool.clone();
                    reading = Some(tokio::spawn(read_ahead(pool, step.checkpoint, limit)));
                }
            }
            match outcome {
                Ok(step) => {
                    for (name, events) in &step.members {
                        add(name, *events as u64);
                        self.board.publish(name, step.checkpoint);
                    }
                    for name in &step.stragglers {
                        add(name, self.catch_up(name).await?);
                    }
                    if step.events == 0 && step.stragglers.is_empty() {
                        if !step.pending {
                            break;
                        }
                        tokio::time::sleep(self.config.horizon_retry).await;
                    }
                }
                Err(GroupError::Member { member, error, .. }) if !error.is_transient() => {
                    // Alone, the member finds its poison event (and stops on it) or goes on.
                    add(member, self.catch_up(member).await?);
                }
                Err(GroupError::Member { error, .. }) => {
                    return Err(admin::AdminError::Projection(error.to_string()))
                }
                Err(GroupError::SimulatedCrash) => {}
                Err(GroupError::Database(e)) => return Err(e.into()),
            }
        }
        // Members held by another process, or stopped, are waited for or reported one by one.
        for name in names {
            add(name, self.catch_up(name).await?);
        }
        Ok(applied)
    }

    /// Clears a poison failure so the projection retries the event (after a fix was deployed).
    pub async fn resume(&self, name: &str) -> Result<(), admin::AdminError> {
        self.find(name)
            .ok_or_else(|| admin::AdminError::Unknown(name.to_owned()))?;
        admin::resume(&self.pool, name).await
    }

    /// Status and lag of every projection.
    pub async fn status(&self) -> Result<Vec<admin::ProjectionStatus>, DbError> {
        admin::status(&self.pool).await
    }
}

/// The projections being stepped alone, one event at a time, after failing a batch: each until
/// its checkpoint reaches the end of that batch (or, when unknown, until it is caught up).
#[derive(Default)]
struct Isolating(Vec<(&'static str, Option<Checkpoint>)>);

impl Isolating {
    fn start(&mut self, name: &'static str, until: Option<Checkpoint>) {
        if !self.contains(name) {
            self.0.push((name, until));
        }
    }
    fn end(&mut self, name: &str) {
        self.0.retain(|(n, _)| *n != name);
    }
    fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| *n == name)
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn members(&self) -> Vec<(&'static str, Option<Checkpoint>)> {
        self.0.clone()
    }
}

/// Turns this process's own appends (in memory) and other processes' notifications into
/// wake-ups. After a lost connection it wakes the loops too, since notifications may have been
/// missed while it was down.
async fn listen(pool: Pool, wake: watch::Sender<u64>, mut shutdown: watch::Receiver<bool>) {
    let wake_all = || wake.send_modify(|n| *n += 1);
    let mut local = pool.appends();
    let mut backoff = Duration::from_millis(100);
    loop {
        let mut listener = match Listener::connect(&pool, db::EVENTS_CHANNEL).await {
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
        backoff = Duration::from_millis(100);
        wake_all();
        loop {
            tokio::select! {
                received = listener.recv() => match received {
                    Some(_) => wake_all(),
                    None => {
                        tracing::warn!("event listener connection lost; reconnecting");
                        break;
                    }
                },
                appended = local.changed() => {
                    if appended.is_ok() {
                        wake_all();
                    }
                }
                _ = shutdown.changed() => return,
            }
        }
    }
}
