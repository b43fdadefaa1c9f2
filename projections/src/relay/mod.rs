//! The AMQP relay: a consumer of the global log like a projection (same order, same horizon, its
//! own checkpoint `amqp_relay`), that publishes every event to RabbitMQ and advances its
//! checkpoint only after the broker confirmed the whole batch. Delivery is at-least-once: a batch
//! interrupted before its confirms is published again. See docs/amqp.md.
//!
//! - [`envelope`]: the CloudEvents 1.0 message, routing key and AMQP properties of an event.
//! - [`publisher`]: the broker connection: topology, confirms, batched publishing.

pub mod envelope;
pub mod publisher;

use std::time::Duration;

use db::{Conn, DbError, Pool};
use tokio::sync::watch;

use crate::runtime::{close_batch, open_batch, Opening};
use publisher::Publisher;

/// The relay's checkpoint row.
pub const RELAY: &str = "amqp_relay";

/// Where and how the relay publishes.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// `AMQP_URL`, e.g. `amqp://guest:guest@127.0.0.1:5672/%2f`.
    pub url: String,
    /// The durable topic exchange events are published to.
    pub exchange: String,
    /// CloudEvents `source` of every message.
    pub source: String,
    /// Most events per batch (all in flight before the confirms are awaited).
    pub batch_size: i64,
    pub poll_interval: Duration,
}

impl RelayConfig {
    pub fn new(url: impl Into<String>, exchange: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            exchange: exchange.into(),
            source: "edgedev".into(),
            batch_size: 1000,
            poll_interval: Duration::from_millis(500),
        }
    }
}

/// Registers the relay's checkpoint. A process with a broker marks it `running`; a process
/// without one only creates it as `idle`, so it never hides a relay another process runs.
pub async fn register(pool: &Pool, configured: bool) -> Result<(), DbError> {
    let sql = if configured {
        "INSERT INTO projection_checkpoints (name, status) VALUES ($1, 'running') \
         ON CONFLICT (name) DO UPDATE SET status = 'running', updated_at = now() \
         WHERE projection_checkpoints.status = 'idle'"
    } else {
        "INSERT INTO projection_checkpoints (name, status) VALUES ($1, 'idle') ON CONFLICT (name) DO NOTHING"
    };
    pool.execute(sql, &[&RELAY]).await?;
    Ok(())
}

/// Records why the relay is not publishing (broker down), without stopping it.
async fn record_error(pool: &Pool, error: &str) {
    let result = pool
        .execute(
            "UPDATE projection_checkpoints SET last_error = $2, updated_at = now() WHERE name = $1",
            &[&RELAY, &error],
        )
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot record the relay error");
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    #[error("the broker refused (nacked) a message")]
    Nacked,
    #[error("database: {0}")]
    Database(#[from] DbError),
}

/// What one relay step did.
#[derive(Debug)]
pub enum RelayStep {
    Published(usize),
    CaughtUp { pending: bool },
    Busy,
}

/// Publishes the next batch and advances the checkpoint once every message is confirmed.
pub async fn relay_step(
    pool: &Pool,
    publisher: &Publisher,
    config: &RelayConfig,
) -> Result<RelayStep, RelayError> {
    let conn = pool.get().await?;
    let result = relay_on(&conn, publisher, config).await;
    if result.is_err() {
        // Leave nothing open on a pooled connection: roll back, or drop the connection.
        db::rollback_or_discard(conn).await;
    }
    result
}

async fn relay_on(
    conn: &Conn,
    publisher: &Publisher,
    config: &RelayConfig,
) -> Result<RelayStep, RelayError> {
    let events = match open_batch(conn, RELAY, config.batch_size).await? {
        Opening::Busy | Opening::Failed => return Ok(RelayStep::Busy),
        Opening::CaughtUp { pending, .. } => return Ok(RelayStep::CaughtUp { pending }),
        Opening::Batch { events } => events,
    };
    publisher.publish_confirmed(&events, config).await?;
    close_batch(conn, RELAY, &events).await?;
    Ok(RelayStep::Published(events.len()))
}

/// The relay loop: connect (retrying with backoff while the broker is down), publish batches as
/// the log grows, reconnect after a broker failure.
pub async fn run(
    pool: Pool,
    config: RelayConfig,
    mut wake: watch::Receiver<u64>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(100);
    while !*shutdown.borrow() {
        let publisher = match Publisher::connect(&config).await {
            Ok(publisher) => {
                backoff = Duration::from_millis(100);
                tracing::info!(exchange = %config.exchange, "AMQP relay connected");
                publisher
            }
            Err(error) => {
                tracing::warn!(%error, "AMQP broker unreachable; retrying");
                record_error(&pool, &format!("broker unreachable: {error}")).await;
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.changed() => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        loop {
            if *shutdown.borrow() {
                publisher.close().await;
                return;
            }
            wake.borrow_and_update();
            let pause = match relay_step(&pool, &publisher, &config).await {
                Ok(RelayStep::Published(_)) => None,
                Ok(RelayStep::CaughtUp { pending: true }) => Some(Duration::from_millis(3)),
                Ok(RelayStep::CaughtUp { pending: false }) | Ok(RelayStep::Busy) => {
                    Some(config.poll_interval)
                }
                Err(RelayError::Database(error)) => {
                    tracing::warn!(%error, "relay step failed; retrying");
                    Some(Duration::from_millis(500))
                }
                Err(error) => {
                    tracing::warn!(%error, "AMQP publish failed; reconnecting");
                    record_error(&pool, &error.to_string()).await;
                    break;
                }
            };
            if let Some(pause) = pause {
                tokio::select! {
                    _ = wake.changed(), if pause > Duration::from_millis(3) => {}
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        publisher.close().await;
    }
}
