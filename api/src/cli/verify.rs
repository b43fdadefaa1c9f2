//! `edgedev verify chain|projections`: the verifiers, printing a report (text or JSON) and failing (exit 1)
//! on any problem they find.

use db::Pool;
use projections::chain::verify::{ChainProblem, ChainReport};
use projections::verify::{CheckpointCheck, ProjectionReport};
use serde_json::json;

use super::CliResult;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum VerifyAction {
    /// Rebuild each projection (all, or those named) from the log into a shadow schema up to its
    /// live checkpoint and compare with the live tables row by row; check every checkpoint
    /// against the log. Exit 1 naming table, key and columns on any drift.
    Projections {
        names: Vec<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Walk the hash chain against the log; exit 1 naming the first event whose stored content
    /// no longer matches its link (or that is gone, or that was slipped in unchained).
    Chain {
        /// Chain what the chainer has not chained yet before walking (as a server would).
        #[arg(long)]
        catch_up: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn describe(problem: &ChainProblem) -> String {
    let (what, link, event) = match problem {
        ChainProblem::Altered { link, event } => ("its stored content changed", Some(link), event),
        ChainProblem::Missing { link, event } => ("it is gone from the log", Some(link), event),
        ChainProblem::Unchained { event } => ("it was added to the log unchained", None, event),
    };
    format!(
        "event {} at position {}{} ({} {} #{} {}): {what}",
        event.event_id,
        event.global_position,
        link.map(|l| format!(", link {l}")).unwrap_or_default(),
        event.aggregate_type.as_deref().unwrap_or("?"),
        event.aggregate_id.as_deref().unwrap_or("?"),
        event
            .sequence
            .map(|s| s.to_string())
            .unwrap_or_else(|| "?".into()),
        event.event_type.as_deref().unwrap_or("?"),
    )
}

fn print_chain(report: &ChainReport) {
    println!(
        "chain: {} links checked, head {}, {} events not chained yet",
        report.links,
        report.head.as_deref().unwrap_or("-"),
        report.unchained_ahead
    );
    match &report.problem {
        Some(problem) => println!("BROKEN: {}", describe(problem)),
        None => println!("ok"),
    }
}

pub async fn run(pool: Pool, action: VerifyAction) -> CliResult {
    match action {
        VerifyAction::Projections { names, json } => verify_projections(pool, names, json).await,
        VerifyAction::Chain { catch_up, json } => {
            if catch_up {
                projections::chain::catch_up(&pool).await?;
            }
            let report = projections::chain::verify::verify(&pool).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_chain(&report);
            }
            match &report.problem {
                Some(problem) => Err(format!("the chain is broken: {}", describe(problem)).into()),
                None => Ok(()),
            }
        }
    }
}

fn print_projection(report: &ProjectionReport) {
    let (txid, position) = report.checkpoint;
    println!(
        "{:<24} {}  checkpoint {txid}:{position}, {} events",
        report.name,
        if report.ok { "ok   " } else { "DRIFT" },
        report.events
    );
    for table in report.tables.iter().filter(|t| !t.is_equal()) {
        println!(
            "  {}: {} differing rows (live {}, rebuilt {}), key {:?}",
            table.table, table.differing, table.live_rows, table.rebuilt_rows, table.key
        );
        for key in &table.missing {
            println!("    missing {key}");
        }
        for key in &table.extra {
            println!("    extra   {key}");
        }
        for row in &table.changed {
            println!("    changed {} columns {:?}", row.key, row.columns);
        }
    }
}

async fn verify_projections(pool: Pool, names: Vec<String>, json: bool) -> CliResult {
    let all = projections::all_projections();
    for name in &names {
        if !all.iter().any(|p| p.name() == name) {
            return Err(format!("no projection is named {name}").into());
        }
    }
    let mut reports = Vec::new();
    for projection in all
        .iter()
        .filter(|p| names.is_empty() || names.iter().any(|n| n == p.name()))
    {
        let report = projections::verify::verify_projection(&pool, projection.as_ref()).await?;
        if !json {
            print_projection(&report);
        }
        reports.push(report);
    }
    let checkpoints: Vec<CheckpointCheck> = projections::verify::checkpoints(&pool).await?;
    let drifted: Vec<&str> = reports
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.name.as_str())
        .collect();
    let wrong: Vec<&str> = checkpoints
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.name.as_str())
        .collect();
    if json {
        let report = json!({
            "ok": drifted.is_empty() && wrong.is_empty(),
            "projections": reports,
            "checkpoints": checkpoints,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for check in &checkpoints {
            let (txid, position) = check.checkpoint;
            println!(
                "checkpoint {:<24} {txid}:{position}  {} behind{}",
                check.name,
                check.behind,
                if check.ok {
                    ""
                } else {
                    "  NOT AN EVENT OF THE LOG"
                }
            );
        }
    }
    if drifted.is_empty() && wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("drift in {drifted:?}; checkpoints off the log: {wrong:?}").into())
    }
}
