//! The tamper-evident chain over the log (ADR 0022): the chainer, a checkpointed consumer of the
//! log like the relay (same order, same horizon, its own checkpoint `event_chain`), appends one
//! link per event to `event_chain`, each hash covering the previous one and the event's canonical
//! bytes. Appends stay concurrent (nothing is serialised in the appending transaction) and
//! `events` stays insert-only. The chain is never rebuilt: a rebuild would hash edited content
//! anew.
//!
//! - [`hash`]: the canonical bytes of an event and a link's hash.
//! - [`verify`]: walking the chain against the log, reporting the first event that no longer
//!   matches.

pub mod hash;
pub mod verify;

use std::time::Duration;

use db::{Conn, DbError, Pool};
use tokio::sync::watch;

use crate::runtime::{close_batch, open_batch, Opening, Wait};
use hash::{Hash, GENESIS};

/// The chainer's checkpoint row.
pub const CHAIN: &str = "event_chain";

const BATCH: i64 = 1000;

/// Creates the chainer's checkpoint row.
pub async fn register(pool: &Pool) -> Result<(), DbError> {
    pool.execute(
        "INSERT INTO projection_checkpoints (name, status) VALUES ($1, 'running') ON CONFLICT (name) DO NOTHING",
        &[&CHAIN],
    )
    .await?;
    Ok(())
}

/// What one chain step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainStep {
    Chained(usize),
    CaughtUp { pending: bool },
    Busy,
}

/// Chains the next batch of the log and advances the checkpoint, in one transaction.
pub async fn chain_step(pool: &Pool, limit: i64) -> Result<ChainStep, DbError> {
    let conn = pool.get().await?;
    let result = chain_on(&conn, limit).await;
    if result.is_err() {
        db::rollback_or_discard(conn).await;
    }
    result
}

async fn chain_on(conn: &Conn, limit: i64) -> Result<ChainStep, DbError> {
    let events = match open_batch(conn, CHAIN, limit).await? {
        Opening::Busy | Opening::Failed => return Ok(ChainStep::Busy),
        Opening::CaughtUp { pending, .. } => return Ok(ChainStep::CaughtUp { pending }),
        Opening::Batch { events } => events,
    };
    let head = conn
        .query_opt(
            "SELECT link, hash FROM event_chain ORDER BY link DESC LIMIT 1",
            &[],
        )
        .await?;
    let (mut link, mut previous): (i64, Hash) = match head {
        Some(row) => {
            let bytes: Vec<u8> = row.try_get(1)?;
            let previous = bytes
                .try_into()
                .map_err(|_| DbError::Decode("a chain hash is not 32 bytes".into()))?;
            (row.try_get(0)?, previous)
        }
        None => (0, GENESIS),
    };
    let mut links = Vec::with_capacity(events.len());
    let mut positions = Vec::with_capacity(events.len());
    let mut ids = Vec::with_capacity(events.len());
    let mut hashes = Vec::with_capacity(events.len());
    for event in &events {
        link += 1;
        previous = hash::link(&previous, event);
        links.push(link);
        positions.push(event.global_position);
        ids.push(event.event_id);
        hashes.push(previous.to_vec());
    }
    conn.execute(
        "INSERT INTO event_chain (link, global_position, event_id, hash) \
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::bytea[])",
        &[&links, &positions, &ids, &hashes],
    )
    .await?;
    close_batch(conn, CHAIN, &events).await?;
    Ok(ChainStep::Chained(events.len()))
}

/// Chains everything committed so far (for tools and tests); returns the events chained.
pub async fn catch_up(pool: &Pool) -> Result<u64, DbError> {
    register(pool).await?;
    let mut chained = 0;
    loop {
        match chain_step(pool, BATCH).await? {
            ChainStep::Chained(n) => chained += n as u64,
            ChainStep::CaughtUp { pending: true } | ChainStep::Busy => {
                tokio::time::sleep(Duration::from_millis(5)).await
            }
            ChainStep::CaughtUp { pending: false } => return Ok(chained),
        }
    }
}

/// Wait before chaining again when committed events sit behind the horizon.
const HORIZON_RETRY: Duration = Duration::from_millis(3);

/// The chainer's loop: chain batches as the log grows, woken by appends, polling as backstop.
pub async fn run(
    pool: Pool,
    poll: Duration,
    mut wake: watch::Receiver<u64>,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        wake.borrow_and_update();
        let pause = match chain_step(&pool, BATCH).await {
            Ok(ChainStep::Chained(n)) if n as i64 >= BATCH => None,
            // Everything below the horizon is chained: the next commit wakes the loop; the
            // timeout covers events the horizon held back.
            Ok(ChainStep::Chained(_)) => Some(Wait::WakeOr(HORIZON_RETRY)),
            Ok(ChainStep::CaughtUp { pending: true }) => Some(Wait::Sleep(HORIZON_RETRY)),
            Ok(ChainStep::CaughtUp { pending: false } | ChainStep::Busy) => {
                Some(Wait::WakeOr(poll))
            }
            Err(error) => {
                tracing::warn!(%error, "chain step failed; retrying");
                Some(Wait::WakeOr(Duration::from_millis(500)))
            }
        };
        if let Some(pause) = pause {
            pause.wait(&mut wake, &mut shutdown).await;
        }
    }
}
