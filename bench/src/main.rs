//! `edgedev-bench`: one command that measures edgedev and the raw PostgreSQL references in the same
//! run, and prints one report (docs/benchmarks.md explains the sections and the figures).
//!
//! Sections: HTTP commands (throughput and latency at several concurrencies, projections running,
//! read-your-writes on), projection lag, full rebuild over a generated log, and the references
//! (`pgbench` one-row inserts at the same concurrency, an ordered scan of the events table).

mod ceiling;
mod cpu;
mod database_stats;
mod http;
mod lag;
mod load;
mod rebuild;
mod reference;
mod relay;

use std::time::{Duration, Instant};

use clap::Parser;
use db::Pool;
use domain::{Actor, Role};

#[derive(Debug, Parser)]
#[command(
    name = "edgedev-bench",
    about = "edgedev benchmarks beside raw PostgreSQL"
)]
struct Args {
    /// PostgreSQL server to create the benchmark databases on (they are dropped afterwards).
    #[arg(
        long,
        env = "EDGEDEV_BENCH_SERVER",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    server: String,
    /// Concurrent clients, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    clients: Vec<usize>,
    /// Seconds per load run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Events in the generated log of the rebuild benchmark.
    #[arg(long, default_value_t = 1_000_000)]
    rebuild_events: i64,
    /// Events per rebuild batch (default: the runtime's, which `edgedev projections rebuild` uses).
    #[arg(long)]
    rebuild_batch: Option<i64>,
    /// Command mix: `create-update` (create a VM application, update it, add a VM) or `create`.
    #[arg(long, default_value = "create-update")]
    mix: String,
    /// Offered rates (commands/s, all clients together) at which projection lag is also measured,
    /// with the largest client count.
    #[arg(long, value_delimiter = ',', default_value = "250,1000")]
    lag_rates: Vec<f64>,
    /// Events the relay benchmark publishes.
    #[arg(long, default_value_t = 200_000)]
    relay_events: i64,
    /// RabbitMQ for the relay benchmark; the section is skipped when unset.
    #[arg(long, env = "AMQP_URL")]
    amqp_url: Option<String>,
    /// Do not run the chainer of the tamper-evident log in the server (to measure its cost).
    #[arg(long)]
    no_chain: bool,
    /// How long a command's response waits for its read models in the commands section
    /// (0: answer at once, as with read-your-writes off).
    #[arg(long, default_value_t = 2000)]
    read_your_writes_ms: u64,
    /// Sections to run.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "commands,lag,rebuild,relay"
    )]
    sections: Vec<String>,
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> BenchResult<()> {
    let args = Args::parse();
    if let Ok(filter) = std::env::var("RUST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .try_init();
    }
    let started = Instant::now();
    println!("# edgedev benchmark report");
    println!("machine: {} cores, {}", cores(), memory());
    let wants = |s: &str| args.sections.iter().any(|x| x == s);
    if wants("rtt") {
        let pool = db::Pool::connect(&format!("{}/postgres", args.server), 4).await?;
        for _ in 0..3 {
            let started = Instant::now();
            for _ in 0..200 {
                pool.execute("SELECT 1", &[]).await?;
            }
            println!(
                "SELECT 1 through the pool: {:.3} ms",
                started.elapsed().as_secs_f64() * 1000.0 / 200.0
            );
        }
        let conn = pool.get().await?;
        let started = Instant::now();
        for _ in 0..200 {
            conn.execute("SELECT 1", &[]).await?;
        }
        println!(
            "SELECT 1 on one connection: {:.3} ms",
            started.elapsed().as_secs_f64() * 1000.0 / 200.0
        );
    }
    if wants("commands") {
        commands(&args).await?;
    }
    if wants("lag") {
        lag::lag(&args).await?;
    }
    if wants("rebuild") {
        rebuild::rebuild(&args).await?;
    }
    if wants("relay") {
        match &args.amqp_url {
            Some(url) => relay::relay(&args, url).await?,
            None => println!("\n## 4. Relay: skipped (set AMQP_URL)"),
        }
    }
    println!("\ntotal time: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn create_database(server: &str) -> BenchResult<(String, String)> {
    let admin = Pool::connect(&format!("{server}/postgres"), 2).await?;
    let name = format!("edgedev_bench_{}", uuid::Uuid::new_v4().simple());
    admin.batch(&format!("CREATE DATABASE \"{name}\"")).await?;
    admin.close();
    let url = format!("{server}/{name}");
    let pool = Pool::connect(&url, 2).await?;
    db::migrate::up(&pool).await?;
    pool.close();
    Ok((url, name))
}

async fn drop_database(server: &str, name: &str) -> BenchResult<()> {
    let admin = Pool::connect(&format!("{server}/postgres"), 2).await?;
    admin
        .batch(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    admin.close();
    Ok(())
}

/// Starts the real server in this process against `url`; `chain` runs the chainer of the
/// tamper-evident log beside the projections (as `serve` does by default).
async fn start_server(
    url: &str,
    ryw: Duration,
    chain: bool,
) -> BenchResult<(api::server::RunningServer, Vec<String>)> {
    let data_dir =
        std::env::temp_dir().join(format!("edgedev-bench-{}", uuid::Uuid::new_v4().simple()));
    let mut config = api::config::ServeConfig::for_database(url, data_dir);
    config.jwt_secret = Some("bench-secret".into());
    config.read_your_writes_timeout = ryw;
    config.max_connections = 32;
    config.workers = 0;
    config.run_chain = chain;
    let pool = db::Pool::connect(url, config.max_connections).await?;
    let server = api::server::start(&config, pool).await?;
    let keys = api::auth::JwtKeys::new(b"bench-secret".to_vec()).expect("signing key");
    let tokens = (0..64)
        .map(|n| {
            keys.mint(
                &Actor::new(
                    format!("tenant-{n}"),
                    format!("tenant{n}"),
                    vec![Role::Tenant],
                ),
                3600,
            )
        })
        .collect();
    Ok((server, tokens))
}

async fn commands(args: &Args) -> BenchResult<()> {
    let create_only = args.mix == "create";
    let mix = if create_only {
        "POST /applications only"
    } else {
        "create VM app + update + add VM"
    };
    let ryw = Duration::from_millis(args.read_your_writes_ms);
    let waits = if ryw.is_zero() {
        "read-your-writes off"
    } else {
        "read-your-writes on"
    };
    println!("\n## 1. HTTP commands ({mix}, projections running, {waits})\n");
    println!("| clients | commands/s | p50 ms | p95 ms | p99 ms | max ms | errors | pgbench insert tps | ratio | PostgreSQL CPU | bench process CPU (server + load) | CPU ms/command (PostgreSQL + bench) | DB transactions/command | rows written/command |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut profile = Vec::new();
    let mut ceilings = Vec::new();
    for (run, &clients) in args.clients.iter().enumerate() {
        let (url, name) = create_database(&args.server).await?;
        let (server, tokens) = start_server(&url, ryw, !args.no_chain).await?;
        let addr = server.addr.to_string();
        // Warm up connections and caches.
        let warm_up = load::Plan::new(clients, Duration::from_secs(1), run * 10 + 1, create_only);
        load::run(&addr, &tokens, warm_up).await;
        let stats = Pool::connect(&url, 1).await?;
        let counts_before = database_stats::counts(&stats).await?;
        let tables_before = database_stats::table_writes(&stats).await?;
        let before = cpu::sample();
        let plan = load::Plan::new(
            clients,
            Duration::from_secs(args.seconds),
            run * 10 + 2,
            create_only,
        );
        let mut result = load::run(&addr, &tokens, plan).await;
        let busy = cpu::usage(&before, &cpu::sample());
        server.stop().await;
        // Backends report their counts when they go idle, at most about once a second.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let counts_after = database_stats::counts(&stats).await?;
        let tables_after = database_stats::table_writes(&stats).await?;
        let (transactions_run, rows_written) = (
            counts_after.0 - counts_before.0,
            counts_after.1 - counts_before.1,
        );
        stats.close();
        let reference_pool = Pool::connect(&url, 2).await?;
        let tps =
            reference::pgbench_insert_tps(&url, &reference_pool, clients, args.seconds).await?;
        reference_pool.close();
        let throughput = result.ok as f64 / result.elapsed.as_secs_f64();
        let l = &mut result.latencies_us;
        println!(
            "| {clients} | {throughput:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {tps:.0} | {:.2}x | {:.0}% | {:.0}% | {:.2} + {:.2} | {:.1} | {:.1} |",
            load::quantile_ms(l, 0.50),
            load::quantile_ms(l, 0.95),
            load::quantile_ms(l, 0.99),
            load::quantile_ms(l, 1.0),
            result.errors,
            throughput / tps,
            busy.postgres * 100.0,
            busy.own * 100.0,
            cpu::Usage::ms_per(busy.postgres, throughput),
            cpu::Usage::ms_per(busy.own, throughput),
            transactions_run as f64 / result.ok.max(1) as f64,
            rows_written as f64 / result.ok.max(1) as f64,
        );
        let by_table = database_stats::writes_since(&tables_after, &tables_before);
        profile.push(format!(
            "- {clients} clients, rows written per command by table: {}",
            by_table
                .iter()
                .map(|(t, n)| format!("{t} {:.2}", *n as f64 / result.ok.max(1) as f64))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        ceilings.push(ceiling_row(&url, clients, args.seconds, tps).await?);
        drop_database(&args.server, &name).await?;
    }
    println!();
    for line in profile {
        println!("{line}");
    }
    println!("\nThe least database work a create costs (`ceiling.rs`: the run's newest `POST /applications` replayed with fresh ids, one statement per command, one connection per client):\n");
    println!("| clients | append alone/s | ratio to pgbench | PostgreSQL CPU | append + read-model rows/s | ratio to pgbench | PostgreSQL CPU | errors |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in ceilings {
        println!("{row}");
    }
    Ok(())
}

/// The ceiling references of one client count, as a table row.
async fn ceiling_row(url: &str, clients: usize, seconds: u64, tps: f64) -> BenchResult<String> {
    let stats = Pool::connect(url, 1).await?;
    let template = ceiling::template(&stats).await?;
    stats.close();
    let append = ceiling::replay(url, &template, clients, seconds, false).await?;
    let inline = ceiling::replay(url, &template, clients, seconds, true).await?;
    Ok(format!(
        "| {clients} | {:.0} | {:.2}x | {:.0}% | {:.0} | {:.2}x | {:.0}% | {} |",
        append.per_second,
        append.per_second / tps,
        append.postgres_cpu * 100.0,
        inline.per_second,
        inline.per_second / tps,
        inline.postgres_cpu * 100.0,
        append.errors + inline.errors,
    ))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn memory() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or_else(
            || "unknown memory".into(),
            |kb| format!("{} GiB", kb / 1024 / 1024),
        )
}
