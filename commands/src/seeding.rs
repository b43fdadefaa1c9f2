//! Seeding streams as events: the create command of every row whose stream has no events yet,
//! by edgedev itself as an admin (ADR 0011). Shared by the catalogues and the system roles.

use cqrs_es::Aggregate;
use db::{DbError, Pool};
use domain::uniqueness::HoldsUniqueKeys;
use domain::{Actor, Role};

use crate::{CommandError, CommandExecutor, CommandMetadata, CommandOptions, StoredResponse};

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("catalogue data {0}: {1}")]
    Data(&'static str, String),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("seeding {0}: {1}")]
    Command(&'static str, String),
}

/// Who seeds: edgedev itself, as an admin.
pub fn seeder() -> Actor {
    Actor::new("edgedev-catalogue", "edgedev-catalogue", vec![Role::Admin])
}

/// Runs the create command of every row whose stream has no events yet. A row another process
/// seeded meanwhile is rejected as existing (or its unique names as held) and counts as done.
pub async fn seed_streams<A>(
    executor: &CommandExecutor,
    pool: &Pool,
    catalogue: &'static str,
    rows: Vec<(String, A::Command)>,
    already_exists: impl Fn(&A::Error) -> bool,
) -> Result<usize, SeedError>
where
    A: Aggregate<Services = ()> + HoldsUniqueKeys,
    A::Command: Clone,
{
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let present = streams_present(pool, A::TYPE, &ids).await?;
    let metadata = CommandMetadata::system(&seeder());
    let options = CommandOptions::default().for_new_stream();
    let mut created = 0;
    for (id, command) in rows.into_iter().filter(|(id, _)| !present.contains(id)) {
        let outcome = executor
            .execute::<A, _>(&id, command, &(), &metadata, &options, |_, _| {
                StoredResponse {
                    status: 201,
                    body: serde_json::Value::Null,
                }
            })
            .await;
        match outcome {
            Ok(_) => created += 1,
            Err(CommandError::Rejected(e)) if already_exists(&e) => {}
            Err(CommandError::Duplicate { .. })
                if !streams_present(pool, A::TYPE, &[id.as_str()])
                    .await?
                    .is_empty() => {}
            Err(error) => return Err(SeedError::Command(catalogue, error.to_string())),
        }
    }
    Ok(created)
}

/// Which of `ids` already have a stream of `aggregate_type`.
async fn streams_present(
    pool: &Pool,
    aggregate_type: &str,
    ids: &[&str],
) -> Result<Vec<String>, DbError> {
    let rows = pool
        .query(
            "SELECT DISTINCT aggregate_id FROM events WHERE aggregate_type = $1 AND aggregate_id = ANY($2)",
            &[&aggregate_type, &ids],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
}
