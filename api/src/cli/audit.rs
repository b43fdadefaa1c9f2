//! `edgedev audit history|state|events`: the audit reads of `commands::audit` for operators, who
//! read everything (the database is theirs), as a table or JSON.

use chrono::{DateTime, Utc};
use commands::audit::{AsOf, AuditEvent, AuditLog, HistoryQuery, LogFilter};
use db::Pool;

use super::CliResult;
use clap::{Subcommand, ValueEnum};

/// How the audit commands print.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Every event of one aggregate, with its envelope; `--diff` adds the state change (RFC 6902).
    History {
        /// The aggregate type (application, vm, user, namespace, ...).
        aggregate_type: String,
        id: String,
        #[arg(long)]
        diff: bool,
        /// Events after this sequence.
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[arg(long, default_value_t = 1000)]
        limit: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// The aggregate's state as of a version or an RFC 3339 time (the newest without --as-of),
    /// as JSON.
    State {
        aggregate_type: String,
        id: String,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// The global log filtered by user, correlation, aggregate type and time.
    Events {
        #[arg(long)]
        user_id: Option<String>,
        #[arg(long)]
        correlation_id: Option<String>,
        #[arg(long)]
        aggregate_type: Option<String>,
        /// RFC 3339.
        #[arg(long)]
        from: Option<String>,
        /// RFC 3339.
        #[arg(long)]
        to: Option<String>,
        /// Events after this global position.
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[arg(long, default_value_t = 1000)]
        limit: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

fn time(text: Option<&str>, name: &str) -> Result<Option<DateTime<Utc>>, String> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| format!("--{name} must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z"))
    })
    .transpose()
}

fn print_json(value: &impl serde::Serialize) -> CliResult {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// One line per event; a diff's operations indented below it.
fn print_table(events: &[AuditEvent]) {
    println!(
        "{:>8} {:>10}  {:<30} {:<24} {:<20} CORRELATION",
        "SEQ", "POSITION", "RECORDED", "EVENT", "USER"
    );
    for e in events {
        println!(
            "{:>8} {:>10}  {:<30} {:<24} {:<20} {}",
            e.sequence,
            e.global_position,
            e.recorded_at.to_rfc3339(),
            format!("{} v{}", e.event_type, e.event_version),
            e.user_name
                .as_deref()
                .or(e.user_id.as_deref())
                .unwrap_or("-"),
            e.correlation_id.as_deref().unwrap_or("-")
        );
        for op in e
            .diff
            .iter()
            .flat_map(|d| d.as_array().cloned().unwrap_or_default())
        {
            let value = op.get("value").map(|v| format!(" {v}")).unwrap_or_default();
            println!(
                "{:>20} {} {}{value}",
                "",
                op["op"].as_str().unwrap_or("?"),
                op["path"].as_str().unwrap_or("")
            );
        }
    }
}

pub async fn run(pool: Pool, action: AuditAction) -> CliResult {
    let log = AuditLog::new(pool);
    match action {
        AuditAction::History {
            aggregate_type,
            id,
            diff,
            after,
            limit,
            format,
        } => {
            let query = HistoryQuery { after, limit, diff };
            let history = log.history(&aggregate_type, &id, query).await?;
            match format {
                OutputFormat::Json => print_json(&history)?,
                OutputFormat::Table => {
                    println!(
                        "{} {}: version {}, created by {}",
                        history.aggregate_type,
                        history.aggregate_id,
                        history.version,
                        history.created_by.as_deref().unwrap_or("-")
                    );
                    print_table(&history.events);
                    if let Some(next) = history.next {
                        println!("(more: --after {next})");
                    }
                }
            }
        }
        AuditAction::State {
            aggregate_type,
            id,
            as_of,
        } => {
            let as_of = match as_of.as_deref() {
                None => None,
                Some(text) => Some(
                    AsOf::parse(text)
                        .ok_or("--as-of must be a version (0 or more) or an RFC 3339 time")?,
                ),
            };
            print_json(&log.state_as_of(&aggregate_type, &id, as_of).await?)?;
        }
        AuditAction::Events {
            user_id,
            correlation_id,
            aggregate_type,
            from,
            to,
            after,
            limit,
            format,
        } => {
            let filter = LogFilter {
                user_id,
                correlation_id,
                aggregate_type,
                from: time(from.as_deref(), "from")?,
                to: time(to.as_deref(), "to")?,
                owner: None,
                after,
                limit,
            };
            let page = log.events(&filter).await?;
            match format {
                OutputFormat::Json => print_json(&page)?,
                OutputFormat::Table => {
                    print_table(&page.events);
                    if let Some(next) = page.next {
                        println!("(more: --after {next})");
                    }
                }
            }
        }
    }
    Ok(())
}
