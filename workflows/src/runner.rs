//! The workflow runner (process manager) of long-running operations (DESIGN.md §5).
//!
//! It finds unfinished operations in the log (an `OperationRequested` with no ending on its
//! aggregate), takes each one's lease — a session advisory lock on its own connection, so two
//! processes never drive the same operation and a crashed process's lease dies with its
//! connection — and advances it one step at a time: load the aggregate, decide the next outside
//! call from the recorded facts, make it, record the outcome as events (a `Step` command, refused
//! once the operation is cancelled or finished). After a restart an operation resumes from the
//! last recorded step; every poll has a deadline counted from the action's recorded start, so
//! nothing stays ONGOING forever.
//! What it knows of each aggregate that runs operations is in [`crate::hooks`].

use db::Sql;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use commands::CommandExecutor;
use db::Pool;
use domain::operation::OperationEventKind;
use domain::ports::{FileServer, Lcm, Orchestrator};
use tokio::sync::{watch, Notify, Semaphore};

use commands::secrets::SecretBox;

/// How long polls may take, counted from the action's start (reference section 3).
#[derive(Debug, Clone)]
pub struct Deadlines {
    pub distribute: Duration,
    pub instantiate: Duration,
    pub create_image: Duration,
    pub download_image: Duration,
    /// The file server's check of a merged upload.
    pub image_check: Duration,
    pub slim: Duration,
    /// A container reaching the status its action leads to.
    pub container_status: Duration,
    /// A test task reaching a final status.
    pub test_task: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            distribute: Duration::from_secs(3600),
            instantiate: Duration::from_secs(1800),
            create_image: Duration::from_secs(3 * 3600),
            download_image: Duration::from_secs(2 * 3600),
            image_check: Duration::from_secs(2 * 3600),
            slim: Duration::from_secs(3 * 3600),
            container_status: Duration::from_secs(600),
            test_task: Duration::from_secs(6 * 3600),
        }
    }
}

/// The event that starts an operation, and those that end one.
const REQUESTED: OperationEventKind = OperationEventKind::OperationRequested;
const ENDED: [OperationEventKind; 3] = [
    OperationEventKind::OperationSucceeded,
    OperationEventKind::OperationFailed,
    OperationEventKind::OperationCancelled,
];

/// The advisory-lock namespace of operation leases.
const LEASE_NAMESPACE: i32 = 727_276;
/// Operations driven at once by one process.
const CONCURRENT: usize = 16;
/// Consecutive failed steps (database answering) after which an operation is failed.
const MAX_STEP_ERRORS: u32 = 5;
/// Every how many sweeps the whole log is scanned (the others start near the newest requests).
const FULL_SWEEP_EVERY: u64 = 100;
/// How far before the newest request an incremental sweep starts (positions).
const SWEEP_MARGIN: i64 = 10_000;
/// How often the log is scanned for operations nobody drives (another process died).
const SWEEP: Duration = Duration::from_secs(3);

#[derive(Clone)]
pub struct Workflows {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    executor: CommandExecutor,
    lcm: Arc<dyn Lcm>,
    file_server: Arc<dyn FileServer>,
    orchestrator: Arc<dyn Orchestrator>,
    test_platform: Arc<dyn domain::ports::TestPlatform>,
    secrets: SecretBox,
    data_dir: std::path::PathBuf,
    poll: Duration,
    deadlines: Deadlines,
    wake: Notify,
    running: Mutex<HashSet<String>>,
    slots: Arc<Semaphore>,
    shutdown: watch::Receiver<bool>,
    metrics: RunnerMetrics,
    hooks: &'static [Hook],
}

/// A boxed future borrowing the runner and the operation.
pub type StepFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, RunError>> + Send + 'a>>;

/// What the runner knows of one aggregate type that runs operations (see `crate::hooks`).
pub struct Hook {
    pub aggregate_type: &'static str,
    /// Takes one step of an operation; false once it has ended.
    pub advance: for<'a> fn(&'a Workflows, &'a Running) -> StepFuture<'a, bool>,
    /// Fails an operation whose steps keep failing, with the message.
    pub give_up: for<'a> fn(&'a Workflows, &'a Running, &'a str) -> StepFuture<'a, ()>,
}

/// The runner's metrics, registered by whoever serves them.
#[derive(Clone)]
pub struct RunnerMetrics {
    /// Operations this process drives now.
    pub operations_driven: prometheus::IntGauge,
    /// Steps taken, by aggregate type and outcome (`ok`, `error`).
    pub operation_steps: prometheus::IntCounterVec,
    /// Operations found leased by another process.
    pub operation_leases_busy: prometheus::IntCounter,
}

/// Why a step could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("{0}")]
    Command(String),
}

/// An operation's identity and who asked for it.
#[derive(Debug, Clone)]
pub struct Running {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub operation_id: String,
}

