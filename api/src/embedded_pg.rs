//! The embedded default: a private PostgreSQL cluster in the data directory, started from the
//! installed server binaries when no `DATABASE_URL` is given. It listens on 127.0.0.1 on a free
//! port, trusts local connections, and is stopped again when edgedev stops.
//!
//! PostgreSQL refuses to run as root: when edgedev runs as root the cluster runs as the
//! `postgres` user (which must be able to reach the data directory); without such a user the
//! start fails with a message that says what to do.

use std::path::{Path, PathBuf};
use std::process::Command;

use std::os::unix::process::CommandExt;

/// A running private cluster.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    pgdata: PathBuf,
    bin: PathBuf,
    run_as: Option<(u32, u32)>,
    port: u16,
    /// Whether this process started it (and so stops it).
    started_here: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("PostgreSQL server binaries not found: install PostgreSQL 15 (initdb, pg_ctl, postgres), set EDGEDEV_PG_BIN to their directory, or set DATABASE_URL to use an existing server")]
    NoBinaries,
    #[error("PostgreSQL refuses to run as root and there is no 'postgres' user to run it as: run edgedev as an ordinary user, create a 'postgres' user, or set DATABASE_URL")]
    RootWithoutPostgresUser,
    #[error("{command} failed: {detail}")]
    Command { command: String, detail: String },
    #[error("data directory {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl EmbeddedPostgres {
    /// Starts (or reuses, when already running) the cluster in `<data_dir>/pg`.
    pub fn start(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let bin = find_binaries().ok_or(EmbeddedError::NoBinaries)?;
        let run_as = if is_root() {
            Some(postgres_user().ok_or(EmbeddedError::RootWithoutPostgresUser)?)
        } else {
            None
        };
        let data_dir = absolute(data_dir)?;
        let pgdata = data_dir.join("pg");
        let mut cluster = Self {
            pgdata,
            bin,
            run_as,
            port: 0,
            started_here: false,
        };
        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.init(&data_dir)?;
        }
        if let Some(port) = cluster.running_port() {
            tracing::info!(
                port,
                "reusing the private PostgreSQL cluster already running"
            );
            cluster.port = port;
            return Ok(cluster);
        }
        cluster.port = free_port()?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories=''",
            cluster.port
        );
        let log = cluster.pgdata.join("server.log");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&cluster.pgdata),
                "-l",
                path_str(&log),
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
        )?;
        cluster.started_here = true;
        tracing::info!(port = cluster.port, pgdata = %cluster.pgdata.display(), "private PostgreSQL cluster started");
        Ok(cluster)
    }

    /// The URL of the `edgedev` database (created by [`Self::ensure_database`]).
    pub fn url(&self, database: &str) -> String {
        format!("postgres://edgedev@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates `database` if it does not exist.
    pub async fn ensure_database(&self, database: &str) -> Result<(), db::DbError> {
        let pool = db::Pool::connect(&self.url("postgres"), 1).await?;
        let exists: bool = pool
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
                &[&database],
            )
            .await
            .and_then(db::scalar)?;
        if !exists {
            pool.batch(&format!("CREATE DATABASE \"{database}\""))
                .await?;
        }
        pool.close();
        Ok(())
    }

    /// Stops the cluster if this process started it.
    pub fn stop(&self) {
        if !self.started_here {
            return;
        }
        match self.run(
            "pg_ctl",
            &["-D", path_str(&self.pgdata), "-m", "fast", "-w", "stop"],
        ) {
            Ok(()) => tracing::info!("private PostgreSQL cluster stopped"),
            Err(error) => tracing::warn!(%error, "could not stop the private PostgreSQL cluster"),
        }
    }

    fn init(&self, data_dir: &Path) -> Result<(), EmbeddedError> {
        let io = |source| EmbeddedError::Io {
            path: self.pgdata.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&self.pgdata).map_err(io)?;
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(&self.pgdata, Some(uid), Some(gid)).map_err(io)?;
            // The postgres user must be able to reach its directory through the data directory.
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o711));
        }
        self.run(
            "initdb",
            &[
                "-D",
                path_str(&self.pgdata),
                "-U",
                "edgedev",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        )
    }

    /// The port of a postmaster already serving this data directory.
    fn running_port(&self) -> Option<u16> {
        let pid_file = std::fs::read_to_string(self.pgdata.join("postmaster.pid")).ok()?;
        self.run("pg_ctl", &["-D", path_str(&self.pgdata), "status"])
            .ok()?;
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), EmbeddedError> {
        let mut command = Command::new(self.bin.join(program));
        command.args(args).current_dir(&self.pgdata);
        if let Some((uid, gid)) = self.run_as {
            command.uid(uid).gid(gid);
        }
        let output = command.output().map_err(|e| EmbeddedError::Command {
            command: program.to_owned(),
            detail: e.to_string(),
        })?;
        if output.status.success() {
            return Ok(());
        }
        let mut detail = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if detail.is_empty() {
            detail = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        }
        if let Ok(log) = std::fs::read_to_string(self.pgdata.join("server.log")) {
            let tail: Vec<&str> = log.lines().rev().take(5).collect();
            detail.push_str(&format!(
                " (server log: {})",
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            ));
        }
        Err(EmbeddedError::Command {
            command: program.to_owned(),
            detail,
        })
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

fn absolute(path: &Path) -> Result<PathBuf, EmbeddedError> {
    std::fs::create_dir_all(path).map_err(|source| EmbeddedError::Io {
        path: path.display().to_string(),
        source,
    })?;
    std::fs::canonicalize(path).map_err(|source| EmbeddedError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// `EDGEDEV_PG_BIN`, else `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`.
fn find_binaries() -> Option<PathBuf> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(dir) = std::env::var("EDGEDEV_PG_BIN") {
        return Some(PathBuf::from(dir)).filter(|d| has_initdb(d));
    }
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if has_initdb(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| has_initdb(d))
        .collect();
    versions.sort_by_key(|d| {
        d.parent()
            .and_then(|p| p.file_name())
            .and_then(|v| v.to_str()?.parse::<u32>().ok())
    });
    versions.pop()
}

fn is_root() -> bool {
    // The effective uid of this process, from procfs (no libc call needed).
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(2).map(|uid| uid == "0"))
        .unwrap_or(false)
}

/// The uid and gid of the `postgres` user, from /etc/passwd.
fn postgres_user() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.first() == Some(&"postgres") && fields.len() > 3)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    })
}

fn free_port() -> Result<u16, EmbeddedError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|source| EmbeddedError::Io {
            path: "127.0.0.1:0".into(),
            source,
        })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| EmbeddedError::Io {
            path: "127.0.0.1:0".into(),
            source,
        })
}
