//! The VM image export (reference section 3, 2.4): "Create Image" (0-50) asks the host's
//! resource controller for an image of the running VM and polls its compress task; "Download
//! Image" (50-100) waits for the file server's check (a checksum; three empty answers fail it),
//! then registers the image as a new private VM image and marks the VM EXPORTED. On failure the
//! image on the host is deleted (best effort).

use domain::operation::{OperationEvent, OperationState};
use domain::vm::{ExportInfo, ExportedImage, InstantiateInfo, LaunchPlan, Vm, VmEvent, VmStatus};

use crate::runner::{RunError, Workflows};
use crate::steps::{failed, now, past_deadline, progressed, succeeded, Advance};

/// The export info of this operation (a new one if the last export was another operation's).
fn current(vm: &Vm, op: &OperationState) -> ExportInfo {
    match &vm.export {
        Some(info) if info.operation_id == op.id => info.clone(),
        _ => ExportInfo {
            operation_id: op.id.clone(),
            create_time: Some(op.requested_at),
            ..ExportInfo::default()
        },
    }
}

fn info_event(info: &ExportInfo, change: impl FnOnce(&mut ExportInfo)) -> VmEvent {
    let mut next = info.clone();
    change(&mut next);
    VmEvent::ImageExportInfoRecorded { info: next }
}

async fn fail(
    workflows: &Workflows,
    vm: &Vm,
    op: &OperationState,
    index: usize,
    info: &ExportInfo,
    error: &str,
) -> Advance {
    if let (Some(plan), Some(image)) = (&vm.plan, &info.image_instance_id) {
        if let Err(e) = workflows
            .lcm()
            .delete_image(&plan.host.lcm, &plan.tenant, &plan.host.mec_host_ip, image)
            .await
        {
            tracing::warn!(image = %image, error = %e, "could not delete the failed export's image");
        }
    }
    let mut events = vec![info_event(info, |i| {
        i.status = Some("FAILED".into());
        i.log = Some(error.to_owned());
    })];
    events.extend(failed(op, index, error).into_iter().map(VmEvent::Operation));
    Advance::Record(events)
}

/// What both actions of an export work with.
struct Export<'a> {
    workflows: &'a Workflows,
    vm_id: &'a str,
    vm: &'a Vm,
    op: &'a OperationState,
    index: usize,
    plan: &'a LaunchPlan,
    instance: &'a InstantiateInfo,
    info: ExportInfo,
}

impl Export<'_> {
    /// Fails this action and the export, recording `error` on the export info.
    async fn fail(&self, error: &str) -> Advance {
        fail(
            self.workflows,
            self.vm,
            self.op,
            self.index,
            &self.info,
            error,
        )
        .await
    }
}

/// Takes the next step of action `index` of the export.
pub async fn advance(
    workflows: &Workflows,
    vm_id: &str,
    vm: &Vm,
    op: &OperationState,
    index: usize,
) -> Result<Advance, RunError> {
    let info = current(vm, op);
    let (Some(plan), Some(instance)) = (&vm.plan, &vm.instance) else {
        return Ok(fail(
            workflows,
            vm,
            op,
            index,
            &info,
            "the VM has no instance to export",
        )
        .await);
    };
    let step = Export {
        workflows,
        vm_id,
        vm,
        op,
        index,
        plan,
        instance,
        info,
    };
    match index {
        0 => create_image(&step).await,
        _ => download_image(&step).await,
    }
}

/// "Create Image": ask LCM to snapshot the instance, then poll until the image is compressed.
async fn create_image(step: &Export<'_>) -> Result<Advance, RunError> {
    let Export {
        workflows,
        op,
        index,
        plan,
        instance,
        ref info,
        ..
    } = *step;
    let lcm = workflows.lcm();
    let (at, tenant, host_ip) = (
        &plan.host.lcm,
        plan.tenant.as_str(),
        plan.host.mec_host_ip.as_str(),
    );
    let action = &op.actions[index];
    let Some(image_id) = info.image_instance_id.clone() else {
        let name = format!(
            "{}-{}",
            plan.vm.spec.name,
            op.requested_at.format("%Y%m%d%H%M")
        );
        let server = instance.vm_instance_id.clone().unwrap_or_default();
        return Ok(
            match lcm.create_image(at, tenant, host_ip, &server, &name).await {
                Ok(id) => Advance::Record(vec![
                    info_event(info, |i| {
                        i.image_instance_id = Some(id);
                        i.name = Some(name);
                        i.status = Some("IMAGE_CREATING".into());
                    }),
                    VmEvent::Operation(progressed(op, index, 30, "create image request sent")),
                ]),
                Err(e) => step.fail(&format!("create image failed: {e}")).await,
            },
        );
    };
    Ok(match lcm.image(at, tenant, host_ip, &image_id).await {
        Ok(image) if image.compress_task_status == "Success" => Advance::Record(vec![
            info_event(info, |i| {
                i.status = Some("IMAGE_QUERYING".into());
                i.download_url = Some(image.resource_url.clone());
            }),
            VmEvent::Operation(succeeded(op, index, "compress task Success")),
        ]),
        Ok(image) if image.compress_task_status == "Failure" || image.status == "killed" => {
            step.fail(&format!(
                "create image failed: status {}, compress task {}",
                image.status, image.compress_task_status
            ))
            .await
        }
        Ok(_) if past_deadline(action.started_at, workflows.deadlines().create_image) => {
            step.fail("create image timed out").await
        }
        Ok(_) => Advance::Poll,
        Err(e) => step.fail(&format!("query image failed: {e}")).await,
    })
}

