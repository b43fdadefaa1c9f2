//! LISTEN on a dedicated connection: notifications arrive as the connection's asynchronous
//! messages, which a driver task forwards to a channel. And the other side: telling other
//! processes of this process's appends, with one NOTIFY per burst.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio_postgres::{AsyncMessage, NoTls};

use crate::{DbError, Pool};

/// The channel that says the event log has grown.
pub const EVENTS_CHANNEL: &str = "edgedev_events";

/// A connection listening on one channel; dropping it closes the connection.
pub struct Listener {
    _client: tokio_postgres::Client,
    notifications: mpsc::UnboundedReceiver<String>,
}

impl Listener {
    /// Opens a connection outside the pool and listens on `channel` (an SQL identifier).
    pub async fn connect(pool: &Pool, channel: &str) -> Result<Listener, DbError> {
        let (client, mut connection) = pool.config().connect(NoTls).await?;
        let (sender, notifications) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(|cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    Ok(AsyncMessage::Notification(note)) => {
                        if sender.send(note.payload().to_owned()).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(error) => {
                        tracing::debug!(%error, "listener connection ended");
                        return;
                    }
                }
            }
        });
        client
            .batch_execute(&format!("LISTEN \"{}\"", channel.replace('"', "\"\"")))
            .await?;
        Ok(Listener {
            _client: client,
            notifications,
        })
    }

    /// The next notification's payload; `None` once the connection is lost.
    pub async fn recv(&mut self) -> Option<String> {
        self.notifications.recv().await
    }
}

/// The shortest time between two NOTIFYs of [`announce_appends`]: other processes learn of
/// new events at most this much later, and a busy process sends at most 100 NOTIFYs a second
/// (each is a transaction of its own, and PostgreSQL serializes notifying commits).
pub const NOTIFY_INTERVAL: Duration = Duration::from_millis(10);

/// Tells other processes about this process's appends ([`Pool::announce_append`]): one
/// `NOTIFY channel` per burst, at most one per [`NOTIFY_INTERVAL`], on a pooled connection and
/// outside any appending transaction (appends made meanwhile are told by the next one). Runs
/// until `shutdown` changes; a failed NOTIFY is logged, and other processes find the events by
/// their timed poll.
pub async fn announce_appends(pool: Pool, channel: String, mut shutdown: watch::Receiver<bool>) {
    let mut appends = pool.appends();
    let mut next = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = shutdown.changed() => return,
        }
        tokio::select! {
            changed = appends.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            _ = shutdown.changed() => return,
        }
        next = tokio::time::Instant::now() + NOTIFY_INTERVAL;
        if let Err(error) = pool.execute("SELECT pg_notify($1, '')", &[&channel]).await {
            tracing::warn!(%error, "could not tell other processes of new events");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
