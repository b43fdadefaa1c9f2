//! What runs against the orchestrator for the container platform's containers:
//!
//! - the lifecycle operations (start, stop, pause, resume, restart): "Call Orchestrator" brings
//!   the Deployment to the action's replicas and pause flag — after asking what it is now, so a
//!   step resumed after a crash does not call twice — then "Observe Status" polls until the pod
//!   shows the action's status and records the change (by the user, with the operation), or
//!   records what it shows instead (a crash loop, a failure: by Kubernetes) and fails;
//! - the removal of a deleted container's Deployment;
//! - the watcher, which records what the orchestrator reports between actions, and samples the
//!   resource usage of running containers (telemetry, ADR 0019).

use std::time::Duration;

use commands::{CommandError, CommandOptions};
use domain::operation::{OperationEvent, OperationKind, OperationState};
use domain::platform_container::{
    status_of, ContainerSpec, ContainerStatus, PlatformContainer,
    PlatformContainerAction as Action, PlatformContainerCommand, PlatformContainerError,
    PlatformContainerEvent as E, StatusChange, TriggeredBy, Verb,
};
use domain::ports::{Deployment, PodVolume, UsageSample, VolumeSource};
use domain::quantity::Quantity;
use domain::volume::{Volume, VolumeType};
use domain::{Actor, Role};
use projections::read_models::platform_containers::usage;

use crate::runner::{RunError, Running, Workflows};
use crate::steps::{actor_of, failed, metadata_of, no_response, now, past_deadline, succeeded};

/// What one step decided.
enum Step {
    Record(Vec<E>),
    Poll,
}

fn operation(events: Vec<OperationEvent>) -> Vec<E> {
    events.into_iter().map(E::Operation).collect()
}

/// One step of a container's operation; false once it has ended.
pub async fn advance(workflows: &Workflows, op: &Running) -> Result<bool, RunError> {
    let container: PlatformContainer = workflows.load(&op.aggregate_id).await?;
    let Some(state) = container.operations.get(&op.operation_id).cloned() else {
        return Ok(false);
    };
    if state.is_finished() {
        return Ok(false);
    }
    let step = match state.next_action() {
        None => Step::Record(vec![E::Operation(OperationEvent::OperationSucceeded {
            operation_id: state.id.clone(),
            at: now(),
        })]),
        Some((index, false)) => Step::Record(vec![E::Operation(OperationEvent::ActionStarted {
            operation_id: state.id.clone(),
            action: index,
            at: now(),
        })]),
        Some((index, true)) => match (state.kind, Verb::of_operation(state.kind)) {
            (_, Some(verb)) if index == 0 => call(workflows, &container, &state, verb).await,
            (_, Some(verb)) => observe(workflows, &container, &state, verb).await,
            (OperationKind::ContainerRemove, None) => remove(workflows, &container, &state).await,
            _ => Step::Record(operation(failed(
                &state,
                index,
                "this operation does not run on a container of the platform",
            ))),
        },
    };
    match step {
        Step::Record(events) => record(workflows, &op.aggregate_id, &state, events).await,
        Step::Poll => {
            workflows.pause().await;
            Ok(true)
        }
    }
}

/// The names the orchestrator knows the container by.
fn names(container: &PlatformContainer) -> (&str, &str) {
    let name = container.spec.as_ref().map_or("", |s| s.name.as_str());
    (container.kubernetes_namespace.as_str(), name)
}

/// "Call Orchestrator": the Deployment at the action's replicas and pause flag.
async fn call(
    workflows: &Workflows,
    container: &PlatformContainer,
    op: &OperationState,
    verb: Verb,
) -> Step {
    let (namespace, name) = names(container);
    let Some(spec) = container.spec.clone() else {
        return Step::Record(operation(failed(op, 0, "the container has no spec")));
    };
    let orchestrator = workflows.orchestrator();
    let now_there = match orchestrator.observe(namespace, name).await {
        Ok(report) => report,
        Err(e) => return Step::Record(operation(failed(op, 0, &e.to_string()))),
    };
    let (replicas, paused) = verb.desired();
    let restarted_at = if verb == Verb::Restart {
        Some(op.requested_at.to_rfc3339())
    } else {
        now_there.restarted_at.clone()
    };
    let done = now_there.exists
        && now_there.replicas == replicas
        && now_there.paused == paused
        && now_there.restarted_at == restarted_at
        && verb != Verb::Start;
    if !done {
        let volumes = match pod_volumes(workflows, &spec).await {
            Ok(volumes) => volumes,
            Err(e) => return Step::Record(operation(failed(op, 0, &e))),
        };
        let workload = Deployment {
            namespace: namespace.to_owned(),
            image: container.image_reference.clone(),
            spec,
            replicas,
            paused,
            restarted_at,
            volumes,
        };
        if let Err(e) = orchestrator.apply(&workload).await {
            return Step::Record(operation(failed(op, 0, &e.to_string())));
        }
    }
    let log = format!(
        "deployment {namespace}/{name}: {replicas} replica(s){}",
        if paused { ", paused" } else { "" }
    );
    Step::Record(vec![E::Operation(succeeded(op, 0, &log))])
}

