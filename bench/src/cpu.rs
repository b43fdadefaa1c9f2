//! CPU time by process during a run, from `/proc`: every PostgreSQL process together, and this
//! process (the server and the load generator share it). Figures are cores busy (1.0 = one core).

use std::time::Instant;

/// Clock ticks per second of `/proc/*/stat` times (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU ticks used so far, by PostgreSQL and by this process.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    at: Instant,
    postgres: u64,
    own: u64,
}

/// Cores busy between two samples.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub postgres: f64,
    pub own: f64,
}

impl Usage {
    /// Milliseconds of CPU per operation, given operations per second.
    pub fn ms_per(cores: f64, per_second: f64) -> f64 {
        if per_second > 0.0 {
            cores * 1000.0 / per_second
        } else {
            0.0
        }
    }
}

pub fn sample() -> Sample {
    let mut postgres = 0;
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let path = entry.path();
            let is_pid = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
            if !is_pid {
                continue;
            }
            if let Some((name, ticks)) = read_stat(&path.join("stat")) {
                if name == "postgres" {
                    postgres += ticks;
                }
            }
        }
    }
    let own = read_stat(std::path::Path::new("/proc/self/stat")).map_or(0, |(_, t)| t);
    Sample {
        at: Instant::now(),
        postgres,
        own,
    }
}

/// Cores busy from `before` to `after`. PostgreSQL backends that exit in between take their
/// ticks with them, so the benchmark keeps its connections open across the run.
pub fn usage(before: &Sample, after: &Sample) -> Usage {
    let seconds = after.at.duration_since(before.at).as_secs_f64().max(1e-9);
    let cores = |a: u64, b: u64| b.saturating_sub(a) as f64 / TICKS_PER_SECOND / seconds;
    Usage {
        postgres: cores(before.postgres, after.postgres),
        own: cores(before.own, after.own),
    }
}

/// The command name and user + system ticks of a `/proc/<pid>/stat` file.
fn read_stat(path: &std::path::Path) -> Option<(String, u64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_owned();
    // Fields after the name: state is field 3; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}