/// What a runner is built from.
pub struct RunnerParts {
    pub pool: Pool,
    pub executor: CommandExecutor,
    pub lcm: Arc<dyn Lcm>,
    pub file_server: Arc<dyn FileServer>,
    /// The orchestrator the container platform's containers run on.
    pub orchestrator: Arc<dyn Orchestrator>,
    /// The test platform packages are tested on.
    pub test_platform: Arc<dyn domain::ports::TestPlatform>,
    pub secrets: SecretBox,
    /// The data directory (its `files/` is the content-addressed store charts are read from).
    pub data_dir: std::path::PathBuf,
    /// How often running operations poll their outside system.
    pub poll: Duration,
    /// How long they poll.
    pub deadlines: Deadlines,
    pub shutdown: watch::Receiver<bool>,
    pub metrics: RunnerMetrics,
    /// The aggregates that run operations (`crate::hooks::HOOKS`).
    pub hooks: &'static [Hook],
}

impl Workflows {
    pub fn new(parts: RunnerParts) -> Self {
        Self {
            inner: Arc::new(Inner {
                pool: parts.pool,
                executor: parts.executor,
                lcm: parts.lcm,
                file_server: parts.file_server,
                orchestrator: parts.orchestrator,
                test_platform: parts.test_platform,
                secrets: parts.secrets,
                data_dir: parts.data_dir,
                poll: parts.poll,
                deadlines: parts.deadlines,
                wake: Notify::new(),
                running: Mutex::new(HashSet::new()),
                slots: Arc::new(Semaphore::new(CONCURRENT)),
                shutdown: parts.shutdown,
                metrics: parts.metrics,
                hooks: parts.hooks,
            }),
        }
    }

