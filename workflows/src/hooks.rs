//! What the runner knows of each aggregate that runs operations: how to take one step of its
//! operation, and how to end one whose steps keep failing. One [`OperationHost`] impl per
//! aggregate, one line per aggregate in [`HOOKS`], which the runner is given when it is built; the
//! runner itself names no aggregate.

use cqrs_es::Aggregate;
use domain::application::{Application, ApplicationEvent};
use domain::container::{Container, ContainerEvent};
use domain::operation::{OperationEvent, OperationKind};
use domain::platform_container::PlatformContainer;
use domain::vm::{Vm, VmEvent};
use domain::vm_image::VmImage;

use crate::runner::{Hook, RunError, Running, StepFuture, Workflows};
use crate::steps::{failed, now, Advance};
use crate::{app_test, clean, container_launch, export, launch, vm_image};

/// An aggregate whose events start operations.
pub trait OperationHost: Aggregate {
    /// Takes one step of operation `op` on this aggregate; false once it has ended.
    fn advance<'a>(workflows: &'a Workflows, op: &'a Running) -> StepFuture<'a, bool>;

    /// Fails the operation (its current action and itself) with `message`, if it still runs.
    fn give_up<'a>(
        workflows: &'a Workflows,
        op: &'a Running,
        message: &'a str,
    ) -> StepFuture<'a, ()>;
}

const fn hook<A: OperationHost>() -> Hook {
    Hook {
        aggregate_type: A::TYPE,
        advance: A::advance,
        give_up: A::give_up,
    }
}

/// Every aggregate that runs operations (what a runner is built with, `RunnerParts::hooks`).
pub const HOOKS: &[Hook] = &[
    hook::<Vm>(),
    hook::<Application>(),
    hook::<VmImage>(),
    hook::<Container>(),
    hook::<PlatformContainer>(),
];

impl OperationHost for Vm {
    fn advance<'a>(workflows: &'a Workflows, op: &'a Running) -> StepFuture<'a, bool> {
        Box::pin(advance_vm(workflows, op))
    }

    fn give_up<'a>(
        workflows: &'a Workflows,
        op: &'a Running,
        message: &'a str,
    ) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let vm: Vm = workflows.load(&op.aggregate_id).await?;
            if let Some(state) = vm
                .operations
                .get(&op.operation_id)
                .filter(|s| !s.is_finished())
            {
                let index = state.actions.len().saturating_sub(1);
                let events = failed(state, index, message)
                    .into_iter()
                    .map(VmEvent::Operation)
                    .collect();
                workflows.record_vm(&op.aggregate_id, state, events).await?;
            }
            Ok(())
        })
    }
}

impl OperationHost for Application {
    fn advance<'a>(workflows: &'a Workflows, op: &'a Running) -> StepFuture<'a, bool> {
        Box::pin(async move {
            let app: Application = workflows.load(&op.aggregate_id).await?;
            let kind = app
                .state
                .as_ref()
                .and_then(|l| l.operations.get(&op.operation_id))
                .map(|s| s.kind);
            if kind == Some(OperationKind::AppTest) {
                app_test::advance(workflows, op, &app).await
            } else {
                clean::advance_clean_env(workflows, op, &app).await
            }
        })
    }

    fn give_up<'a>(
        workflows: &'a Workflows,
        op: &'a Running,
        message: &'a str,
    ) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let app: Application = workflows.load(&op.aggregate_id).await?;
            let state = app
                .state
                .as_ref()
                .and_then(|l| l.operations.get(&op.operation_id))
                .filter(|s| !s.is_finished());
            if let Some(state) = state {
                let index = state.actions.len().saturating_sub(1);
                let events = failed(state, index, message)
                    .into_iter()
                    .map(ApplicationEvent::Operation)
                    .collect();
                workflows
                    .record_app(&op.aggregate_id, state, events)
                    .await?;
            }
            Ok(())
        })
    }
}

impl OperationHost for VmImage {
    fn advance<'a>(workflows: &'a Workflows, op: &'a Running) -> StepFuture<'a, bool> {
        Box::pin(vm_image::advance(workflows, op))
    }

    fn give_up<'a>(
        workflows: &'a Workflows,
        op: &'a Running,
        message: &'a str,
    ) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let image: VmImage = workflows.load(&op.aggregate_id).await?;
            if let Some(state) = image
                .operations
                .get(&op.operation_id)
                .filter(|s| !s.is_finished())
            {
                let index = state.actions.len().saturating_sub(1);
                let events = vm_image::with_failure(state, index, message);
                workflows
                    .record_image(&op.aggregate_id, state, events)
                    .await?;
            }
            Ok(())
        })
    }
}

