//! The raw PostgreSQL figures every result is compared with, taken in the same run: `pgbench`
//! with a one-row insert per transaction, and a plain ordered scan of the events table.

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