/// The volumes the spec's mounts name, as the pod mounts them.
async fn pod_volumes(
    workflows: &Workflows,
    spec: &ContainerSpec,
) -> Result<Vec<PodVolume>, String> {
    let mut volumes = Vec::new();
    for mount in &spec.volume_mounts {
        if volumes.iter().any(|v: &PodVolume| v.id == mount.volume_id) {
            continue;
        }
        let volume: Volume = workflows
            .load(&mount.volume_id.to_string())
            .await
            .map_err(|e| e.to_string())?;
        let fields = volume
            .fields
            .filter(|_| !volume.deleted)
            .ok_or_else(|| format!("volume {} no longer exists", mount.volume_id))?;
        let source = match fields.volume_type {
            VolumeType::PersistentVolumeClaim => VolumeSource::Claim {
                claim_name: fields.name,
            },
            VolumeType::ConfigMap => VolumeSource::ConfigMap {
                name: fields.source_name.unwrap_or_default(),
            },
            VolumeType::Secret => VolumeSource::Secret {
                name: fields.source_name.unwrap_or_default(),
            },
            VolumeType::HostPath => VolumeSource::HostPath {
                path: fields.host_path.unwrap_or_default(),
            },
            VolumeType::EmptyDir => VolumeSource::EmptyDir {
                size_limit: fields.size,
            },
        };
        volumes.push(PodVolume {
            id: mount.volume_id,
            source,
        });
    }
    Ok(volumes)
}

/// "Observe Status": waits for the pod to show the action's status.
async fn observe(
    workflows: &Workflows,
    container: &PlatformContainer,
    op: &OperationState,
    verb: Verb,
) -> Step {
    let (namespace, name) = names(container);
    let report = match workflows.orchestrator().observe(namespace, name).await {
        Ok(report) => report,
        Err(e) => return Step::Record(operation(failed(op, 1, &e.to_string()))),
    };
    let target = verb.target();
    let seen = status_of(&report);
    let pod = report.pod.clone().map(|p| p.bounded());
    let mut events = Vec::new();
    if pod != container.pod {
        events.push(E::PlatformContainerPodReported { pod: pod.clone() });
    }
    let change = |current: ContainerStatus, by: TriggeredBy, reason: Option<String>| {
        E::PlatformContainerStatusChanged {
            change: StatusChange {
                previous: Some(container.status),
                current,
                reason,
                message: pod.as_ref().and_then(|p| p.message.clone()),
                triggered_by: by,
                user_id: op.user_id.parse().ok(),
                operation_id: Some(op.id.clone()),
            },
        }
    };
    match seen {
        Some(status) if status == target => {
            events.push(change(
                target,
                TriggeredBy::User,
                Some(format!("{} by user", verb.past())),
            ));
            events.push(E::Operation(succeeded(
                op,
                1,
                &format!("container {}", target.as_str()),
            )));
            events.push(E::Operation(OperationEvent::OperationSucceeded {
                operation_id: op.id.clone(),
                at: now(),
            }));
            Step::Record(events)
        }
        Some(status @ (ContainerStatus::CrashLoopBackOff | ContainerStatus::Failed))
            if target == ContainerStatus::Running =>
        {
            let reason = pod.as_ref().and_then(|p| p.reason.clone());
            if status != container.status {
                events.push(change(status, TriggeredBy::Kubernetes, reason.clone()));
            }
            let message = format!(
                "the container is {} ({})",
                status.as_str(),
                reason.as_deref().unwrap_or("no reason given")
            );
            events.extend(operation(failed(op, 1, &message)));
            Step::Record(events)
        }
        _ => {
            let started = op.actions.get(1).map(|a| a.started_at);
            if started.is_some_and(|at| past_deadline(at, workflows.deadlines().container_status)) {
                let message = format!("the container did not become {} in time", target.as_str());
                events.extend(operation(failed(op, 1, &message)));
                return Step::Record(events);
            }
            if events.is_empty() {
                Step::Poll
            } else {
                Step::Record(events)
            }
        }
    }
}

/// "Remove Workload": the deleted container's Deployment goes.
async fn remove(workflows: &Workflows, container: &PlatformContainer, op: &OperationState) -> Step {
    let (namespace, name) = names(container);
    match workflows.orchestrator().remove(namespace, name).await {
        Ok(()) => Step::Record(vec![
            E::Operation(succeeded(
                op,
                0,
                &format!("deployment {namespace}/{name} deleted"),
            )),
            E::Operation(OperationEvent::OperationSucceeded {
                operation_id: op.id.clone(),
                at: now(),
            }),
        ]),
        Err(e) => Step::Record(operation(failed(op, 0, &e.to_string()))),
    }
}

