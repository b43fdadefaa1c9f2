//! The least database work a create can cost: one `POST /applications` of the run, its rows
//! replayed with fresh ids by a plain client, as fast as the database takes them.
//!
//! Two references, each one statement (one round trip, autocommit) per replayed command, on one
//! connection per client, through the same driver as the server:
//!
//! - **append**: the command's own write, exactly the statement the event store sends
//!   (reservations claimed, events appended), with the command's events and keys;
//! - **append + read models**: the same, plus every read-model row the command ends up writing
//!   (`tbl_application`, `tbl_app_project`, `tbl_network`), in the same statement: what an
//!   "inline" projection would cost at best, with no checkpoint, no second transaction and no
//!   wait. No design that keeps these rows writes less per command.
//!
//! A ratio of either to `pgbench`'s one-row insert below the target ratio shows that the target
//! asks for less than these rows cost on this machine, whatever the server does around them.

use std::time::{Duration, Instant};

use db::Pool;

/// The read-model tables a create writes, each with the column naming its application.
const READ_MODELS: &[(&str, &str)] = &[
    ("tbl_application", "id"),
    ("tbl_app_project", "id"),
    ("tbl_network", "app_id"),
];

/// One create of the run, as rows whose ids are replaced on every replay.
#[derive(Clone)]
pub struct CreateTemplate {
    rows: Rows,
    /// Every id and name of the template, replaced by a fresh one on each replay.
    replaced: Vec<String>,
}

/// What one replayed command sends.
#[derive(Clone)]
struct Rows {
    aggregate_type: String,
    sequences: Vec<i64>,
    types: Vec<String>,
    versions: Vec<String>,
    payloads: Vec<String>,
    metadata: String,
    scopes: Vec<String>,
    keys: Vec<String>,
    /// Each read-model table's rows as a JSON array.
    read_models: Vec<String>,
}

/// What a replay run measured.
pub struct Replayed {
    pub per_second: f64,
    pub errors: u64,
    pub postgres_cpu: f64,
}

/// The newest application create of the log (its first event's transaction) whose read-model
/// rows are all written (with read-your-writes off the newest may not be projected yet).
pub async fn template(pool: &Pool) -> Result<CreateTemplate, Box<dyn std::error::Error>> {
    let head = pool
        .query_opt(
            "SELECT e.transaction_id::text AS txid, e.aggregate_id, e.aggregate_type, a.name \
               FROM events e JOIN tbl_application a ON a.id = e.aggregate_id \
              WHERE e.aggregate_type = 'application' AND e.sequence = 1 \
                AND EXISTS (SELECT 1 FROM tbl_app_project p WHERE p.id = e.aggregate_id) \
                AND EXISTS (SELECT 1 FROM tbl_network n WHERE n.app_id = e.aggregate_id) \
              ORDER BY e.global_position DESC LIMIT 1",
            &[],
        )
        .await?
        .ok_or("the run left no projected application create to replay")?;
    let txid: String = head.try_get("txid")?;
    let app_id: String = head.try_get("aggregate_id")?;
    let rows = pool
        .query(
            "SELECT sequence, event_type, event_version, payload::text AS payload, \
                    metadata::text AS metadata \
               FROM events WHERE transaction_id = $1::text::xid8 AND aggregate_id = $2 \
              ORDER BY sequence",
            &[&txid, &app_id],
        )
        .await?;
    let mut replaced = vec![app_id.clone()];
    replaced.extend(head.try_get::<_, Option<String>>("name")?);
    let mut t = Rows {
        aggregate_type: head.try_get("aggregate_type")?,
        sequences: Vec::new(),
        types: Vec::new(),
        versions: Vec::new(),
        payloads: Vec::new(),
        metadata: String::new(),
        scopes: Vec::new(),
        keys: Vec::new(),
        read_models: Vec::new(),
    };
    for row in &rows {
        t.sequences.push(row.try_get("sequence")?);
        t.types.push(row.try_get("event_type")?);
        t.versions.push(row.try_get("event_version")?);
        t.payloads.push(row.try_get("payload")?);
        t.metadata = row.try_get("metadata")?;
    }
    for row in pool
        .query(
            "SELECT scope, key FROM unique_reservations WHERE aggregate_id = $1",
            &[&app_id],
        )
        .await?
    {
        t.scopes.push(row.try_get("scope")?);
        t.keys.push(row.try_get("key")?);
    }
    for (table, column) in READ_MODELS {
        let row = pool
            .query_one(
                &format!(
                    "SELECT coalesce(json_agg(t), '[]')::text AS rows, \
                            coalesce(array_agg(t.id::text) FILTER (WHERE t.id::text <> $1), '{{}}') AS ids \
                       FROM {table} t WHERE t.{column} = $1"
                ),
                &[&app_id],
            )
            .await?;
        t.read_models.push(row.try_get("rows")?);
        replaced.extend(row.try_get::<_, Vec<String>>("ids")?);
    }
    Ok(CreateTemplate { rows: t, replaced })
}