/// "Download Image": check the image file on the host until it is complete, then record the
/// exported image.
async fn download_image(step: &Export<'_>) -> Result<Advance, RunError> {
    let Export {
        workflows,
        vm_id,
        op,
        index,
        plan,
        ref info,
        ..
    } = *step;
    let lcm = workflows.lcm();
    let action = &op.actions[index];
    if action.progress < 30 {
        return Ok(Advance::Record(vec![VmEvent::Operation(progressed(
            op,
            index,
            30,
            "download started",
        ))]));
    }
    if action.progress < 60 {
        let url = info.download_url.clone().unwrap_or_default();
        let mut empty = 0;
        loop {
            let check = match lcm.check_image_file(&url).await {
                Ok(check) => check,
                Err(e) => return Ok(step.fail(&format!("image check failed: {e}")).await),
            };
            match (check.status, &check.checksum) {
                (0..=2, Some(sum)) => {
                    let sum = sum.clone();
                    return Ok(Advance::Record(vec![
                        info_event(info, |i| {
                            i.status = Some("SUCCESS".into());
                            i.check_sum = Some(sum);
                            i.image_file_name = Some(check.file_name.clone());
                            i.format = Some(check.format.clone());
                            i.image_size = Some(check.size.to_string());
                            i.download_url = Some(format!("{url}/action/download"));
                        }),
                        VmEvent::Operation(progressed(
                            op,
                            index,
                            60,
                            "file server check has a checksum",
                        )),
                    ]));
                }
                (0..=2, None) => {
                    empty += 1;
                    if empty >= 3 {
                        return Ok(step
                            .fail("image check returned no checksum three times")
                            .await);
                    }
                }
                (4, _)
                    if past_deadline(action.started_at, workflows.deadlines().download_image) =>
                {
                    return Ok(step.fail("image check timed out").await)
                }
                (4, _) => {}
                (status, _) => {
                    return Ok(step
                        .fail(&format!("image check failed ({status}): {}", check.msg))
                        .await)
                }
            }
            workflows.pause().await;
            if workflows.is_shutting_down() || !workflows.still_ongoing(vm_id, &op.id).await? {
                return Ok(Advance::Stopped);
            }
        }
    }
    // The image's id is chosen once and recorded, so a resumed export registers the same one.
    let Some(id) = info.vm_image_id else {
        let id = commands::ids::next_vm_image_id(workflows.pool()).await?;
        return Ok(Advance::Record(vec![info_event(info, |i| {
            i.vm_image_id = Some(id)
        })]));
    };
    let at_time = now();
    let image = ExportedImage {
        id,
        name: format!(
            "{}-{}",
            info.name
                .clone()
                .unwrap_or_else(|| plan.vm.spec.name.clone()),
            at_time.format("%Y%m%d%H%M")
        ),
        image_file_name: info.image_file_name.clone().unwrap_or_default(),
        image_format: info.format.clone().unwrap_or_default(),
        download_url: info.download_url.clone().unwrap_or_default(),
        checksum: info.check_sum.clone().unwrap_or_default(),
        image_size: info
            .image_size
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        user_id: op.user_id.clone(),
        user_name: op.user_name.clone(),
        at: at_time,
    };
    workflows.register_exported_image(op, &image).await?;
    Ok(Advance::Record(vec![
        VmEvent::VmImageExported { image },
        VmEvent::VmStatusChanged {
            status: VmStatus::Exported,
            target_image_id: Some(id),
        },
        VmEvent::Operation(succeeded(op, index, &format!("VM image {id} created"))),
        VmEvent::Operation(OperationEvent::OperationSucceeded {
            operation_id: op.id.clone(),
            at: at_time,
        }),
    ]))
}