/// Records a step; false when the operation has ended meanwhile (cancelled).
pub async fn record(
    workflows: &Workflows,
    id: &str,
    op: &OperationState,
    events: Vec<E>,
) -> Result<bool, RunError> {
    let command = PlatformContainerCommand {
        actor: actor_of(op),
        action: Action::Step {
            operation_id: op.id.clone(),
            events,
        },
    };
    match workflows
        .executor()
        .execute::<PlatformContainer, _>(
            id,
            command,
            &(),
            &metadata_of(op),
            &CommandOptions::default(),
            no_response,
        )
        .await
    {
        Ok(_) => Ok(true),
        Err(CommandError::Rejected(PlatformContainerError::Operation(_))) => Ok(false),
        Err(other) => Err(RunError::Command(other.to_string())),
    }
}

/// Fails the operation with `message`, if it still runs.
pub async fn give_up(workflows: &Workflows, op: &Running, message: &str) -> Result<(), RunError> {
    let container: PlatformContainer = workflows.load(&op.aggregate_id).await?;
    if let Some(state) = container
        .operations
        .get(&op.operation_id)
        .filter(|s| !s.is_finished())
    {
        let index = state.actions.len().saturating_sub(1);
        record(
            workflows,
            &op.aggregate_id,
            state,
            operation(failed(state, index, message)),
        )
        .await?;
    }
    Ok(())
}

/// How many containers the watcher asks about per read of the read model.
const WATCH_PAGE: i64 = 200;

/// The watcher: every `every`, asks the orchestrator about each container and records what
/// changed (as Kubernetes' doing) on a container no action runs on. Stops at shutdown.
pub async fn watch(workflows: Workflows, every: Duration) {
    let actor = Actor::new("system", "system", vec![Role::Admin]);
    loop {
        if workflows.sleep_or_shutdown(every).await {
            return;
        }
        if let Err(e) = watch_once(&workflows, &actor).await {
            tracing::warn!(error = %e, "container watch pass failed");
        }
    }
}

/// One pass of the watcher over every container.
pub async fn watch_once(workflows: &Workflows, actor: &Actor) -> Result<(), RunError> {
    let mut after = 0;
    loop {
        let ids = projections::read_models::platform_containers::query::ids(
            workflows.pool(),
            after,
            WATCH_PAGE,
        )
        .await?;
        let Some(last) = ids.last() else {
            return Ok(());
        };
        after = *last;
        let mut samples = Vec::new();
        for number in ids {
            let id = number.to_string();
            let container: PlatformContainer = workflows.load(&id).await?;
            if container.live().is_none() || container.operations.ongoing().is_some() {
                continue;
            }
            let (namespace, name) = names(&container);
            if container.status == ContainerStatus::Running {
                if let Ok(Some(usage)) = workflows.orchestrator().usage(namespace, name).await {
                    samples.push(sample(number, &container, usage));
                }
            }
            let Ok(mut report) = workflows.orchestrator().observe(namespace, name).await else {
                continue;
            };
            report.pod = report.pod.map(|p| p.bounded());
            let unchanged = status_of(&report).is_none_or(|s| s == container.status)
                && (!report.exists || report.pod == container.pod);
            if unchanged {
                continue;
            }
            let command = PlatformContainerCommand {
                actor: actor.clone(),
                action: Action::Observe { report },
            };
            let metadata = commands::CommandMetadata::system(actor);
            let outcome = workflows
                .executor()
                .execute::<PlatformContainer, _>(
                    &id,
                    command,
                    &(),
                    &metadata,
                    &CommandOptions::default(),
                    no_response,
                )
                .await;
            if let Err(e) = outcome {
                tracing::debug!(container = %id, error = %e, "a watched change was not recorded");
            }
        }
        usage::insert(workflows.pool(), &samples).await?;
    }
}

/// A usage sample of a running container: what the orchestrator measured, against the
/// container's requests and limits.
fn sample(id: i64, container: &PlatformContainer, usage: UsageSample) -> usage::Sample {
    let spec = container.spec.as_ref();
    let cores = |q: Option<&String>| {
        q.and_then(|t| Quantity::parse(t).ok())
            .map(|q| q.millis() as f64 / 1000.0)
    };
    let bytes = |q: Option<&String>| {
        q.and_then(|t| Quantity::parse(t).ok())
            .and_then(|q| i64::try_from(q.millis() / 1000).ok())
    };
    let cpu_limit = cores(spec.and_then(|s| s.cpu_limit.as_ref()));
    let memory_limit = bytes(spec.and_then(|s| s.memory_limit.as_ref()));
    let percent = |used: f64, limit: f64| ((used / limit) * 100.0).clamp(0.0, 999.99);
    usage::Sample {
        container_id: id,
        timestamp: now(),
        cpu_cores_used: Some(usage.cpu_cores),
        cpu_cores_request: cores(spec.and_then(|s| s.cpu_request.as_ref())),
        cpu_cores_limit: cpu_limit,
        cpu_usage_percent: cpu_limit
            .filter(|l| *l > 0.0)
            .map(|l| percent(usage.cpu_cores, l)),
        memory_bytes_used: Some(usage.memory_bytes),
        memory_bytes_request: bytes(spec.and_then(|s| s.memory_request.as_ref())),
        memory_bytes_limit: memory_limit,
        memory_usage_percent: memory_limit
            .filter(|l| *l > 0)
            .map(|l| percent(usage.memory_bytes as f64, l as f64)),
        ..usage::Sample::default()
    }
}