/// The append and the read models' rows in one statement.
const APPEND_AND_READ_MODELS: &str = "WITH \
    claimed AS ( \
        INSERT INTO unique_reservations (scope, key, aggregate_id) \
        SELECT scope, key, $2 FROM unnest($8::text[], $9::text[]) AS c(scope, key)), \
    appended AS ( \
        INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
        SELECT $1, $2, s, t, v, p::jsonb, $7::text::jsonb FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS e(s, t, v, p) \
        RETURNING global_position), \
    application AS (INSERT INTO tbl_application SELECT * FROM json_populate_recordset(NULL::tbl_application, $10::text::json)), \
    project AS (INSERT INTO tbl_app_project SELECT * FROM json_populate_recordset(NULL::tbl_app_project, $11::text::json)), \
    networks AS (INSERT INTO tbl_network SELECT * FROM json_populate_recordset(NULL::tbl_network, $12::text::json)) \
    SELECT max(global_position) FROM appended";

/// Replays the template from `clients` connections for `seconds`; `with_read_models` adds the
/// read models' rows to each statement.
pub async fn replay(
    url: &str,
    template: &CreateTemplate,
    clients: usize,
    seconds: u64,
    with_read_models: bool,
) -> Result<Replayed, Box<dyn std::error::Error>> {
    let pool = Pool::connect(url, clients as u32).await?;
    let mut connections = Vec::with_capacity(clients);
    for _ in 0..clients {
        connections.push(pool.get().await?);
    }
    // Backends that exit between two samples take their ticks along, so the CPU figure is
    // sampled while exactly this run's connections live (the caller's pools are idle).
    let before = crate::cpu::sample();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::with_capacity(clients);
    for conn in connections {
        let template = template.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut errors) = (0u64, 0u64);
            while Instant::now() < deadline {
                let command = template.renamed();
                let result = if with_read_models {
                    command.append_and_read_models(&conn).await
                } else {
                    command.append(&conn).await
                };
                match result {
                    Ok(()) => ok += 1,
                    Err(error) => {
                        if errors == 0 {
                            eprintln!("ceiling replay: {error}");
                        }
                        errors += 1;
                    }
                }
            }
            (ok, errors)
        }));
    }
    let (mut ok, mut errors) = (0, 0);
    for task in tasks {
        let (o, e) = task.await?;
        ok += o;
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let busy = crate::cpu::usage(&before, &crate::cpu::sample());
    pool.close();
    // Let the backends exit before anything samples again.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(Replayed {
        per_second: ok as f64 / elapsed,
        errors,
        postgres_cpu: busy.postgres,
    })
}

/// A template's text with its ids replaced, ready to send.
struct Command {
    app_id: String,
    rows: Rows,
}

type ReplayError = Box<dyn std::error::Error + Send + Sync>;

impl CreateTemplate {
    /// The template with every id and the name replaced by fresh ones of the same form.
    fn renamed(&self) -> Command {
        let fresh: Vec<(String, String)> = self
            .replaced
            .iter()
            .map(|old| {
                let new = if old.len() == 36 && old.matches('-').count() == 4 {
                    uuid::Uuid::new_v4().to_string()
                } else {
                    let hex = uuid::Uuid::new_v4().simple().to_string();
                    let mut new = format!("{hex}{hex}");
                    new.truncate(old.len().max(16));
                    new
                };
                (old.clone(), new)
            })
            .collect();
        let rename = |text: &str| {
            fresh
                .iter()
                .fold(text.to_owned(), |text, (old, new)| text.replace(old, new))
        };
        let renamed_all = |texts: &[String]| texts.iter().map(|t| rename(t)).collect();
        let t = &self.rows;
        Command {
            app_id: fresh[0].1.clone(),
            rows: Rows {
                payloads: renamed_all(&t.payloads),
                metadata: rename(&t.metadata),
                keys: renamed_all(&t.keys),
                read_models: renamed_all(&t.read_models),
                ..t.clone()
            },
        }
    }
}

impl Command {
    /// The event store's own statement, as the server sends it (nothing to release, no
    /// idempotency key).
    async fn append(&self, conn: &db::Client) -> Result<(), ReplayError> {
        let payloads = self
            .rows
            .payloads
            .iter()
            .map(|p| serde_json::from_str(p))
            .collect::<Result<Vec<serde_json::Value>, _>>()?;
        let metadata: serde_json::Value = serde_json::from_str(&self.rows.metadata)?;
        let none: Vec<String> = Vec::new();
        let no_text: Option<&str> = None;
        let no_status: Option<i16> = None;
        let no_response: Option<&serde_json::Value> = None;
        conn.query_one(
            commands::store::APPEND_COMMAND,
            &[
                &self.rows.aggregate_type,
                &self.app_id,
                &self.rows.sequences,
                &self.rows.types,
                &self.rows.versions,
                &payloads,
                &metadata,
                &none,
                &none,
                &self.rows.scopes,
                &self.rows.keys,
                &no_text,
                &no_text,
                &no_text,
                &no_status,
                &no_response,
            ],
        )
        .await?;
        Ok(())
    }

    async fn append_and_read_models(&self, conn: &db::Client) -> Result<(), ReplayError> {
        conn.query_one(
            APPEND_AND_READ_MODELS,
            &[
                &self.rows.aggregate_type,
                &self.app_id,
                &self.rows.sequences,
                &self.rows.types,
                &self.rows.versions,
                &self.rows.payloads,
                &self.rows.metadata,
                &self.rows.scopes,
                &self.rows.keys,
                &self.rows.read_models[0],
                &self.rows.read_models[1],
                &self.rows.read_models[2],
            ],
        )
        .await?;
        Ok(())
    }
}
