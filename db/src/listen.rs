//! LISTEN on a dedicated connection: notifications arrive as the connection's asynchronous
//! messages, which a driver task forwards to a channel.

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use crate::{DbError, Pool};

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
