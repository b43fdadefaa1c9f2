//! `tbl_uploaded_file`: one row per live uploaded file. `is_temp` follows the file's holders
//! (each take and release says whether the file is temporary after it). A batch is folded into
//! its net changes per file (a whole row, or only `is_temp`, or gone) and written with three
//! set-based statements.

pub mod query;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::uploaded_file::{UploadedFile, UploadedFileEvent, UploadedFileFields};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct UploadedFilesProjection;

const DELETE: &str = "DELETE FROM tbl_uploaded_file WHERE file_id = ANY($1)";
const INSERT: &str =
    "INSERT INTO tbl_uploaded_file (file_id, file_name, is_temp, user_id, upload_date, file_path, file_type) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])";
const SET_TEMPORARY: &str = "UPDATE tbl_uploaded_file t SET is_temp = u.temp \
    FROM unnest($1::text[], $2::bool[]) AS u(id, temp) WHERE t.file_id = u.id AND t.file_id = ANY($1)";

/// What a batch leaves of one file.
enum Change {
    Row(Row),
    Temporary(bool),
    Gone,
}

struct Row {
    fields: UploadedFileFields,
    user_id: String,
    temporary: bool,
}

impl Projection for UploadedFilesProjection {
    fn name(&self) -> &'static str {
        "uploaded_files"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[UploadedFile::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_uploaded_file"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut changes: BTreeMap<&str, Change> = BTreeMap::new();
            for event in events
                .iter()
                .filter(|e| e.aggregate_type == UploadedFile::TYPE)
            {
                let id = event.aggregate_id.as_str();
                match event.decode::<UploadedFileEvent>()? {
                    UploadedFileEvent::FileUploaded {
                        fields, user_id, ..
                    } => {
                        let temporary = !fields.shared;
                        let row = Row {
                            fields,
                            user_id,
                            temporary,
                        };
                        changes.insert(id, Change::Row(row));
                    }
                    UploadedFileEvent::FileTaken { temporary, .. }
                    | UploadedFileEvent::FileReleased { temporary, .. } => {
                        match changes.get_mut(id) {
                            Some(Change::Row(row)) => row.temporary = temporary,
                            Some(Change::Gone) => {}
                            _ => {
                                changes.insert(id, Change::Temporary(temporary));
                            }
                        }
                    }
                    UploadedFileEvent::FileDeleted { .. } => {
                        changes.insert(id, Change::Gone);
                    }
                }
            }
            if changes.is_empty() {
                return Ok(());
            }
            let replaced: Vec<&str> = changes
                .iter()
                .filter(|(_, c)| !matches!(c, Change::Temporary(_)))
                .map(|(id, _)| *id)
                .collect();
            if !replaced.is_empty() {
                conn.execute(DELETE, &[&replaced]).await?;
            }
            let rows = Columns::of(&changes);
            if !rows.ids.is_empty() {
                conn.execute(
                    INSERT,
                    &[
                        &rows.ids,
                        &rows.names,
                        &rows.temporary,
                        &rows.users,
                        &rows.dates,
                        &rows.paths,
                        &rows.types,
                    ],
                )
                .await?;
            }
            let (ids, temporary): (Vec<&str>, Vec<bool>) = changes
                .iter()
                .filter_map(|(id, c)| match c {
                    Change::Temporary(t) => Some((*id, *t)),
                    _ => None,
                })
                .unzip();
            if !ids.is_empty() {
                conn.execute(SET_TEMPORARY, &[&ids, &temporary]).await?;
            }
            Ok(())
        })
    }
}

/// The whole rows to insert, column by column.
#[derive(Default)]
struct Columns<'a> {
    ids: Vec<&'a str>,
    names: Vec<&'a str>,
    temporary: Vec<bool>,
    users: Vec<&'a str>,
    dates: Vec<DateTime<Utc>>,
    paths: Vec<&'a str>,
    types: Vec<&'static str>,
}

impl<'a> Columns<'a> {
    fn of(changes: &'a BTreeMap<&'a str, Change>) -> Self {
        let mut c = Columns::default();
        for (id, change) in changes {
            let Change::Row(row) = change else { continue };
            c.ids.push(id);
            c.names.push(&row.fields.file_name);
            c.temporary.push(row.temporary);
            c.users.push(&row.user_id);
            c.dates.push(row.fields.uploaded_at);
            c.paths.push(&row.fields.file_path);
            c.types.push(row.fields.file_type.as_str());
        }
        c
    }
}
