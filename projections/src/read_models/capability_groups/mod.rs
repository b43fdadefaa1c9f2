//! `tbl_capability_group`: one row per live capability group. A batch is folded into its net
//! changes (the rows to insert, the ids to delete) and written with two set-based statements.

pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::capability_group::{
    CapabilityGroup, CapabilityGroupEvent, CapabilityGroupEventKind as Kind, CapabilityGroupFields,
};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct CapabilityGroupsProjection;

const DELETE: &str = "DELETE FROM tbl_capability_group WHERE id = ANY($1)";
const INSERT: &str = "INSERT INTO tbl_capability_group (id, name, name_en, type, description, \
    description_en, icon_file_id, author, create_time, update_time) \
    SELECT id, name, name_en, type, description, description_en, icon_file_id, author, created, created \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
        $8::text[], $9::int8[]) \
    AS r(id, name, name_en, type, description, description_en, icon_file_id, author, created)";

/// A live group's row: its fields, author and creation time.
struct Row {
    fields: CapabilityGroupFields,
    author: String,
    created_at: i64,
}

impl Projection for CapabilityGroupsProjection {
    fn name(&self) -> &'static str {
        "capability_groups"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[CapabilityGroup::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_capability_group"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            // The end state of every group the batch touched: a row, or none (deleted).
            let mut touched: BTreeMap<&str, Option<Row>> = BTreeMap::new();
            // Membership events (capabilities joining and leaving) change no row.
            let rows = [Kind::CapabilityGroupCreated, Kind::CapabilityGroupDeleted];
            for event in events.iter().filter(|e| {
                e.aggregate_type == CapabilityGroup::TYPE
                    && rows.iter().any(|k| k.name() == e.event_type)
            }) {
                let row = match event.decode::<CapabilityGroupEvent>()? {
                    CapabilityGroupEvent::CapabilityGroupCreated {
                        fields,
                        author,
                        created_at,
                    } => Some(Row {
                        fields,
                        author,
                        created_at,
                    }),
                    CapabilityGroupEvent::CapabilityGroupDeleted {} => None,
                    _ => continue,
                };
                touched.insert(event.aggregate_id.as_str(), row);
            }
            if touched.is_empty() {
                return Ok(());
            }
            let ids: Vec<&str> = touched.keys().copied().collect();
            conn.execute(DELETE, &[&ids]).await?;
            let live: Vec<(&str, &Row)> = touched
                .iter()
                .filter_map(|(id, row)| Some((*id, row.as_ref()?)))
                .collect();
            if live.is_empty() {
                return Ok(());
            }
            let column = |f: fn(&Row) -> Option<&str>| -> Vec<Option<&str>> {
                live.iter().map(|(_, r)| f(r)).collect()
            };
            let live_ids: Vec<&str> = live.iter().map(|(id, _)| *id).collect();
            let created: Vec<i64> = live.iter().map(|(_, r)| r.created_at).collect();
            conn.execute(
                INSERT,
                &[
                    &live_ids,
                    &column(|r| Some(r.fields.name.as_str())),
                    &column(|r| Some(r.fields.name_en.as_str())),
                    &column(|r| Some(r.fields.group_type.as_str())),
                    &column(|r| r.fields.description.as_deref()),
                    &column(|r| r.fields.description_en.as_deref()),
                    &column(|r| r.fields.icon_file_id.as_deref()),
                    &column(|r| Some(r.author.as_str())),
                    &created,
                ],
            )
            .await?;
            Ok(())
        })
    }
}
