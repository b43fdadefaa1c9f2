//! Walking the chain against the log (`edgedev verify chain`): each link's hash is computed again
//! from the event as the log holds it now and the previous link's recomputed hash. The first link
//! that does not match names the event whose stored content changed (or that is gone); an event
//! behind the chainer's checkpoint without a link was slipped into the log afterwards.

use db::{DbError, Pool};
use serde::Serialize;
use uuid::Uuid;

use super::hash::{self, Hash, GENESIS};
use super::CHAIN;
use crate::runtime::LogEvent;

const PAGE: i64 = 5000;

const WALK: &str = "SELECT e.transaction_id::text::bigint, e.global_position, e.event_id, \
    e.recorded_at, e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version, \
    e.payload, e.metadata, c.link, c.hash, c.global_position, c.event_id \
    FROM event_chain c LEFT JOIN events e ON e.global_position = c.global_position \
    WHERE c.link > $1 ORDER BY c.link LIMIT $2";

const UNCHAINED: &str = "SELECT e.global_position, e.event_id, e.aggregate_type, e.aggregate_id, \
    e.sequence, e.event_type FROM events e JOIN projection_checkpoints p ON p.name = $1 \
    WHERE (e.transaction_id, e.global_position) <= (p.last_txid, p.last_position) \
      AND NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_position = e.global_position) \
    ORDER BY e.global_position LIMIT 1";

/// Which event a problem is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRef {
    pub global_position: i64,
    pub event_id: Uuid,
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<String>,
    pub sequence: Option<i64>,
    pub event_type: Option<String>,
}

/// The first thing wrong with the log, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ChainProblem {
    /// The event's stored content no longer hashes to its link.
    Altered { link: i64, event: EventRef },
    /// The link's event is gone from the log (or another event took its position).
    Missing { link: i64, event: EventRef },
    /// An event behind the chainer's checkpoint has no link: it was added afterwards.
    Unchained { event: EventRef },
}

/// What a walk found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainReport {
    pub ok: bool,
    /// Links checked.
    pub links: i64,
    /// The last link's hash (hex), as recomputed.
    pub head: Option<String>,
    /// Events not chained yet (ahead of the chainer).
    pub unchained_ahead: i64,
    pub problem: Option<ChainProblem>,
}

/// Walks the whole chain; stops at the first problem.
pub async fn verify(pool: &Pool) -> Result<ChainReport, DbError> {
    let mut previous: Hash = GENESIS;
    let mut after = 0i64;
    let mut links = 0i64;
    loop {
        let rows = pool.query(WALK, &[&after, &PAGE]).await?;
        for row in &rows {
            let link: i64 = row.try_get(11)?;
            let stored: Vec<u8> = row.try_get(12)?;
            let chained = EventRef {
                global_position: row.try_get(13)?,
                event_id: row.try_get(14)?,
                aggregate_type: None,
                aggregate_id: None,
                sequence: None,
                event_type: None,
            };
            let found: Option<Uuid> = row.try_get(2)?;
            if found != Some(chained.event_id) {
                return report(
                    pool,
                    links,
                    previous,
                    Some(ChainProblem::Missing {
                        link,
                        event: chained,
                    }),
                )
                .await;
            }
            let event = LogEvent::from_row(row)?;
            let recomputed = hash::link(&previous, &event);
            if recomputed.as_slice() != stored.as_slice() {
                let event = EventRef {
                    aggregate_type: Some(event.aggregate_type.clone()),
                    aggregate_id: Some(event.aggregate_id.clone()),
                    sequence: Some(event.sequence),
                    event_type: Some(event.event_type.clone()),
                    ..chained
                };
                return report(
                    pool,
                    links,
                    previous,
                    Some(ChainProblem::Altered { link, event }),
                )
                .await;
            }
            previous = recomputed;
            links = link;
            after = link;
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    let unchained = pool.query_opt(UNCHAINED, &[&CHAIN]).await?;
    let problem = match unchained {
        Some(row) => Some(ChainProblem::Unchained {
            event: EventRef {
                global_position: row.try_get(0)?,
                event_id: row.try_get(1)?,
                aggregate_type: Some(row.try_get(2)?),
                aggregate_id: Some(row.try_get(3)?),
                sequence: Some(row.try_get(4)?),
                event_type: Some(row.try_get(5)?),
            },
        }),
        None => None,
    };
    report(pool, links, previous, problem).await
}

async fn report(
    pool: &Pool,
    links: i64,
    head: Hash,
    problem: Option<ChainProblem>,
) -> Result<ChainReport, DbError> {
    let ahead: i64 = pool
        .query_one(
            "SELECT count(*) FROM events e WHERE NOT EXISTS \
             (SELECT 1 FROM event_chain c WHERE c.global_position = e.global_position)",
            &[],
        )
        .await
        .and_then(db::scalar)?;
    Ok(ChainReport {
        ok: problem.is_none(),
        links,
        head: (links > 0).then(|| hash::hex(&head)),
        unchained_ahead: ahead,
        problem,
    })
}
