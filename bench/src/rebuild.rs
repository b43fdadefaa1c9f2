//! Section 3: every projection rebuilt from zero over a generated log, alone and together,
//! beside two references: a plain ordered scan of the log (what reading costs) and PostgreSQL
//! writing the rebuilt read models' rows by itself (what writing the end state costs). The
//! one-group rebuild also reports CPU by process and the rows it wrote per log event.

use std::time::{Duration, Instant};

use edgedev_bench::generator;
use projections::{all_projections, ProjectionRuntime, RuntimeConfig};

use crate::{cpu, create_database, database_stats, drop_database, reference, Args, BenchResult};

pub async fn rebuild(args: &Args) -> BenchResult<()> {
    println!("\n## 3. Full rebuild of all projections over a generated log\n");
    let (url, name) = create_database(&args.server).await?;
    let pool = db::Pool::connect(&url, 8).await?;
    let (events, seconds) = generator::generate(&pool, args.rebuild_events).await?;
    println!("generated {events} events in {seconds:.1} s");
    let (rows, scan_rate) = reference::ordered_scan_rows_per_second(&pool).await?;
    println!("reference: ordered scan of events read by the client: {rows} rows at {scan_rate:.0} rows/s\n");
    // The runtime's batch, as `edgedev projections rebuild` uses it (1,000 and 5,000 measured
    // alike; 20,000 slower: docs/benchmarks.md).
    let mut config = RuntimeConfig::default();
    if let Some(batch) = args.rebuild_batch {
        config.batch_size = batch;
    }
    println!("batch size: {} events", config.batch_size);
    let runtime = ProjectionRuntime::new(pool.clone(), all_projections(), config);
    runtime.register_all().await?;
    println!("| projection | events | seconds | events/s | ratio to scan |");
    println!("|---|---:|---:|---:|---:|");
    let all_started = Instant::now();
    for projection in runtime.names() {
        let started = Instant::now();
        let applied = runtime.rebuild(projection).await?;
        let secs = started.elapsed().as_secs_f64();
        println!(
            "| {projection} | {applied} | {secs:.1} | {:.0} | {:.2}x |",
            applied as f64 / secs,
            applied as f64 / secs / scan_rate
        );
    }
    let total = all_started.elapsed().as_secs_f64();
    println!(
        "| **all ({} projections)** | {events} | {total:.1} | {:.0} log events/s | {:.2}x |",
        runtime.names().len(),
        events as f64 / total,
        events as f64 / total / scan_rate
    );
    let mut profile = Vec::new();
    for (groups, label) in [
        (
            1,
            "**all, one group** (`edgedev projections rebuild --all`)",
        ),
        (2, "**all, two groups**"),
    ] {
        let writes_before = database_stats::table_writes(&pool).await?;
        let before = cpu::sample();
        let started = Instant::now();
        runtime.rebuild_all(groups).await?;
        let secs = started.elapsed().as_secs_f64();
        let busy = cpu::usage(&before, &cpu::sample());
        println!(
            "| {label} | {events} | {secs:.1} | {:.0} log events/s | {:.2}x |",
            events as f64 / secs,
            events as f64 / secs / scan_rate
        );
        // Backends report their counts when they go idle, at most about once a second.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let written = database_stats::writes_since(
            &database_stats::table_writes(&pool).await?,
            &writes_before,
        );
        profile.push(format!(
            "- {groups} group(s): PostgreSQL {:.0}% of a core, bench process {:.0}%; rows written {} ({:.2} per log event: {})",
            busy.postgres * 100.0,
            busy.own * 100.0,
            written.iter().map(|(_, n)| n).sum::<i64>(),
            written.iter().map(|(_, n)| n).sum::<i64>() as f64 / events as f64,
            written
                .iter()
                .map(|(t, n)| format!("{t} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    println!();
    for line in profile {
        println!("{line}");
    }
    let tables: Vec<&str> = all_projections()
        .iter()
        .flat_map(|p| p.tables().iter().copied())
        .collect();
    let (copied, write_rate) = reference::read_model_write_rows_per_second(&pool, &tables).await?;
    println!(
        "- reference: PostgreSQL alone writes the rebuilt read models' {copied} rows (INSERT ... SELECT into tables of the same shape and indexes) at {write_rate:.0} rows/s, {:.1} s",
        copied as f64 / write_rate
    );
    let (apps, vms, operations, actions, failed): (i64, i64, i64, i64, i64) = pool.query_one("SELECT (SELECT count(*) FROM tbl_application), (SELECT count(*) FROM tbl_vm), \
         (SELECT count(*) FROM tbl_operation_status WHERE status = 'SUCCESS'), (SELECT count(*) FROM tbl_action_status), \
         (SELECT count(*) FROM projection_checkpoints WHERE status = 'failed')", &[]).await.and_then(db::row_as)?;
    println!("\nrebuilt rows: {apps} applications, {vms} VMs, {operations} successful operations, {actions} actions; failed projections: {failed}");
    pool.close();
    drop_database(&args.server, &name).await?;
    Ok(())
}
