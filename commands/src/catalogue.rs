//! The catalogues seeded at first start (the original's seed data, `commands/catalogue/`), loaded
//! as events so they are read models like everything else. Seeding is idempotent: rows whose
//! stream already has events (seeded earlier, or deleted by an admin since) are skipped, and two
//! processes seeding at once race on the streams' first append, which one wins and the other then
//! finds already done.

use cqrs_es::Aggregate;
use db::{DbError, Pool};
use domain::flavor::{Flavor, FlavorAction, FlavorCommand, FlavorError, FlavorFields};
use domain::{Actor, Role};
use serde::Deserialize;

use crate::{CommandError, CommandExecutor, CommandMetadata, CommandOptions, StoredResponse};

/// The original's 16 VM flavors (its newer seed, `tbl_vm_flavor`).
const FLAVORS: &str = include_str!("../catalogue/tbl_vm_flavor.json");

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

/// What one seeding created, by catalogue.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub flavors: usize,
}

/// Who seeds: edgedev itself, as an admin.
pub fn seeder() -> Actor {
    Actor::new("edgedev-catalogue", "edgedev-catalogue", vec![Role::Admin])
}

/// Seeds every catalogue whose rows are missing.
pub async fn seed(executor: &CommandExecutor, pool: &Pool) -> Result<Seeded, SeedError> {
    Ok(Seeded {
        flavors: seed_flavors(executor, pool).await?,
    })
}

/// How many rows the catalogues hold: the events a first start appends.
pub fn row_count() -> Result<usize, SeedError> {
    Ok(flavors()?.len())
}

#[derive(Deserialize)]
struct FlavorRow {
    id: String,
    name: String,
    description: Option<String>,
    architecture: String,
    cpu: i64,
    memory: i64,
    system_disk_size: i64,
    data_disk_size: i64,
    gpu_extra_info: Option<String>,
    other_extra_info: Option<String>,
}

/// The catalogue's flavors, as (id, fields).
pub fn flavors() -> Result<Vec<(String, FlavorFields)>, SeedError> {
    let rows: Vec<FlavorRow> =
        serde_json::from_str(FLAVORS).map_err(|e| SeedError::Data("flavors", e.to_string()))?;
    let empty_is_none = |v: Option<String>| v.filter(|v| !v.is_empty());
    Ok(rows
        .into_iter()
        .map(|r| {
            let fields = FlavorFields {
                name: r.name,
                description: empty_is_none(r.description),
                architecture: r.architecture,
                cpu: r.cpu,
                memory: r.memory,
                system_disk_size: r.system_disk_size,
                data_disk_size: r.data_disk_size,
                gpu_extra_info: empty_is_none(r.gpu_extra_info),
                other_extra_info: empty_is_none(r.other_extra_info),
            };
            (r.id, fields)
        })
        .collect())
}

async fn seed_flavors(executor: &CommandExecutor, pool: &Pool) -> Result<usize, SeedError> {
    let rows = flavors()?;
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let present = streams_present(pool, <Flavor as Aggregate>::TYPE, &ids).await?;
    let actor = seeder();
    let metadata = CommandMetadata::system(&actor);
    let options = CommandOptions::default().for_new_stream();
    let mut created = 0;
    for (id, fields) in rows.into_iter().filter(|(id, _)| !present.contains(id)) {
        let command = FlavorCommand {
            actor: actor.clone(),
            action: FlavorAction::Create(fields),
        };
        let outcome = executor
            .execute::<Flavor, _>(&id, command, &(), &metadata, &options, |_, _| {
                StoredResponse {
                    status: 201,
                    body: serde_json::Value::Null,
                }
            })
            .await;
        match outcome {
            Ok(_) => created += 1,
            // Another process seeded it first.
            Err(CommandError::Rejected(FlavorError::AlreadyExists)) => {}
            Err(error) => return Err(SeedError::Command("flavors", error.to_string())),
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
