//! Cleaning instances off their host: terminate the app instance, delete the package from the
//! host and from LCM, delete an exported image on the host (reference 2.3), then record
//! `InstanceCleaned` (instantiate and export info deleted, addresses freed) with a host log row.
//! Used by the clean-env operation (one action, "Clean Sandbox Environment", progress per VM) and
//! by VM delete; a container application's instance (terminate, delete the package) is cleaned
//! the same way. A "not found" from LCM counts as already gone.

use commands::{CommandError, CommandMetadata, CommandOptions};
use domain::application::{AppStatus, Application, ApplicationEvent};
use domain::container::{Container, ContainerAction, ContainerCommand};
use domain::operation::{OperationEvent, OperationState};
use domain::ports::LcmError;
use domain::vm::{HostLogEntry, Vm, VmAction, VmCommand};
use domain::Actor;

use crate::runner::{RunError, Running, Workflows};
use crate::steps::{actor_of, failed, metadata_of, now, progressed, succeeded};

fn gone_is_fine(result: Result<(), LcmError>) -> Result<(), LcmError> {
    match result {
        Err(LcmError::Rejected { status: 404, .. }) => Ok(()),
        other => other,
    }
}

/// Where an instance runs: its host's controller, the tenant, the host.
pub struct OnHost<'a> {
    pub at: &'a domain::ports::LcmEndpoint,
    pub tenant: &'a str,
    pub host_ip: &'a str,
}

/// Terminates an app instance and deletes its package from the host and from LCM (what exists
/// of them); a "not found" counts as already gone. `Err` carries a message for people.
pub async fn remove_from_host(
    workflows: &Workflows,
    on: &OnHost<'_>,
    instance: Option<&str>,
    package: Option<&str>,
) -> Result<(), String> {
    let lcm = workflows.lcm();
    if let Some(instance) = instance {
        gone_is_fine(lcm.terminate(on.at, on.tenant, instance).await)
            .map_err(|e| format!("terminate app instance failed: {e}"))?;
    }
    if let Some(package) = package {
        gone_is_fine(
            lcm.delete_package(on.at, on.tenant, package, on.host_ip)
                .await,
        )
        .map_err(|e| format!("delete package failed: {e}"))?;
    }
    Ok(())
}

/// Removes the VM's instance from its host and records it. `Err` carries a message for people.
pub async fn clean_instance(
    workflows: &Workflows,
    vm_id: &str,
    vm: &Vm,
    actor: &Actor,
    metadata: &CommandMetadata,
) -> Result<(), String> {
    if let (Some(plan), Some(info)) = (&vm.plan, &vm.instance) {
        let lcm = workflows.lcm();
        let (at, tenant, host_ip) = (
            &plan.host.lcm,
            plan.tenant.as_str(),
            plan.host.mec_host_ip.as_str(),
        );
        let on_host = OnHost {
            at,
            tenant,
            host_ip,
        };
        remove_from_host(
            workflows,
            &on_host,
            info.app_instance_id.as_deref(),
            info.mepm_package_id.as_deref(),
        )
        .await?;
        if let Some(image) = vm
            .export
            .as_ref()
            .and_then(|e| e.image_instance_id.as_ref())
        {
            gone_is_fine(lcm.delete_image(at, tenant, host_ip, image).await)
                .map_err(|e| format!("delete image failed: {e}"))?;
        }
    }
    let log = vm.plan.as_ref().map(|plan| {
        clean_entry(
            &plan.host,
            (&plan.app_id, &plan.app_name, &plan.app_instance_id),
            actor,
        )
    });
    let command = VmCommand {
        actor: actor.clone(),
        action: VmAction::CleanInstance { log },
    };
    workflows
        .executor()
        .execute::<Vm, _>(
            vm_id,
            command,
            &(),
            metadata,
            &CommandOptions::default(),
            |_, _| commands::StoredResponse {
                status: 200,
                body: serde_json::Value::Null,
            },
        )
        .await
        .map(|_| ())
        .map_err(|e: CommandError<_>| e.to_string())
}

/// The host log row of a clean-up of (application id, name, instance id) on `host`.
fn clean_entry(
    host: &domain::vm::HostSnapshot,
    (app_id, app_name, app_instance_id): (&str, &str, &str),
    actor: &Actor,
) -> Box<HostLogEntry> {
    Box::new(HostLogEntry {
        log_id: uuid::Uuid::new_v4().to_string(),
        host_id: host.id.clone(),
        host_ip: host.mec_host_ip.clone(),
        user_id: actor.user_id.clone(),
        user_name: actor.user_name.clone(),
        app_id: app_id.to_owned(),
        app_name: app_name.to_owned(),
        app_instance_id: app_instance_id.to_owned(),
        operation: "clean".into(),
        status: "SUCCESS".into(),
        at: now(),
    })
}

