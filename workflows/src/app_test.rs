//! The "Application Test" operation: one action, "Poll Test Task", that asks the test platform
//! for the task's status every poll interval and records each new one (`TestTaskStatusChanged`,
//! progress 10 while waiting, 50 while running) until it is final: `success` ends the operation
//! in SUCCESS, any other final status in FAILED naming it. A platform that cannot be reached is
//! asked again; one that no longer knows the task, or no final status before the deadline,
//! fails the operation. Each poll asks first, so a resumed operation records nothing twice.

use domain::application::testing::TestTask;
use domain::application::{Application, ApplicationEvent};
use domain::operation::{OperationEvent, OperationState};
use domain::ports::test_platform::{is_final, passed};
use domain::ports::TestPlatformError;

use crate::runner::{RunError, Running, Workflows};
use crate::steps::{failed, now, past_deadline, progressed, succeeded, Advance};

fn ops(events: Vec<OperationEvent>) -> Vec<ApplicationEvent> {
    events
        .into_iter()
        .map(ApplicationEvent::Operation)
        .collect()
}

/// Takes one step of the test operation on application `app` (`running.aggregate_id`).
pub async fn advance(
    workflows: &Workflows,
    running: &Running,
    app: &Application,
) -> Result<bool, RunError> {
    let Some(live) = app.state.as_ref() else {
        return Ok(false);
    };
    let Some(op) = live.operations.get(&running.operation_id).cloned() else {
        return Ok(false);
    };
    if op.is_finished() {
        return Ok(false);
    }
    let task = live.test_tasks.iter().find(|t| t.operation_id == op.id);
    let advance = match (op.next_action(), task) {
        (None, _) => Advance::Record(ops(vec![OperationEvent::OperationSucceeded {
            operation_id: op.id.clone(),
            at: now(),
        }])),
        (Some((index, false)), _) => Advance::Record(ops(vec![OperationEvent::ActionStarted {
            operation_id: op.id.clone(),
            action: index,
            at: now(),
        }])),
        (Some((index, true)), Some(task)) => poll(workflows, &op, index, task).await,
        (Some((index, true)), None) => {
            Advance::Record(ops(failed(&op, index, "the operation has no test task")))
        }
    };
    match advance {
        Advance::Record(events) => {
            workflows
                .record_app(&running.aggregate_id, &op, events)
                .await
        }
        Advance::Poll => {
            workflows.pause().await;
            Ok(true)
        }
        Advance::Recorded => Ok(true),
        Advance::Stopped => Ok(false),
    }
}

/// Asks for the task's status: the events to record (the status first, when it changed), or
/// nothing new yet.
async fn poll(
    workflows: &Workflows,
    op: &OperationState,
    index: usize,
    task: &TestTask,
) -> Advance<ApplicationEvent> {
    let started = op
        .actions
        .get(index)
        .map_or(op.requested_at, |a| a.started_at);
    let overdue = past_deadline(started, workflows.deadlines().test_task);
    let status = match workflows.test_platform().task_status(&task.id).await {
        Ok(status) => status.to_ascii_lowercase(),
        Err(TestPlatformError::Unreachable(reason)) if !overdue => {
            tracing::warn!(operation = %op.id, %reason, "test platform unreachable; polling again");
            return Advance::Poll;
        }
        Err(error) => {
            let message = format!("query test task {} failed: {error}", task.id);
            return Advance::Record(ops(failed(op, index, &message)));
        }
    };
    let mut events = Vec::new();
    if status != task.status {
        events.push(ApplicationEvent::TestTaskStatusChanged {
            task_id: task.id.clone(),
            status: status.clone(),
        });
    }
    if passed(&status) {
        events.push(ApplicationEvent::Operation(succeeded(
            op,
            index,
            "the test task succeeded",
        )));
        events.push(ApplicationEvent::Operation(
            OperationEvent::OperationSucceeded {
                operation_id: op.id.clone(),
                at: now(),
            },
        ));
    } else if is_final(&status) {
        let message = format!("the test task ended {status}");
        events.extend(ops(failed(op, index, &message)));
    } else if overdue {
        let message = format!("the test task is still {status} past the deadline");
        events.extend(ops(failed(op, index, &message)));
    } else if status != task.status {
        let progress = if status == "running" { 50 } else { 10 };
        let log = format!("test task {status}");
        events.push(ApplicationEvent::Operation(progressed(
            op, index, progress, &log,
        )));
    }
    if events.is_empty() {
        Advance::Poll
    } else {
        Advance::Record(events)
    }
}
