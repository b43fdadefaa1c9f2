//! `tbl_operation_status` and `tbl_action_status`, projected only from operation events (on any
//! aggregate). An action's row id is `<operation id>-<action index>`, so a rebuild gives the same
//! rows. Progress follows the reference: the operation's progress is the started action's slice
//! scaled by its progress; a failed action fails the operation with the same message; a
//! cancelled operation shows FAILED with "Operation cancelled by <user>", and so does its running
//! action. Every step appends a timestamped line to the action's `status_log`.
//!
//! A batch is folded in memory over the rows it touches (read in one statement each) and written
//! back with one upsert per table.

pub mod query;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use db::{Conn, DbError, Sql};
use domain::application::Application;
use domain::container::Container;
use domain::operation::{cancelled_message, operation_progress, OperationEvent, OperationKind};
use domain::vm::Vm;
use domain::vm_image::VmImage;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct OperationsProjection;

impl Projection for OperationsProjection {
    fn name(&self) -> &'static str {
        "operations"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[
            Application::TYPE,
            Vm::TYPE,
            VmImage::TYPE,
            Container::TYPE,
            domain::platform_container::PlatformContainer::TYPE,
        ]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_operation_status", "tbl_action_status"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut decoded = Vec::new();
            for event in events
                .iter()
                .filter(|e| OperationEvent::is_operation_event(&e.event_type))
            {
                decoded.push((
                    event.aggregate_id.as_str(),
                    event.decode::<OperationEvent>()?,
                ));
            }
            if decoded.is_empty() {
                return Ok(());
            }
            let mut rows = Rows::load(conn, &decoded).await?;
            for (aggregate_id, event) in decoded {
                rows.apply(aggregate_id, event);
            }
            rows.write(conn).await?;
            Ok(())
        })
    }
}

#[derive(Debug, Clone)]
struct OperationRow {
    id: String,
    user_name: String,
    object_type: Option<String>,
    object_id: Option<String>,
    object_name: Option<String>,
    operation_name: Option<String>,
    progress: Option<i32>,
    status: Option<String>,
    error_msg: Option<String>,
    create_time: Option<DateTime<Utc>>,
    update_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
struct ActionRow {
    id: String,
    operation_id: String,
    object_type: Option<String>,
    object_id: Option<String>,
    action_name: Option<String>,
    progress: Option<i32>,
    status: Option<String>,
    error_msg: Option<String>,
    status_log: Option<String>,
    update_time: Option<DateTime<Utc>>,
}

db::from_row!(OperationRow {
    id,
    user_name,
    object_type,
    object_id,
    object_name,
    operation_name,
    progress,
    status,
    error_msg,
    create_time,
    update_time
});
db::from_row!(ActionRow {
    id,
    operation_id,
    object_type,
    object_id,
    action_name,
    progress,
    status,
    error_msg,
    status_log,
    update_time
});

/// The rows a batch touches, as they become.
struct Rows {
    operations: BTreeMap<String, OperationRow>,
    actions: BTreeMap<String, ActionRow>,
}

fn action_id(operation_id: &str, action: usize) -> String {
    format!("{operation_id}-{action}")
}

fn line(at: DateTime<Utc>, text: &str) -> String {
    format!("{} {text}\n", at.format("%Y-%m-%d %H:%M:%S%.3f"))
}

impl Rows {
    async fn load(conn: &Conn, events: &[(&str, OperationEvent)]) -> Result<Self, DbError> {
        let mut ids: Vec<&str> = events.iter().map(|(_, e)| e.operation_id()).collect();
        ids.sort_unstable();
        ids.dedup();
        let operations: Vec<OperationRow> = db::rows_as(
            conn
                .query(
                    "SELECT id, user_name, object_type, object_id, object_name, operation_name, progress, status, \
                     error_msg, create_time, update_time FROM tbl_operation_status WHERE id = ANY($1)",
                    &[&ids],
                )
                .await?,
        )?;
        let actions: Vec<ActionRow> = db::rows_as(
            conn
                .query(
                    "SELECT id, operation_id, object_type, object_id, action_name, progress, status, error_msg, \
                     status_log, update_time FROM tbl_action_status WHERE operation_id = ANY($1)",
                    &[&ids],
                )
                .await?,
        )?;
        Ok(Self {
            operations: operations.into_iter().map(|r| (r.id.clone(), r)).collect(),
            actions: actions.into_iter().map(|r| (r.id.clone(), r)).collect(),
        })
    }

    /// Sets the operation's progress from action `action` at `progress`.
    fn progressed(&mut self, operation_id: &str, action: usize, progress: i32, at: DateTime<Utc>) {
        if let Some(op) = self.operations.get_mut(operation_id) {
            if let Some(kind) = op
                .operation_name
                .as_deref()
                .and_then(OperationKind::from_operation_name)
            {
                op.progress = Some(operation_progress(kind, action + 1, progress));
            }
            op.update_time = Some(at);
        }
    }

    fn update_action(
        &mut self,
        operation_id: &str,
        action: usize,
        change: impl FnOnce(&mut ActionRow),
        at: DateTime<Utc>,
    ) {
        if let Some(row) = self.actions.get_mut(&action_id(operation_id, action)) {
            change(row);
            row.update_time = Some(at);
        }
        if let Some(op) = self.operations.get_mut(operation_id) {
            op.update_time = Some(at);
        }
    }

    fn fail(&mut self, operation_id: &str, error: &str, at: DateTime<Utc>) {
        if let Some(op) = self.operations.get_mut(operation_id) {
            op.status = Some("FAILED".into());
            op.error_msg = Some(error.to_owned());
            op.update_time = Some(at);
        }
    }

