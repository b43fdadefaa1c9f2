//! One batch for several projections at once: read the log once, apply it to every member, and
//! advance each member's own checkpoint, in one transaction.
//!
//! A commit wakes every projection that reads its aggregate types. Stepping them one by one costs
//! each its own transaction (lease, read, apply, checkpoint, commit); a group step pays for the
//! lease, the read and the commit once. Members keep their own checkpoint rows and leases, so a
//! group step, a solo step ([`super::step`]) and a rebuild of one member exclude each other
//! exactly as before, in this process and in others.
//!
//! - Leases are taken per member (`pg_try_advisory_xact_lock`); members held elsewhere, or
//!   stopped on a poison event, sit the step out.
//! - Members far behind the others (a rebuild, a resumed projection) are *stragglers*: they would
//!   hold every other member back, so the caller steps them alone until they come close.
//! - If a member fails, the whole transaction is rolled back and the error names the member; the
//!   caller then steps that member alone to find its poison event, and the group goes on without it.

use std::sync::LazyLock;

use db::Conn;
use db::{DbError, Pool, SimpleQueryMessage, Sql};

use super::log::{Checkpoint, LogEvent, SELECT_EVENTS};
use super::step::{literal, FailPoint};
use super::{Projection, ProjectionError};

/// What one group step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupStep {
    /// The members this step drove (leased, running, close to the front), each with the number
    /// of events it was given.
    pub members: Vec<(&'static str, usize)>,
    /// Where every driven member now stands (unchanged when nothing was read).
    pub checkpoint: Checkpoint,
    /// Events read past the slowest driven member.
    pub events: usize,
    /// Whether committed events wait behind an open transaction (only when nothing was read).
    pub pending: bool,
    /// Leased, running members too far behind to drive with the group.
    pub stragglers: Vec<&'static str>,
}

/// Why a group step failed.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// A member rejected the batch, which ended at `until`; nothing of the step was committed.
    #[error("projection {member}: {error}")]
    Member {
        member: &'static str,
        error: ProjectionError,
        until: Checkpoint,
    },
    #[error("simulated crash before the checkpoint")]
    SimulatedCrash,
    #[error(transparent)]
    Database(#[from] DbError),
}

/// A member's lease and checkpoint, as the step's first round trip found them.
struct Lease {
    name: String,
    leased: bool,
    running: bool,
    checkpoint: Checkpoint,
}

/// A batch read ahead of its step, outside any transaction: the committed events after `from`
/// below the horizon of the moment it was read. A later horizon can only add events after them,
/// so a step that starts at `from` may apply it instead of reading.
pub struct Prefetched {
    pub from: Checkpoint,
    pub events: Vec<LogEvent>,
    pub pending: bool,
}

/// Reads the batch after `from` on a connection of its own, while the previous batch is applied.
pub async fn read_ahead(pool: Pool, from: Checkpoint, limit: i64) -> Option<Prefetched> {
    let conn = pool.get().await.ok()?;
    let (events, pending) = read(&conn, from, limit).await.ok()?;
    Some(Prefetched {
        from,
        events,
        pending,
    })
}

/// Runs one group step over `projections` with at most `limit` events. Members more than
/// `limit` positions behind the front are left to the caller as stragglers.
pub async fn group_step(
    pool: &Pool,
    projections: &[&dyn Projection],
    limit: i64,
    fail_point: &FailPoint,
) -> Result<GroupStep, GroupError> {
    group_step_with(pool, projections, limit, fail_point, None).await
}

/// A group step that applies `ahead` when it starts exactly where the driven members stand, and
/// reads the batch itself otherwise.
pub async fn group_step_with(
    pool: &Pool,
    projections: &[&dyn Projection],
    limit: i64,
    fail_point: &FailPoint,
    ahead: Option<Prefetched>,
) -> Result<GroupStep, GroupError> {
    let conn = pool.get().await?;
    let result = group_step_on(&conn, projections, limit, fail_point, ahead).await;
    if result.is_err() {
        db::rollback_or_discard(conn).await;
    }
    result
}