/// Removes a container application's instance from its host and records it. `Err` carries a
/// message for people.
pub async fn clean_container(
    workflows: &Workflows,
    app_id: &str,
    container: &Container,
    actor: &Actor,
    metadata: &CommandMetadata,
) -> Result<(), String> {
    let (Some(plan), Some(info)) = (&container.plan, &container.instance) else {
        return Ok(());
    };
    let on_host = OnHost {
        at: &plan.host.lcm,
        tenant: &plan.tenant,
        host_ip: &plan.host.mec_host_ip,
    };
    remove_from_host(
        workflows,
        &on_host,
        info.app_instance_id.as_deref(),
        info.mepm_package_id.as_deref(),
    )
    .await?;
    let log = clean_entry(
        &plan.host,
        (&plan.app_id, &plan.app_name, &plan.app_instance_id),
        actor,
    );
    let command = ContainerCommand {
        actor: actor.clone(),
        action: ContainerAction::CleanInstance { log: Some(log) },
    };
    workflows
        .executor()
        .execute::<Container, _>(
            app_id,
            command,
            &(),
            metadata,
            &CommandOptions::default(),
            crate::steps::no_response,
        )
        .await
        .map(|_| ())
        .map_err(|e: CommandError<_>| e.to_string())
}

/// One step of a clean-env operation; false once it has ended.
pub async fn advance_clean_env(
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
    let app_id = running.aggregate_id.as_str();
    let events = match op.next_action() {
        None => vec![OperationEvent::OperationSucceeded {
            operation_id: op.id.clone(),
            at: now(),
        }],
        Some((index, false)) => vec![OperationEvent::ActionStarted {
            operation_id: op.id.clone(),
            action: index,
            at: now(),
        }],
        Some((index, true)) => return clean_all(workflows, app_id, live, &op, index).await,
    };
    workflows
        .record_app(
            app_id,
            &op,
            events
                .into_iter()
                .map(ApplicationEvent::Operation)
                .collect(),
        )
        .await
}

async fn clean_all(
    workflows: &Workflows,
    app_id: &str,
    live: &domain::application::LiveApplication,
    op: &OperationState,
    index: usize,
) -> Result<bool, RunError> {
    let actor = actor_of(op);
    let metadata = metadata_of(op);
    let total = live.vms.len().max(1);
    for (i, config) in live.vms.iter().enumerate() {
        let vm: Vm = workflows.load(&config.id).await?;
        if vm.holds_host_resources() {
            if let Err(error) = clean_instance(workflows, &config.id, &vm, &actor, &metadata).await
            {
                let error = format!("clean vm {} failed: {error}", config.spec.name);
                let events = failed(op, index, &error)
                    .into_iter()
                    .map(ApplicationEvent::Operation)
                    .collect();
                workflows.record_app(app_id, op, events).await?;
                return Ok(false);
            }
        }
        let progress = ((i + 1) * 100 / total).min(99) as i32;
        let log = format!("vm {} cleaned", config.spec.name);
        if !workflows
            .record_app(
                app_id,
                op,
                vec![ApplicationEvent::Operation(progressed(
                    op, index, progress, &log,
                ))],
            )
            .await?
        {
            return Ok(false);
        }
    }
    let container: Container = workflows.load(app_id).await?;
    if container.instance.is_some() {
        if let Err(error) = clean_container(workflows, app_id, &container, &actor, &metadata).await
        {
            let error = format!("clean container application failed: {error}");
            let events = failed(op, index, &error)
                .into_iter()
                .map(ApplicationEvent::Operation)
                .collect();
            workflows.record_app(app_id, op, events).await?;
            return Ok(false);
        }
    }
    // As the original: nothing configured (no VMs, no charts) leaves the application CREATED,
    // otherwise CONFIGURED; a released application keeps its status.
    let target = if live.vms.is_empty() && live.helm_charts.is_empty() {
        AppStatus::Created
    } else {
        AppStatus::Configured
    };
    let mut events = Vec::new();
    if live.status != AppStatus::Released && live.status != target {
        events.push(ApplicationEvent::ApplicationStatusChanged {
            from: live.status,
            to: target,
        });
    }
    events.push(ApplicationEvent::Operation(succeeded(
        op,
        index,
        "sandbox cleaned",
    )));
    events.push(ApplicationEvent::Operation(
        OperationEvent::OperationSucceeded {
            operation_id: op.id.clone(),
            at: now(),
        },
    ));
    workflows.record_app(app_id, op, events).await?;
    Ok(false)
}