    fn apply(&mut self, aggregate_id: &str, event: OperationEvent) {
        match event {
            OperationEvent::OperationRequested {
                operation_id,
                kind,
                object_id,
                object_name,
                user_name,
                at,
                ..
            } => {
                let object_id = if object_id.is_empty() {
                    aggregate_id.to_owned()
                } else {
                    object_id
                };
                self.operations.insert(
                    operation_id.clone(),
                    OperationRow {
                        id: operation_id,
                        user_name,
                        object_type: Some(kind.object_type().into()),
                        object_id: Some(object_id),
                        object_name: Some(object_name),
                        operation_name: Some(kind.operation_name().into()),
                        progress: Some(0),
                        status: Some("ONGOING".into()),
                        error_msg: None,
                        create_time: Some(at),
                        update_time: Some(at),
                    },
                );
            }
            OperationEvent::ActionStarted {
                operation_id,
                action,
                at,
            } => {
                let Some(op) = self.operations.get(&operation_id) else {
                    return;
                };
                let def = op
                    .operation_name
                    .as_deref()
                    .and_then(OperationKind::from_operation_name)
                    .and_then(|k| k.actions().get(action));
                let row = ActionRow {
                    id: action_id(&operation_id, action),
                    operation_id: operation_id.clone(),
                    object_type: def.map(|d| d.object_type.to_owned()),
                    object_id: op.object_id.clone(),
                    action_name: def.map(|d| d.name.to_owned()),
                    progress: Some(0),
                    status: Some("ONGOING".into()),
                    error_msg: None,
                    status_log: Some(line(at, "start")),
                    update_time: Some(at),
                };
                self.actions.insert(row.id.clone(), row);
                self.progressed(&operation_id, action, 0, at);
            }
            OperationEvent::ActionProgressed {
                operation_id,
                action,
                progress,
                log,
                at,
            } => {
                self.update_action(
                    &operation_id,
                    action,
                    |row| {
                        row.progress = Some(progress);
                        append(row, &line(at, &log));
                    },
                    at,
                );
                self.progressed(&operation_id, action, progress, at);
            }
            OperationEvent::ActionSucceeded {
                operation_id,
                action,
                log,
                at,
            } => {
                self.update_action(
                    &operation_id,
                    action,
                    |row| {
                        row.progress = Some(100);
                        row.status = Some("SUCCESS".into());
                        append(row, &line(at, &log));
                    },
                    at,
                );
                self.progressed(&operation_id, action, 100, at);
            }
            OperationEvent::ActionFailed {
                operation_id,
                action,
                error,
                at,
            } => self.update_action(
                &operation_id,
                action,
                |row| {
                    row.status = Some("FAILED".into());
                    append(row, &line(at, &error));
                    row.error_msg = Some(error);
                },
                at,
            ),
            OperationEvent::OperationSucceeded { operation_id, at } => {
                if let Some(op) = self.operations.get_mut(&operation_id) {
                    op.status = Some("SUCCESS".into());
                    op.progress = Some(100);
                    op.update_time = Some(at);
                }
            }
            OperationEvent::OperationFailed {
                operation_id,
                error,
                at,
            } => self.fail(&operation_id, &error, at),
            OperationEvent::OperationCancelled {
                operation_id,
                by,
                at,
            } => {
                let message = cancelled_message(&by);
                for row in self.actions.values_mut().filter(|r| {
                    r.operation_id == operation_id && r.status.as_deref() == Some("ONGOING")
                }) {
                    row.status = Some("FAILED".into());
                    row.error_msg = Some(message.clone());
                    append(row, &line(at, &message));
                    row.update_time = Some(at);
                }
                self.fail(&operation_id, &message, at);
            }
        }
    }

    async fn write(self, conn: &Conn) -> Result<(), DbError> {
        let ops: Vec<OperationRow> = self.operations.into_values().collect();
        macro_rules! column {
            ($rows:expr, $field:ident) => {
                $rows.iter().map(|r| r.$field.clone()).collect::<Vec<_>>()
            };
        }
        conn.execute("INSERT INTO tbl_operation_status (id, user_name, object_type, object_id, object_name, operation_name, \
             progress, status, error_msg, create_time, update_time) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
                $7::int4[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[]) \
             ON CONFLICT (id) DO UPDATE SET progress = EXCLUDED.progress, status = EXCLUDED.status, \
             error_msg = EXCLUDED.error_msg, update_time = EXCLUDED.update_time", &[&column!(ops, id), &column!(ops, user_name), &column!(ops, object_type), &column!(ops, object_id), &column!(ops, object_name), &column!(ops, operation_name), &column!(ops, progress), &column!(ops, status), &column!(ops, error_msg), &column!(ops, create_time), &column!(ops, update_time)])
        .await?;
        let actions: Vec<ActionRow> = self.actions.into_values().collect();
        if actions.is_empty() {
            return Ok(());
        }
        conn.execute("INSERT INTO tbl_action_status (id, operation_id, object_type, object_id, action_name, progress, status, \
             error_msg, status_log, update_time) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int4[], \
                $7::text[], $8::text[], $9::text[], $10::timestamptz[]) \
             ON CONFLICT (id) DO UPDATE SET progress = EXCLUDED.progress, status = EXCLUDED.status, \
             error_msg = EXCLUDED.error_msg, status_log = EXCLUDED.status_log, update_time = EXCLUDED.update_time", &[&column!(actions, id), &column!(actions, operation_id), &column!(actions, object_type), &column!(actions, object_id), &column!(actions, action_name), &column!(actions, progress), &column!(actions, status), &column!(actions, error_msg), &column!(actions, status_log), &column!(actions, update_time)])
        .await?;
        Ok(())
    }
}

fn append(row: &mut ActionRow, text: &str) {
    row.status_log
        .get_or_insert_with(String::new)
        .push_str(text);
}
