//! Cleaning instances off their host: terminate the app instance, delete the package from the
//! host and from LCM, delete an exported image on the host (reference 2.3), then record
//! `InstanceCleaned` (instantiate and export info deleted, addresses freed) with a host log row.
//! Used by the clean-env operation (one action, "Clean Sandbox Environment", progress per VM) and
//! by VM delete. A "not found" from LCM counts as already gone.

use commands::{CommandError, CommandMetadata, CommandOptions};
use domain::application::{AppStatus, Application, ApplicationEvent};
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
        if let Some(instance) = &info.app_instance_id {
            gone_is_fine(lcm.terminate(at, tenant, instance).await)
                .map_err(|e| format!("terminate app instance failed: {e}"))?;
        }
        if let Some(package) = &info.mepm_package_id {
            gone_is_fine(lcm.delete_package(at, tenant, package, host_ip).await)
                .map_err(|e| format!("delete package failed: {e}"))?;
        }
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
        Box::new(HostLogEntry {
            log_id: uuid::Uuid::new_v4().to_string(),
            host_id: plan.host.id.clone(),
            host_ip: plan.host.mec_host_ip.clone(),
            user_id: actor.user_id.clone(),
            user_name: actor.user_name.clone(),
            app_id: plan.app_id.clone(),
            app_name: plan.app_name.clone(),
            app_instance_id: plan.app_instance_id.clone(),
            operation: "clean".into(),
            status: "SUCCESS".into(),
            at: now(),
        })
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

/// One step of a clean-env operation; false once it has ended.
pub async fn advance_clean_env(workflows: &Workflows, running: &Running) -> Result<bool, RunError> {
    let app: Application = workflows.load(&running.aggregate_id).await?;
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
    // As the original: no VMs leaves the application CREATED, otherwise CONFIGURED; a released
    // application keeps its status.
    let target = if live.vms.is_empty() {
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
