//! `edgedev subscribe`: a RabbitMQ consumer for scripts and debugging. It declares a durable
//! quorum queue with a dead-letter exchange, binds it to the events exchange with the given
//! patterns, and prints each event (its CloudEvents body) as one JSON line, acknowledging it after
//! the line is written. A body that is not JSON is dead-lettered, not lost.

use std::io::Write;

use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
    ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Connection, ConnectionProperties, ExchangeKind};

/// The dead-letter exchange of `exchange`'s subscriber queues.
pub fn dead_letter_exchange(exchange: &str) -> String {
    format!("{exchange}.dlx")
}

pub async fn run(args: SubscribeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let properties =
        ConnectionProperties::default().with_connection_name(LongString::from("edgedev-subscribe"));
    let connection = Connection::connect(&args.amqp_url, properties).await?;
    let channel = connection.create_channel().await?;
    projections::relay::publisher::declare_topology(&channel, &args.exchange).await?;

    let dlx = dead_letter_exchange(&args.exchange);
    let durable = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    channel
        .exchange_declare(
            ShortString::from(dlx.as_str()),
            ExchangeKind::Topic,
            durable,
            FieldTable::default(),
        )
        .await?;
    let dead_queue = format!("{}.dead", args.queue);
    let mut quorum = FieldTable::default();
    quorum.insert(
        ShortString::from("x-queue-type"),
        AMQPValue::LongString(LongString::from("quorum")),
    );
    channel
        .queue_declare(
            ShortString::from(dead_queue.as_str()),
            QueueDeclareOptions::durable(),
            quorum.clone(),
        )
        .await?;
    channel
        .queue_bind(
            ShortString::from(dead_queue.as_str()),
            ShortString::from(dlx.as_str()),
            ShortString::from(args.queue.as_str()),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut arguments = quorum;
    arguments.insert(
        ShortString::from("x-dead-letter-exchange"),
        AMQPValue::LongString(LongString::from(dlx.as_str())),
    );
    arguments.insert(
        ShortString::from("x-dead-letter-routing-key"),
        AMQPValue::LongString(LongString::from(args.queue.as_str())),
    );
    channel
        .queue_declare(
            ShortString::from(args.queue.as_str()),
            QueueDeclareOptions::durable(),
            arguments,
        )
        .await?;
    for pattern in &args.bindings {
        channel
            .queue_bind(
                ShortString::from(args.queue.as_str()),
                ShortString::from(args.exchange.as_str()),
                ShortString::from(pattern.as_str()),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    channel.basic_qos(256, BasicQosOptions::default()).await?;
    let mut consumer = channel
        .basic_consume(
            ShortString::from(args.queue.as_str()),
            ShortString::from("edgedev-subscribe"),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    tracing::info!(queue = %args.queue, bindings = ?args.bindings, "subscribed");
    let mut stdout = std::io::stdout().lock();
    let mut seen = 0u64;
    loop {
        let delivery = tokio::select! {
            next = consumer.next() => match next {
                Some(delivery) => delivery?,
                None => break,
            },
            _ = tokio::signal::ctrl_c() => break,
        };
        match serde_json::from_slice::<serde_json::Value>(&delivery.data) {
            Ok(event) => {
                writeln!(stdout, "{event}")?;
                stdout.flush()?;
                delivery.ack(BasicAckOptions::default()).await?;
            }
            Err(error) => {
                tracing::warn!(%error, "message is not JSON; dead-lettering it");
                delivery
                    .nack(BasicNackOptions {
                        requeue: false,
                        ..BasicNackOptions::default()
                    })
                    .await?;
            }
        }
        seen += 1;
        if args.count.is_some_and(|count| seen >= count) {
            break;
        }
    }
    let _ = connection
        .close(200, ShortString::from("subscriber stopping"))
        .await;
    Ok(())
}

/// Arguments of `edgedev subscribe`.
#[derive(Debug, clap::Args)]
pub struct SubscribeArgs {
    /// Queue name (durable, quorum).
    #[arg(long)]
    pub queue: String,
    /// Routing-key patterns, e.g. 'vm.*', 'application.#' (repeatable).
    #[arg(long = "bind", required = true)]
    pub bindings: Vec<String>,
    /// RabbitMQ URL.
    #[arg(
        long,
        env = "AMQP_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f",
        hide_env_values = true
    )]
    pub amqp_url: String,
    /// The exchange the relay publishes to.
    #[arg(long, env = "EDGEDEV_AMQP_EXCHANGE", default_value = "edgedev.events")]
    pub exchange: String,
    /// Stop after this many messages (default: run until interrupted).
    #[arg(long)]
    pub count: Option<u64>,
}