    /// The hook of `aggregate_type`.
    fn hook(&self, aggregate_type: &str) -> Option<&'static Hook> {
        self.inner
            .hooks
            .iter()
            .find(|h| h.aggregate_type == aggregate_type)
    }

    pub fn lcm(&self) -> &Arc<dyn Lcm> {
        &self.inner.lcm
    }

    pub fn file_server(&self) -> &Arc<dyn FileServer> {
        &self.inner.file_server
    }

    pub fn orchestrator(&self) -> &Arc<dyn Orchestrator> {
        &self.inner.orchestrator
    }

    pub fn test_platform(&self) -> &Arc<dyn domain::ports::TestPlatform> {
        &self.inner.test_platform
    }

    /// Where a file of the content-addressed store is on disk.
    pub fn stored_file(&self, file: &domain::plugin::StoredFile) -> std::path::PathBuf {
        self.inner.data_dir.join(file.store_path())
    }

    pub fn secrets(&self) -> &SecretBox {
        &self.inner.secrets
    }

    pub fn executor(&self) -> &CommandExecutor {
        &self.inner.executor
    }

    /// Asks the runner to look for new operations now.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Runs the discovery loop until shutdown.
    pub async fn run(self) {
        let mut shutdown = self.inner.shutdown.clone();
        let mut from = 0i64;
        let mut sweeps = 0u64;
        loop {
            if *shutdown.borrow() {
                return;
            }
            // Most sweeps look at the recent part of the log only; every FULL_SWEEP_EVERY-th one
            // (and the first) reads all of it, so nothing is missed for long.
            if sweeps == 0 {
                from = 0;
                sweeps = FULL_SWEEP_EVERY;
            }
            sweeps -= 1;
            match self.unfinished(from).await {
                Ok((found, next_from)) => {
                    from = next_from;
                    for op in found {
                        self.spawn(op);
                    }
                }
                Err(error) => tracing::warn!(%error, "looking for unfinished operations failed"),
            }
            tokio::select! {
                _ = self.inner.wake.notified() => {}
                _ = tokio::time::sleep(SWEEP) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Operations requested at `from` or later and not ended, oldest first; and where the next
    /// sweep may start: at the oldest unfinished one, or near the newest request, less a margin
    /// for requests that commit after others with higher positions.
    async fn unfinished(&self, from: i64) -> Result<(Vec<Running>, i64), db::DbError> {
        let rows = self.inner.pool.query("SELECT r.aggregate_type, r.aggregate_id, r.payload->>'operationId' AS operation_id, r.global_position \
             FROM events r WHERE r.event_type = $2 AND r.global_position >= $1 AND NOT EXISTS ( \
               SELECT 1 FROM events f WHERE f.aggregate_type = r.aggregate_type AND f.aggregate_id = r.aggregate_id \
               AND f.sequence > r.sequence \
               AND f.event_type = ANY($3) \
               AND f.payload->>'operationId' = r.payload->>'operationId') \
             ORDER BY r.global_position LIMIT 256", &[&from, &REQUESTED.name(), &ENDED.map(OperationEventKind::name).as_slice()])
        .await?;
        let newest: Option<i64> = self
            .inner
            .pool
            .query_one(
                "SELECT max(global_position) FROM events WHERE event_type = $1",
                &[&REQUESTED.name()],
            )
            .await
            .and_then(db::scalar)?;
        let mut oldest_unfinished = None;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            let position: i64 = row.try_get("global_position")?;
            oldest_unfinished.get_or_insert(position);
            found.push(Running {
                aggregate_type: row.try_get("aggregate_type")?,
                aggregate_id: row.try_get("aggregate_id")?,
                operation_id: row.try_get("operation_id")?,
            });
        }
        let next = oldest_unfinished
            .unwrap_or_else(|| newest.unwrap_or(0).saturating_sub(SWEEP_MARGIN))
            .max(0);
        Ok((found, next))
    }

    fn spawn(&self, op: Running) {
        {
            let mut running = self.inner.running.lock().unwrap_or_else(|p| p.into_inner());
            if !running.insert(op.operation_id.clone()) {
                return;
            }
        }
        let this = self.clone();
        tokio::spawn(async move {
            let id = op.operation_id.clone();
            if let Ok(_slot) = this.inner.slots.clone().acquire_owned().await {
                if let Err(error) = this.drive_leased(&op).await {
                    tracing::warn!(operation = %id, %error, "operation step failed; it will be retried");
                }
            }
            this.inner
                .running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
        });
    }

    /// Takes the operation's lease and drives it; returns at once when another process holds it.
    async fn drive_leased(&self, op: &Running) -> Result<(), RunError> {
        let conn = self.inner.pool.get().await?;
        let held: bool = conn
            .query_one(
                "SELECT pg_try_advisory_lock($1, hashtext($2))",
                &[&LEASE_NAMESPACE, &op.operation_id],
            )
            .await
            .and_then(db::scalar)?;
        if !held {
            // Another process drives it; the connection holds no lock and goes back to the pool.
            self.inner.metrics.operation_leases_busy.inc();
            return Ok(());
        }
        // The lease lives as long as this session: the connection leaves the pool, and closing it
        // (or the process dying) ends the lease.
        let lease = db::detach(conn);
        let driven = &self.inner.metrics.operations_driven;
        driven.inc();
        let result = self.drive(op).await;
        driven.dec();
        drop(lease);
        result
    }

    async fn drive(&self, op: &Running) -> Result<(), RunError> {
        let shutdown = self.inner.shutdown.clone();
        let mut errors = 0u32;
        loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            let advanced = match self.hook(&op.aggregate_type) {
                Some(hook) => (hook.advance)(self, op).await,
                None => Err(RunError::Command(format!(
                    "operation on an unknown aggregate type {}",
                    op.aggregate_type
                ))),
            };
            let outcome = match &advanced {
                Ok(_) => "ok",
                Err(_) => "error",
            };
            self.inner
                .metrics
                .operation_steps
                .with_label_values(&[op.aggregate_type.as_str(), outcome])
                .inc();
            match advanced {
                Ok(true) => errors = 0,
                Ok(false) => return Ok(()),
                Err(error) => {
                    errors += 1;
                    if errors >= MAX_STEP_ERRORS {
                        // The database answers but the step keeps failing: end the operation
                        // rather than leave it ONGOING. (If recording this fails too, the
                        // database is down; the next sweep tries again.)
                        return self.give_up(op, &error).await;
                    }
                    tracing::warn!(operation = %op.operation_id, %error, errors, "operation step failed; retrying");
                    tokio::time::sleep(Duration::from_millis(250 << errors)).await;
                }
            }
        }
    }

    /// Fails an operation whose steps keep failing.
    async fn give_up(&self, op: &Running, error: &RunError) -> Result<(), RunError> {
        let message = format!("internal error, the step failed {MAX_STEP_ERRORS} times: {error}");
        if let Some(hook) = self.hook(&op.aggregate_type) {
            (hook.give_up)(self, op, &message).await?;
        }
        tracing::error!(operation = %op.operation_id, %message, "operation failed");
        Ok(())
    }

    /// Waits one poll interval (or until shutdown).
    /// Sleeps `every`; true when shutdown came first (or had come).
    pub async fn sleep_or_shutdown(&self, every: Duration) -> bool {
        let mut shutdown = self.inner.shutdown.clone();
        if *shutdown.borrow() {
            return true;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => *shutdown.borrow(),
            _ = shutdown.changed() => true,
        }
    }

    pub async fn pause(&self) {
        let mut shutdown = self.inner.shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(self.inner.poll) => {}
            _ = shutdown.changed() => {}
        }
    }

    pub fn is_shutting_down(&self) -> bool {
        *self.inner.shutdown.borrow()
    }

    pub fn deadlines(&self) -> &Deadlines {
        &self.inner.deadlines
    }

    pub fn pool(&self) -> &Pool {
        &self.inner.pool
    }
}
