//! Section 2: projection lag, the time from a command's response until the `applications`
//! checkpoint has passed the position it reported. Read-your-writes is off, so responses do not
//! wait. Each client count runs as fast as its clients can (the database saturated), then at
//! offered rates below that, where lag shows the projector's own speed rather than a queue.

use std::time::Duration;

use db::Pool;

use crate::load::{self, Plan};
use crate::{cpu, create_database, drop_database, start_server, Args, BenchResult};

pub async fn lag(args: &Args) -> BenchResult<()> {
    println!("\n## 2. Projection lag (response -> row visible; read-your-writes off so responses do not wait)\n");
    println!("| clients | offered | commands/s | samples | p50 ms | p99 ms | max ms | PostgreSQL CPU | bench process CPU |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut runs: Vec<(usize, Option<f64>)> = args.clients.iter().map(|&c| (c, None)).collect();
    if let Some(&most) = args.clients.iter().max() {
        runs.extend(args.lag_rates.iter().map(|&rate| (most, Some(rate))));
    }
    for (run, (clients, rate)) in runs.into_iter().enumerate() {
        let (url, name) = create_database(&args.server).await?;
        let (server, tokens) = start_server(&url, Duration::ZERO, !args.no_chain).await?;
        let addr = server.addr.to_string();
        let watch = Pool::connect(&url, 2).await?;
        let mut plan = Plan::new(
            clients,
            Duration::from_secs(args.seconds),
            run * 10 + 3,
            false,
        );
        plan.lag_pool = Some(watch.clone());
        plan.rate = rate;
        let before = cpu::sample();
        let mut result = load::run(&addr, &tokens, plan).await;
        let busy = cpu::usage(&before, &cpu::sample());
        watch.close();
        server.stop().await;
        let throughput = result.ok as f64 / result.elapsed.as_secs_f64();
        let l = &mut result.lag_us;
        println!(
            "| {clients} | {} | {throughput:.0} | {} | {:.2} | {:.2} | {:.2} | {:.0}% | {:.0}% |",
            rate.map_or_else(|| "as fast as they can".to_owned(), |r| format!("{r:.0}/s")),
            l.len(),
            load::quantile_ms(l, 0.50),
            load::quantile_ms(l, 0.99),
            load::quantile_ms(l, 1.0),
            busy.postgres * 100.0,
            busy.own * 100.0,
        );
        drop_database(&args.server, &name).await?;
    }
    Ok(())
}
