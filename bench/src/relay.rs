//! Section 4: the AMQP relay publishing a generated log to RabbitMQ, beside a plain lapin
//! publisher sending the same messages.

use std::time::{Duration, Instant};

use edgedev_bench::generator;

use crate::{create_database, drop_database, reference, Args, BenchResult};

pub async fn relay(args: &Args, amqp_url: &str) -> BenchResult<()> {
    use lapin::types::ShortString;
    println!("\n## 4. AMQP relay to RabbitMQ (publisher confirms, persistent, batches of 1000)\n");
    let (url, name) = create_database(&args.server).await?;
    let pool = db::Pool::connect(&url, 8).await?;
    let (events, _) = generator::generate(&pool, args.relay_events).await?;
    let exchange = format!("edgedev.bench.{}", uuid::Uuid::new_v4().simple());
    let mut config = projections::relay::RelayConfig::new(amqp_url, exchange.clone());
    config.batch_size = std::env::var("EDGEDEV_BENCH_RELAY_BATCH")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(config.batch_size);
    let publisher = projections::relay::publisher::Publisher::connect(&config).await?;
    projections::relay::register(&pool, true).await?;
    let started = Instant::now();
    let mut published = 0usize;
    loop {
        match projections::relay::relay_step(&pool, &publisher, &config).await? {
            projections::relay::RelayStep::Published(n) => published += n,
            projections::relay::RelayStep::CaughtUp { pending: false } => break,
            _ => tokio::time::sleep(Duration::from_millis(3)).await,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    publisher.close().await;
    let reference = reference::amqp_publish_rate(
        amqp_url,
        &pool,
        published.max(1),
        config.batch_size as usize,
    )
    .await?;
    let rate = published as f64 / seconds;
    println!(
        "| events | seconds | events/s | plain lapin publisher, same messages and batch | ratio |"
    );
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {published} of {events} | {seconds:.1} | {rate:.0} | {reference:.0} msg/s | {:.2}x |",
        rate / reference
    );
    // Remove what the run left on the broker.
    let connection =
        lapin::Connection::connect(amqp_url, lapin::ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    let alternate = projections::relay::publisher::alternate_exchange(&exchange);
    reference::delete_from_broker(&channel, &[&alternate], &[&exchange, &alternate]).await?;
    let _ = connection.close(200, ShortString::from("done")).await;
    pool.close();
    drop_database(&args.server, &name).await?;
    Ok(())
}