async fn group_step_on(
    conn: &Conn,
    projections: &[&dyn Projection],
    limit: i64,
    fail_point: &FailPoint,
    ahead: Option<Prefetched>,
) -> Result<GroupStep, GroupError> {
    let leases = open(conn, projections).await?;
    let driven: Vec<(&dyn Projection, Checkpoint)> = projections
        .iter()
        .filter_map(|p| {
            let lease = leases.iter().find(|l| l.name == p.name())?;
            (lease.leased && lease.running).then_some((*p, lease.checkpoint))
        })
        .collect();
    let Some(front) = driven.iter().map(|(_, c)| c.1).max() else {
        conn.batch_execute("ROLLBACK")
            .await
            .map_err(DbError::from)?;
        return Ok(GroupStep {
            members: Vec::new(),
            checkpoint: (0, 0),
            events: 0,
            pending: false,
            stragglers: Vec::new(),
        });
    };
    let (members, stragglers): (Vec<_>, Vec<_>) =
        driven.into_iter().partition(|(_, c)| front - c.1 <= limit);
    let stragglers = stragglers.iter().map(|(p, _)| p.name()).collect();
    let from = members.iter().map(|(_, c)| *c).min().unwrap_or_default();
    let (events, pending) = match ahead {
        Some(batch) if batch.from == from => (batch.events, batch.pending),
        _ => read(conn, from, limit).await?,
    };
    let Some(last) = events.last().map(LogEvent::checkpoint) else {
        conn.batch_execute("COMMIT").await.map_err(DbError::from)?;
        return Ok(GroupStep {
            members: members.iter().map(|(p, _)| (p.name(), 0)).collect(),
            checkpoint: from,
            events: 0,
            pending,
            stragglers,
        });
    };
    let mut applied = Vec::with_capacity(members.len());
    for (projection, checkpoint) in &members {
        let start = events.partition_point(|e| e.checkpoint() <= *checkpoint);
        let slice = &events[start..];
        if reads_any(*projection, slice) {
            projection
                .apply(conn, slice)
                .await
                .map_err(|error| GroupError::Member {
                    member: projection.name(),
                    error,
                    until: last,
                })?;
        }
        applied.push((projection.name(), slice.len()));
    }
    if fail_point.fire() {
        return Err(GroupError::SimulatedCrash); // the caller rolls the writes back
    }
    close(conn, last, &applied).await?;
    Ok(GroupStep {
        members: applied,
        checkpoint: last,
        events: events.len(),
        pending: false,
        stragglers,
    })
}

/// Whether `events` holds anything of the types `projection` reads.
pub(crate) fn reads_any(projection: &dyn Projection, events: &[LogEvent]) -> bool {
    let types = projection.aggregate_types();
    !events.is_empty()
        && (types.is_empty()
            || events
                .iter()
                .any(|e| types.contains(&e.aggregate_type.as_str())))
}

/// First round trip: begin, and try every member's lease, reading its checkpoint and status.
async fn open(conn: &Conn, projections: &[&dyn Projection]) -> Result<Vec<Lease>, DbError> {
    let names: Vec<String> = projections.iter().map(|p| literal(p.name())).collect();
    let sql = format!(
        "BEGIN; SET LOCAL synchronous_commit = off; SET LOCAL enable_seqscan = off; \
         SELECT name, pg_try_advisory_xact_lock(727275, hashtext(name)) AS leased, \
                last_txid::text::bigint AS txid, last_position, status \
           FROM projection_checkpoints WHERE name IN ({}) ORDER BY name",
        names.join(", ")
    );
    use db::text::{flag, get};
    conn.simple(&sql)
        .await?
        .iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => Some(row),
            _ => None,
        })
        .map(|row| {
            Ok(Lease {
                name: get(row, 0)?,
                leased: flag(row, 1)?,
                running: get::<String>(row, 4)? == "running",
                checkpoint: (get(row, 2)?, get(row, 3)?),
            })
        })
        .collect()
}

/// The batch past `$1`/`$2` (text of the transaction id, position), below the horizon: a
/// prepared statement, so its rows come in the binary format and its plan is made once per
/// connection.
static READ_BATCH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{SELECT_EVENTS} WHERE (transaction_id, global_position) > ($1::text::xid8, $2) \
           AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
         ORDER BY transaction_id, global_position LIMIT $3"
    )
});

/// Whether committed events past `$1`/`$2` wait behind the horizon.
const PENDING: &str = "SELECT EXISTS (SELECT 1 FROM events \
    WHERE (transaction_id, global_position) > ($1::text::xid8, $2) \
      AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot()))";

/// Second round trip: the batch past `from`, below the horizon. When it is empty, a third says
/// whether committed events wait behind an open transaction.
async fn read(conn: &Conn, from: Checkpoint, limit: i64) -> Result<(Vec<LogEvent>, bool), DbError> {
    let txid = from.0.to_string();
    let rows = conn
        .query(READ_BATCH.as_str(), &[&txid, &from.1, &limit])
        .await?;
    let events = rows
        .iter()
        .map(LogEvent::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let pending = events.is_empty()
        && conn
            .query_one(PENDING, &[&txid, &from.1])
            .await?
            .try_get::<_, bool>(0)?;
    Ok((events, pending))
}

/// Last round trip: every member behind `last` moves to it (counting the events it was given),
/// and the step commits. A member already past `last` keeps its place.
async fn close(
    conn: &Conn,
    last: Checkpoint,
    applied: &[(&'static str, usize)],
) -> Result<(), DbError> {
    let counts: String = applied
        .iter()
        .map(|(name, n)| format!(" WHEN {} THEN {n}", literal(name)))
        .collect();
    let names: Vec<String> = applied.iter().map(|(name, _)| literal(name)).collect();
    let sql = format!(
        "UPDATE projection_checkpoints SET last_txid = '{}', last_position = {}, \
         events_applied = events_applied + CASE name{counts} ELSE 0 END, last_error = NULL, \
         updated_at = now() WHERE name IN ({}) AND (last_txid, last_position) < ('{}'::xid8, {}); COMMIT",
        last.0,
        last.1,
        names.join(", "),
        last.0,
        last.1
    );
    conn.batch_execute(&sql).await?;
    Ok(())
}
