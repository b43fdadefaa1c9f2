//! The older project model's columns the newer facts fill: `last_test_id` (the newest test
//! task), `open_capability_id` (the first capability a release registered: what the project
//! opened to others) and `capabilities` (a JSON array of the capability ids it requires, kept in
//! order of requirement). Written after the batch's rows, so a row created in the same batch
//! is there.

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as Kind};

use crate::runtime::{LogEvent, ProjectionError};

const EVENTS: &[Kind] = &[
    Kind::TestTaskCreated,
    Kind::ApplicationReleased,
    Kind::ServiceRequiredAdded,
    Kind::ServiceRequiredDeleted,
];
const LAST_TEST: &str = "UPDATE tbl_app_project SET last_test_id = $2 WHERE id = $1";
const OPENED: &str = "UPDATE tbl_app_project SET open_capability_id = $2 WHERE id = $1";
const REQUIRED: &str = "UPDATE tbl_app_project SET capabilities = \
    (COALESCE(capabilities, '[]')::jsonb || to_jsonb($2::text))::text \
    WHERE id = $1 AND NOT (COALESCE(capabilities, '[]')::jsonb ? $2)";
const UNREQUIRED: &str = "UPDATE tbl_app_project SET capabilities = \
    (COALESCE(capabilities, '[]')::jsonb - $2::text)::text WHERE id = $1";

/// Writes the older columns the batch's events change, one statement per such event (they are
/// rare: a test, a release, a required capability).
pub(super) async fn write(conn: &Conn, events: &[LogEvent]) -> Result<(), ProjectionError> {
    for event in events.iter().filter(|e| {
        e.aggregate_type == Application::TYPE && EVENTS.iter().any(|k| k.name() == e.event_type)
    }) {
        let id = event.aggregate_id.as_str();
        match event.decode::<ApplicationEvent>()? {
            ApplicationEvent::TestTaskCreated { task } => {
                conn.execute(LAST_TEST, &[&id, &task.id]).await?;
            }
            ApplicationEvent::ApplicationReleased { release } => {
                if let Some(first) = release.capabilities.first() {
                    conn.execute(OPENED, &[&id, &first.id]).await?;
                }
            }
            ApplicationEvent::ServiceRequiredAdded { service } => {
                conn.execute(REQUIRED, &[&id, &service.id]).await?;
            }
            ApplicationEvent::ServiceRequiredDeleted { capability_id } => {
                conn.execute(UNREQUIRED, &[&id, &capability_id]).await?;
            }
            _ => {}
        }
    }
    Ok(())
}
