//! The raw figures every result is compared with, taken in the same run: `pgbench` with a one-row
//! insert per transaction, a plain ordered scan of the events table, and a plain lapin publisher
//! (confirms, persistent messages) to the same broker.

use std::process::Command;
use std::time::Instant;

use db::Pool;

/// `pgbench` transactions per second at `clients`, one `INSERT` of one row per transaction.
pub async fn pgbench_insert_tps(
    url: &str,
    pool: &Pool,
    clients: usize,
    seconds: u64,
) -> Result<f64, String> {
    pool.execute(
        "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, payload text NOT NULL)",
        &[],
    )
    .await
    .map_err(|e| e.to_string())?;
    let script = std::env::temp_dir().join(format!("edgedev-pgbench-{}.sql", std::process::id()));
    std::fs::write(
        &script,
        "INSERT INTO bench_insert (payload) VALUES ('one row per transaction');\n",
    )
    .map_err(|e| e.to_string())?;
    let options = db::pool::parse_url(url).map_err(|e| e.to_string())?;
    let host = match options.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "127.0.0.1".to_owned(),
    };
    let port = options.get_ports().first().copied().unwrap_or(5432);
    let output = Command::new("pgbench")
        .args([
            "-n",
            "-c",
            &clients.to_string(),
            "-j",
            &clients.min(2).to_string(),
            "-T",
            &seconds.to_string(),
        ])
        .args(["-h", &host, "-p", &port.to_string()])
        .args(["-U", options.get_user().unwrap_or("postgres"), "-f"])
        .arg(&script)
        .arg(options.get_dbname().unwrap_or("postgres"))
        .output()
        .map_err(|e| format!("pgbench: {e}"))?;
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| {
            l.trim_start_matches("tps = ")
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .ok_or_else(|| {
            format!(
                "pgbench printed no tps: {text} {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

/// Rows per second of a plain scan of `events` in log order, every row read by the client (as a
/// projector reads them).
pub async fn ordered_scan_rows_per_second(pool: &Pool) -> Result<(i64, f64), db::DbError> {
    use futures_util::TryStreamExt;
    let started = Instant::now();
    let client = pool.get().await?;
    let stream = client
        .query_raw(
            "SELECT transaction_id::text::bigint, global_position, event_type, payload, metadata FROM events \
             ORDER BY transaction_id, global_position",
            std::iter::empty::<i32>(),
        )
        .await?;
    futures_util::pin_mut!(stream);
    let mut rows = 0i64;
    while stream.try_next().await?.is_some() {
        rows += 1;
    }
    Ok((rows, rows as f64 / started.elapsed().as_secs_f64()))
}

/// Rows per second PostgreSQL alone writes into the read models' tables: every row of `tables`
/// copied by `INSERT ... SELECT` into a new table of the same shape (columns, defaults, keys and
/// indexes), all in one transaction, then dropped. This is the write a rebuild cannot avoid: the
/// end state of the read models, with nothing read from the log and no client in between.
pub async fn read_model_write_rows_per_second(
    pool: &Pool,
    tables: &[&str],
) -> Result<(i64, f64), db::DbError> {
    let mut conn = pool.get().await?;
    let started = Instant::now();
    let tx = conn.transaction().await?;
    let mut rows = 0u64;
    for table in tables {
        tx.batch_execute(&format!(
            "CREATE TABLE bench_copy_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        ))
        .await?;
        rows += tx
            .execute(
                &format!("INSERT INTO bench_copy_{table} SELECT * FROM {table}"),
                &[],
            )
            .await?;
    }
    tx.commit().await?;
    let seconds = started.elapsed().as_secs_f64();
    for table in tables {
        conn.batch_execute(&format!("DROP TABLE bench_copy_{table}"))
            .await?;
    }
    Ok((rows as i64, rows as f64 / seconds))
}

/// Messages per second of a plain lapin publisher: the relay's own messages (the first `batch`
/// events of the log, as the relay renders them, over and over), persistent, to a durable topic
/// exchange whose durable queue keeps them (as the relay's alternate queue does in the benchmark),
/// `batch` in flight before their confirms are awaited. Everything it declares is deleted after.
pub async fn amqp_publish_rate(
    amqp_url: &str,
    pool: &Pool,
    messages: usize,
    batch: usize,
) -> Result<f64, Box<dyn std::error::Error>> {
    use lapin::options::{
        BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions,
        QueueDeclareOptions,
    };
    use lapin::types::{FieldTable, ShortString};
    use projections::relay::envelope::{cloud_event, properties, routing_key};
    use projections::runtime::{LogEvent, SELECT_EVENTS};

    let rows = pool
        .query(
            &format!("{SELECT_EVENTS} ORDER BY transaction_id, global_position LIMIT $1"),
            &[&(batch as i64)],
        )
        .await?;
    let events = rows
        .iter()
        .map(LogEvent::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    if events.is_empty() {
        return Err("the log is empty".into());
    }
    let messages_of_batch: Vec<(String, Vec<u8>, lapin::BasicProperties)> = events
        .iter()
        .map(|e| {
            let body = serde_json::to_vec(&cloud_event(e, "edgedev")).unwrap_or_default();
            (routing_key(e), body, properties(e))
        })
        .collect();
    let name = format!("edgedev.bench.reference.{}", uuid::Uuid::new_v4().simple());
    let connection =
        lapin::Connection::connect(amqp_url, lapin::ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    let durable = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    channel
        .exchange_declare(
            ShortString::from(name.as_str()),
            lapin::ExchangeKind::Topic,
            durable,
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_declare(
            ShortString::from(name.as_str()),
            QueueDeclareOptions::durable(),
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            ShortString::from(name.as_str()),
            ShortString::from(name.as_str()),
            ShortString::from("#"),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let started = Instant::now();
    let mut sent = 0;
    while sent < messages {
        let mut confirms = Vec::with_capacity(batch);
        for (key, body, properties) in messages_of_batch.iter().take(messages - sent) {
            let confirm = channel
                .basic_publish(
                    ShortString::from(name.as_str()),
                    ShortString::from(key.as_str()),
                    BasicPublishOptions {
                        mandatory: true,
                        ..BasicPublishOptions::default()
                    },
                    body,
                    properties.clone(),
                )
                .await?;
            confirms.push(confirm);
        }
        sent += confirms.len();
        for confirm in confirms {
            if !confirm.await?.is_ack() {
                return Err("the broker refused a message".into());
            }
        }
    }
    let rate = sent as f64 / started.elapsed().as_secs_f64();
    delete_from_broker(&channel, &[&name], &[&name]).await?;
    let _ = connection.close(200, ShortString::from("done")).await;
    Ok(rate)
}

/// Deletes what a benchmark run declared on the broker: `queues`, then `exchanges`.
pub async fn delete_from_broker(
    channel: &lapin::Channel,
    queues: &[&str],
    exchanges: &[&str],
) -> Result<(), lapin::Error> {
    use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
    use lapin::types::ShortString;
    for queue in queues {
        channel
            .queue_delete(ShortString::from(*queue), QueueDeleteOptions::default())
            .await?;
    }
    for exchange in exchanges {
        channel
            .exchange_delete(
                ShortString::from(*exchange),
                ExchangeDeleteOptions::default(),
            )
            .await?;
    }
    Ok(())
}
