//! `tbl_vm_flavor`: one row per live flavor. A batch is folded into its net changes (the rows to
//! insert, the ids to delete) and written with two set-based statements.

pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::flavor::{Flavor, FlavorEvent, FlavorFields};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct FlavorsProjection;

const DELETE: &str = "DELETE FROM tbl_vm_flavor WHERE id = ANY($1)";
const INSERT: &str =
    "INSERT INTO tbl_vm_flavor (id, name, description, architecture, cpu, memory, \
    system_disk_size, data_disk_size, gpu_extra_info, other_extra_info) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
        $7::int4[], $8::int4[], $9::text[], $10::text[])";

impl Projection for FlavorsProjection {
    fn name(&self) -> &'static str {
        "flavors"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Flavor::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_vm_flavor"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            // The end state of every flavor the batch touched: a row, or none (deleted).
            let mut touched: BTreeMap<&str, Option<FlavorFields>> = BTreeMap::new();
            for event in events.iter().filter(|e| e.aggregate_type == Flavor::TYPE) {
                let row = match event.decode::<FlavorEvent>()? {
                    FlavorEvent::FlavorCreated { fields, .. } => Some(fields),
                    FlavorEvent::FlavorDeleted {} => None,
                };
                touched.insert(event.aggregate_id.as_str(), row);
            }
            if touched.is_empty() {
                return Ok(());
            }
            let ids: Vec<&str> = touched.keys().copied().collect();
            conn.execute(DELETE, &[&ids]).await?;
            let rows = Columns::of(
                touched
                    .iter()
                    .filter_map(|(id, f)| Some((*id, f.as_ref()?))),
            );
            if !rows.ids.is_empty() {
                conn.execute(
                    INSERT,
                    &[
                        &rows.ids,
                        &rows.name,
                        &rows.description,
                        &rows.architecture,
                        &rows.cpu,
                        &rows.memory,
                        &rows.system_disk,
                        &rows.data_disk,
                        &rows.gpu,
                        &rows.other,
                    ],
                )
                .await?;
            }
            Ok(())
        })
    }
}

/// The rows to insert, column by column.
#[derive(Default)]
struct Columns<'a> {
    ids: Vec<&'a str>,
    name: Vec<&'a str>,
    description: Vec<Option<&'a str>>,
    architecture: Vec<&'a str>,
    cpu: Vec<String>,
    memory: Vec<String>,
    system_disk: Vec<i32>,
    data_disk: Vec<i32>,
    gpu: Vec<Option<&'a str>>,
    other: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    fn of(rows: impl Iterator<Item = (&'a str, &'a FlavorFields)>) -> Self {
        let mut c = Columns::default();
        for (id, f) in rows {
            c.ids.push(id);
            c.name.push(&f.name);
            c.description.push(f.description.as_deref());
            c.architecture.push(&f.architecture);
            c.cpu.push(f.cpu.to_string());
            c.memory.push(f.memory.to_string());
            // Sizes are bounded by the aggregate's rules well inside int4.
            c.system_disk
                .push(f.system_disk_size.clamp(0, i32::MAX.into()) as i32);
            c.data_disk
                .push(f.data_disk_size.clamp(0, i32::MAX.into()) as i32);
            c.gpu.push(f.gpu_extra_info.as_deref());
            c.other.push(f.other_extra_info.as_deref());
        }
        c
    }
}
