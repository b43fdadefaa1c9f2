//! The checkpoints this process knows, for read-your-writes: a command response waits until the
//! projections serving its resource have passed the position it appended. Local runners publish
//! every commit here; when the projection runs in another process the wait polls the checkpoint
//! row instead.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use db::{DbError, Pool};
use tokio::sync::watch;
use tokio::time::Instant;

use super::log::Checkpoint;

#[derive(Clone)]
pub struct CheckpointBoard {
    pool: Pool,
    channels: Arc<HashMap<&'static str, watch::Sender<Checkpoint>>>,
}

/// How often a waiter re-reads a checkpoint that no local runner is advancing.
const POLL: Duration = Duration::from_millis(20);

impl CheckpointBoard {
    pub fn new(pool: Pool, names: &[&'static str]) -> Self {
        let channels = names
            .iter()
            .map(|n| (*n, watch::channel((0, 0)).0))
            .collect();
        Self {
            pool,
            channels: Arc::new(channels),
        }
    }

    /// Records that `name` has committed up to `checkpoint`.
    pub fn publish(&self, name: &str, checkpoint: Checkpoint) {
        if let Some(sender) = self.channels.get(name) {
            sender.send_if_modified(|current| {
                let newer = checkpoint > *current;
                if newer {
                    *current = checkpoint;
                }
                newer
            });
        }
    }

    /// Waits until every projection in `names` has passed `target`, at most `timeout`.
    /// Returns whether they all did.
    pub async fn wait_for(&self, names: &[&str], target: Checkpoint, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        for name in names {
            let Some(sender) = self.channels.get(name) else {
                continue;
            };
            let mut receiver = sender.subscribe();
            loop {
                if *receiver.borrow_and_update() >= target {
                    break;
                }
                let now = Instant::now();
                if now >= deadline {
                    return false;
                }
                let wait = POLL.min(deadline - now);
                if tokio::time::timeout(wait, receiver.changed())
                    .await
                    .is_err()
                {
                    // No local progress: the projection may run in another process.
                    if let Ok(Some(checkpoint)) = read_checkpoint(&self.pool, name).await {
                        self.publish(name, checkpoint);
                    }
                }
            }
        }
        true
    }
}

async fn read_checkpoint(pool: &Pool, name: &str) -> Result<Option<Checkpoint>, DbError> {
    let row = pool
        .query_opt(
            "SELECT last_txid::text::bigint, last_position FROM projection_checkpoints WHERE name = $1",
            &[&name],
        )
        .await?;
    Ok(match row {
        Some(row) => Some((row.try_get(0)?, row.try_get(1)?)),
        None => None,
    })
}