impl OperationHost for Container {
    fn advance<'a>(workflows: &'a Workflows, op: &'a Running) -> StepFuture<'a, bool> {
        Box::pin(advance_container(workflows, op))
    }

    fn give_up<'a>(
        workflows: &'a Workflows,
        op: &'a Running,
        message: &'a str,
    ) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let container: Container = workflows.load(&op.aggregate_id).await?;
            if let Some(state) = container
                .operations
                .get(&op.operation_id)
                .filter(|s| !s.is_finished())
            {
                let index = state.actions.len().saturating_sub(1);
                let events = failed(state, index, message)
                    .into_iter()
                    .map(ContainerEvent::Operation)
                    .collect();
                workflows
                    .record_container(&op.aggregate_id, state, events)
                    .await?;
            }
            Ok(())
        })
    }
}

impl OperationHost for PlatformContainer {
    fn advance<'a>(workflows: &'a Workflows, op: &'a Running) -> StepFuture<'a, bool> {
        Box::pin(crate::platform_container::advance(workflows, op))
    }

    fn give_up<'a>(
        workflows: &'a Workflows,
        op: &'a Running,
        message: &'a str,
    ) -> StepFuture<'a, ()> {
        Box::pin(crate::platform_container::give_up(workflows, op, message))
    }
}

/// One step of a container launch; false once it has ended.
async fn advance_container(workflows: &Workflows, op: &Running) -> Result<bool, RunError> {
    let container: Container = workflows.load(&op.aggregate_id).await?;
    let Some(state) = container.operations.get(&op.operation_id).cloned() else {
        return Ok(false);
    };
    if state.is_finished() {
        return Ok(false);
    }
    let advance = match state.next_action() {
        None => Advance::Record(vec![ContainerEvent::Operation(
            OperationEvent::OperationSucceeded {
                operation_id: state.id.clone(),
                at: now(),
            },
        )]),
        Some((index, false)) => Advance::Record(vec![ContainerEvent::Operation(
            OperationEvent::ActionStarted {
                operation_id: state.id.clone(),
                action: index,
                at: now(),
            },
        )]),
        Some((index, true)) if state.kind == OperationKind::ContainerLaunch => {
            container_launch::advance(workflows, &container, &state, index).await?
        }
        Some((index, _)) => Advance::Record(
            failed(
                &state,
                index,
                "this operation does not run on a container application",
            )
            .into_iter()
            .map(ContainerEvent::Operation)
            .collect(),
        ),
    };
    match advance {
        Advance::Record(events) => {
            workflows
                .record_container(&op.aggregate_id, &state, events)
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

/// One step of a VM operation (launch, export); false once it has ended.
async fn advance_vm(workflows: &Workflows, op: &Running) -> Result<bool, RunError> {
    let vm: Vm = workflows.load(&op.aggregate_id).await?;
    let Some(state) = vm.operations.get(&op.operation_id).cloned() else {
        return Ok(false);
    };
    if state.is_finished() {
        return Ok(false);
    }
    let advance = match state.next_action() {
        None => Advance::Record(vec![VmEvent::Operation(
            OperationEvent::OperationSucceeded {
                operation_id: state.id.clone(),
                at: now(),
            },
        )]),
        Some((index, false)) => {
            Advance::Record(vec![VmEvent::Operation(OperationEvent::ActionStarted {
                operation_id: state.id.clone(),
                action: index,
                at: now(),
            })])
        }
        Some((index, true)) => match state.kind {
            OperationKind::VmLaunch => {
                launch::advance(workflows, &op.aggregate_id, &vm, &state, index).await?
            }
            OperationKind::VmExportImage => {
                export::advance(workflows, &op.aggregate_id, &vm, &state, index).await?
            }
            // Clean-env runs on the application, image operations on the image, never on a
            // VM: end it rather than spin.
            OperationKind::CleanEnv
            | OperationKind::VmImageMerge
            | OperationKind::VmImageSlim
            | OperationKind::ContainerLaunch
            | OperationKind::ContainerStart
            | OperationKind::ContainerStop
            | OperationKind::ContainerPause
            | OperationKind::ContainerResume
            | OperationKind::ContainerRestart
            | OperationKind::ContainerRemove
            | OperationKind::AppTest => Advance::Record(
                failed(&state, index, "this operation does not run on a VM")
                    .into_iter()
                    .map(VmEvent::Operation)
                    .collect(),
            ),
        },
    };
    match advance {
        Advance::Record(events) => workflows.record_vm(&op.aggregate_id, &state, events).await,
        Advance::Poll => {
            workflows.pause().await;
            Ok(true)
        }
        Advance::Recorded => Ok(true),
        Advance::Stopped => Ok(false),
    }
}
