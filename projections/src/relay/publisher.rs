//! The broker side of the relay: one connection and confirm-mode channel, the topology declared
//! on connect (idempotently), and batches published with every message in flight before the
//! confirms are awaited.

use lapin::options::{
    BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use lapin::{
    Channel, Confirmation, Connection, ConnectionProperties, ExchangeKind, PublisherConfirm,
};

use super::envelope::{cloud_event, properties, routing_key};
use super::{RelayConfig, RelayError};
use crate::runtime::LogEvent;

/// A publish after its first poll: finished, or still waiting for its frames to be written.
enum Sent<'a> {
    Done(lapin::Result<PublisherConfirm>),
    Pending(Pin<Box<dyn Future<Output = lapin::Result<PublisherConfirm>> + Send + 'a>>),
}

pub struct Publisher {
    connection: Connection,
    channel: Channel,
}

/// The alternate exchange (and queue) of `exchange`: unroutable messages land there instead of
/// being dropped.
pub fn alternate_exchange(exchange: &str) -> String {
    format!("{exchange}.unroutable")
}

impl Publisher {
    pub async fn connect(config: &RelayConfig) -> Result<Self, lapin::Error> {
        let properties =
            ConnectionProperties::default().with_connection_name(LongString::from("edgedev-relay"));
        let connection = Connection::connect(&config.url, properties).await?;
        let channel = connection.create_channel().await?;
        declare_topology(&channel, &config.exchange).await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Self {
            connection,
            channel,
        })
    }

    /// Publishes `events` (persistent, mandatory) and waits until the broker confirmed all of
    /// them. Any nack, or a lost connection, fails the whole batch.
    ///
    /// Every publish is polled once, in log order, before any is awaited: that first poll queues
    /// the message's frames (and takes its delivery tag), so the whole batch is in flight at once
    /// and still leaves in order.
    pub async fn publish_confirmed(
        &self,
        events: &[LogEvent],
        config: &RelayConfig,
    ) -> Result<(), RelayError> {
        let exchange = ShortString::from(config.exchange.as_str());
        let bodies: Vec<Vec<u8>> = events
            .iter()
            .map(|event| {
                serde_json::to_vec(&cloud_event(event, &config.source)).unwrap_or_default()
            })
            .collect();
        let mut sends = Vec::with_capacity(events.len());
        for (event, body) in events.iter().zip(&bodies) {
            let mut send = Box::pin(self.channel.basic_publish(
                exchange.clone(),
                ShortString::from(routing_key(event)),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                body,
                properties(event),
            ));
            let first = std::future::poll_fn(|cx| Poll::Ready(send.as_mut().poll(cx))).await;
            sends.push(match first {
                Poll::Ready(result) => Sent::Done(result),
                Poll::Pending => Sent::Pending(send),
            });
        }
        let mut confirms = Vec::with_capacity(sends.len());
        for send in sends {
            confirms.push(match send {
                Sent::Done(result) => result?,
                Sent::Pending(send) => send.await?,
            });
        }
        for confirm in confirms {
            match confirm.await? {
                Confirmation::Ack(_) => {}
                Confirmation::Nack(_) | Confirmation::NotRequested => {
                    return Err(RelayError::Nacked)
                }
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        let _ = self
            .connection
            .close(200, ShortString::from("edgedev stopping"))
            .await;
    }
}

/// Declares the durable topic exchange, its alternate exchange and the queue that keeps
/// unroutable messages. Declaring what exists with the same settings is a no-op.
pub async fn declare_topology(channel: &Channel, exchange: &str) -> Result<(), lapin::Error> {
    let durable = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    let alternate = alternate_exchange(exchange);
    channel
        .exchange_declare(
            ShortString::from(alternate.as_str()),
            ExchangeKind::Fanout,
            durable,
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_declare(
            ShortString::from(alternate.as_str()),
            QueueDeclareOptions::durable(),
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            ShortString::from(alternate.as_str()),
            ShortString::from(alternate.as_str()),
            ShortString::from(""),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut arguments = FieldTable::default();
    arguments.insert(
        ShortString::from("alternate-exchange"),
        AMQPValue::LongString(LongString::from(alternate.as_str())),
    );
    channel
        .exchange_declare(
            ShortString::from(exchange),
            ExchangeKind::Topic,
            durable,
            arguments,
        )
        .await?;
    Ok(())
}
