//! `tbl_operation_status` and `tbl_action_status`, projected only from operation events (on any
//! aggregate). An action's row id is `<operation id>-<action index>`, so a rebuild gives the same
//! rows. Progress follows the reference: the operation's progress is the started action's slice
//! scaled by its progress; a failed action fails the operation with the same message; a
//! cancelled operation shows FAILED with "Operation cancelled by <user>", and so does its running
//! action. Every step appends a timestamped line to the action's `status_log`.

use chrono::{DateTime, Utc};
use domain::operation::{cancelled_message, operation_progress, OperationEvent, OperationKind};
use sqlx::PgConnection;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct OperationsProjection;

impl Projection for OperationsProjection {
    fn name(&self) -> &'static str {
        "operations"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_operation_status", "tbl_action_status"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            for event in events
                .iter()
                .filter(|e| OperationEvent::is_operation_event(&e.event_type))
            {
                let decoded = event.decode::<OperationEvent>()?;
                apply_one(conn, event, decoded).await?;
            }
            Ok(())
        })
    }
}

fn action_id(operation_id: &str, action: usize) -> String {
    format!("{operation_id}-{action}")
}

fn line(at: DateTime<Utc>, text: &str) -> String {
    format!("{} {text}\n", at.format("%Y-%m-%d %H:%M:%S%.3f"))
}

fn kind_of(operation_name: &str) -> Option<OperationKind> {
    [
        OperationKind::VmLaunch,
        OperationKind::VmExportImage,
        OperationKind::CleanEnv,
    ]
    .into_iter()
    .find(|k| k.operation_name() == operation_name)
}

/// Sets the operation's progress from action `action` at `progress`.
async fn operation_progressed(
    conn: &mut PgConnection,
    operation_id: &str,
    action: usize,
    progress: i32,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT operation_name FROM tbl_operation_status WHERE id = $1")
            .bind(operation_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(kind) = name.as_deref().and_then(kind_of) else {
        return Ok(());
    };
    sqlx::query("UPDATE tbl_operation_status SET progress = $2, update_time = $3 WHERE id = $1")
        .bind(operation_id)
        .bind(operation_progress(kind, action + 1, progress))
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

async fn apply_one(
    conn: &mut PgConnection,
    event: &LogEvent,
    decoded: OperationEvent,
) -> Result<(), ProjectionError> {
    match decoded {
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
                event.aggregate_id.clone()
            } else {
                object_id
            };
            sqlx::query(
                "INSERT INTO tbl_operation_status (id, user_name, object_type, object_id, object_name, \
                 operation_name, progress, status, error_msg, create_time, update_time) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0, 'ONGOING', NULL, $7, $7)",
            )
            .bind(&operation_id)
            .bind(&user_name)
            .bind(kind.object_type())
            .bind(&object_id)
            .bind(&object_name)
            .bind(kind.operation_name())
            .bind(at)
            .execute(conn)
            .await?;
        }
        OperationEvent::ActionStarted {
            operation_id,
            action,
            at,
        } => {
            let def = action_def(conn, &operation_id, action).await?;
            sqlx::query(
                "INSERT INTO tbl_action_status (id, operation_id, object_type, object_id, action_name, progress, \
                 status, error_msg, status_log, update_time) \
                 SELECT $1, o.id, $3, o.object_id, $4, 0, 'ONGOING', NULL, $5, $6 \
                 FROM tbl_operation_status o WHERE o.id = $2",
            )
            .bind(action_id(&operation_id, action))
            .bind(&operation_id)
            .bind(def.map(|d| d.1))
            .bind(def.map(|d| d.0))
            .bind(line(at, "start"))
            .bind(at)
            .execute(&mut *conn)
            .await?;
            operation_progressed(conn, &operation_id, action, 0, at).await?;
        }
        OperationEvent::ActionProgressed {
            operation_id,
            action,
            progress,
            log,
            at,
        } => {
            update_action(
                conn,
                &operation_id,
                action,
                Some(progress),
                None,
                None,
                &line(at, &log),
                at,
            )
            .await?;
            operation_progressed(conn, &operation_id, action, progress, at).await?;
        }
        OperationEvent::ActionSucceeded {
            operation_id,
            action,
            log,
            at,
        } => {
            update_action(
                conn,
                &operation_id,
                action,
                Some(100),
                Some("SUCCESS"),
                None,
                &line(at, &log),
                at,
            )
            .await?;
            operation_progressed(conn, &operation_id, action, 100, at).await?;
        }
        OperationEvent::ActionFailed {
            operation_id,
            action,
            error,
            at,
        } => {
            update_action(
                conn,
                &operation_id,
                action,
                None,
                Some("FAILED"),
                Some(&error),
                &line(at, &error),
                at,
            )
            .await?;
        }
        OperationEvent::OperationSucceeded { operation_id, at } => {
            sqlx::query(
                "UPDATE tbl_operation_status SET status = 'SUCCESS', progress = 100, update_time = $2 WHERE id = $1",
            )
            .bind(&operation_id)
            .bind(at)
            .execute(conn)
            .await?;
        }
        OperationEvent::OperationFailed {
            operation_id,
            error,
            at,
        } => finish_failed(conn, &operation_id, &error, at).await?,
        OperationEvent::OperationCancelled {
            operation_id,
            by,
            at,
        } => {
            let message = cancelled_message(&by);
            sqlx::query(
                "UPDATE tbl_action_status SET status = 'FAILED', error_msg = $2, \
                 status_log = coalesce(status_log, '') || $3, update_time = $4 \
                 WHERE operation_id = $1 AND status = 'ONGOING'",
            )
            .bind(&operation_id)
            .bind(&message)
            .bind(line(at, &message))
            .bind(at)
            .execute(&mut *conn)
            .await?;
            finish_failed(conn, &operation_id, &message, at).await?;
        }
    }
    Ok(())
}

/// (action name, object type) of action `action` of the operation.
async fn action_def(
    conn: &mut PgConnection,
    operation_id: &str,
    action: usize,
) -> Result<Option<(&'static str, &'static str)>, sqlx::Error> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT operation_name FROM tbl_operation_status WHERE id = $1")
            .bind(operation_id)
            .fetch_optional(conn)
            .await?;
    Ok(name
        .as_deref()
        .and_then(kind_of)
        .and_then(|k| k.actions().get(action))
        .map(|d| (d.name, d.object_type)))
}

async fn finish_failed(
    conn: &mut PgConnection,
    operation_id: &str,
    error: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tbl_operation_status SET status = 'FAILED', error_msg = $2, update_time = $3 WHERE id = $1",
    )
    .bind(operation_id)
    .bind(error)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn update_action(
    conn: &mut PgConnection,
    operation_id: &str,
    action: usize,
    progress: Option<i32>,
    status: Option<&str>,
    error: Option<&str>,
    log_line: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tbl_action_status SET progress = coalesce($2, progress), status = coalesce($3, status), \
         error_msg = coalesce($4, error_msg), status_log = coalesce(status_log, '') || $5, update_time = $6 \
         WHERE id = $1",
    )
    .bind(action_id(operation_id, action))
    .bind(progress)
    .bind(status)
    .bind(error)
    .bind(log_line)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE tbl_operation_status SET update_time = $2 WHERE id = $1")
        .bind(operation_id)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}
