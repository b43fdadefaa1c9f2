//! The operations of a VM image, one action each (reference 1.9, 2.5, 3):
//!
//! - "vm image merge": the file server joins the uploaded chunks (30: merged, with the file
//!   server's image id recorded), then its check is polled until the image is checked (100: the
//!   image is PUBLISHED with SLIM_WAIT) or fails (UPLOAD_FAILED with the `errorType` of 2.5:
//!   `fileSystemMergeFailed`, `filesystemCheckFailed`, `formatMistake`, `zipFileOpenFailed`, or
//!   the file server's message). The check's deadline counts from the action's start.
//! - "vm image slim": the file server is asked to slim (10), then polled until it reports the
//!   result (100: SLIM_SUCCEED with the new size and checksum; or SLIM_FAILED).

use domain::operation::{OperationEvent, OperationKind, OperationState};
use domain::ports::file_server::{check_status, slim_status};
use domain::ports::StoredImage;
use domain::vm_image::{format_of, ImageFile, VmImage, VmImageEvent};

use crate::runner::{RunError, Running, Workflows};
use crate::steps::{failed, now, past_deadline, progressed, succeeded};

/// The longest `errorType` the table holds.
const MAX_ERROR_TYPE: usize = 32;

/// One step of an image operation; false once it has ended.
pub async fn advance(workflows: &Workflows, op: &Running) -> Result<bool, RunError> {
    let image: VmImage = workflows.load(&op.aggregate_id).await?;
    let Some(state) = image.operations.get(&op.operation_id).cloned() else {
        return Ok(false);
    };
    if state.is_finished() {
        return Ok(false);
    }
    let id = op.aggregate_id.as_str();
    match state.next_action() {
        None => {
            let done = vec![VmImageEvent::Operation(
                OperationEvent::OperationSucceeded {
                    operation_id: state.id.clone(),
                    at: now(),
                },
            )];
            workflows.record_image(id, &state, done).await
        }
        Some((index, false)) => {
            let started = vec![VmImageEvent::Operation(OperationEvent::ActionStarted {
                operation_id: state.id.clone(),
                action: index,
                at: now(),
            })];
            workflows.record_image(id, &state, started).await
        }
        Some((index, true)) => match state.kind {
            OperationKind::VmImageMerge => merge(workflows, id, &image, &state, index).await,
            OperationKind::VmImageSlim => slim(workflows, id, &image, &state, index).await,
            _ => {
                let events =
                    with_failure(&state, index, "this operation does not run on a VM image");
                workflows.record_image(id, &state, events).await
            }
        },
    }
}

/// The events that fail the action and the operation, and the image's own failure (a merge
/// that fails this way counts as `fileSystemMergeFailed`; the message says why).
pub fn with_failure(op: &OperationState, index: usize, error: &str) -> Vec<VmImageEvent> {
    let mut events = vec![match op.kind {
        OperationKind::VmImageSlim => VmImageEvent::VmImageSlimFailed { at: now() },
        _ => VmImageEvent::VmImageUploadFailed {
            error_type: "fileSystemMergeFailed".into(),
            at: now(),
        },
    }];
    events.extend(
        failed(op, index, error)
            .into_iter()
            .map(VmImageEvent::Operation),
    );
    events
}

/// A failure's `errorType`: the named types as they are, a file server's message cut to fit.
fn error_type(error: &str) -> String {
    error.chars().take(MAX_ERROR_TYPE).collect()
}

fn upload_failed(
    op: &OperationState,
    index: usize,
    error_type: &str,
    detail: &str,
) -> Vec<VmImageEvent> {
    let mut events = vec![VmImageEvent::VmImageUploadFailed {
        error_type: self::error_type(error_type),
        at: now(),
    }];
    events.extend(
        failed(op, index, &format!("{error_type}: {detail}"))
            .into_iter()
            .map(VmImageEvent::Operation),
    );
    events
}

async fn merge(
    workflows: &Workflows,
    id: &str,
    image: &VmImage,
    op: &OperationState,
    index: usize,
) -> Result<bool, RunError> {
    let Some(upload) = image.upload.clone() else {
        let events = upload_failed(op, index, "fileSystemMergeFailed", "the upload is gone");
        return workflows.record_image(id, op, events).await;
    };
    let file_server = workflows.file_server();
    let Some(fs_id) = upload.merged_image_id.clone() else {
        let events = match file_server
            .merge(&op.user_id, &upload.identifier, &upload.file_name)
            .await
        {
            Ok(fs_id) => vec![
                VmImageEvent::VmImageMerged {
                    file_server_image_id: fs_id.clone(),
                },
                VmImageEvent::Operation(progressed(
                    op,
                    index,
                    30,
                    &format!("merged on the file server as {fs_id}"),
                )),
            ],
            Err(e) => upload_failed(op, index, "fileSystemMergeFailed", &e.to_string()),
        };
        return workflows.record_image(id, op, events).await;
    };
    let action = &op.actions[index];
    loop {
        let checked = match file_server.image(&fs_id).await {
            Ok(checked) => checked,
            Err(e) if past_deadline(action.started_at, workflows.deadlines().image_check) => {
                let events = upload_failed(op, index, "filesystemCheckFailed", &e.to_string());
                return workflows.record_image(id, op, events).await;
            }
            Err(e) => {
                tracing::warn!(image = %id, error = %e, "image check query failed; polling again");
                if !keep_polling(workflows, id, op).await? {
                    return Ok(false);
                }
                continue;
            }
        };
        let events = match checked.check_status {
            status if check_status::is_checked(status) => {
                match checked_file(&checked, &upload.file_name, &fs_id, workflows) {
                    Ok(file) => vec![
                        VmImageEvent::VmImageUploaded { file, at: now() },
                        VmImageEvent::Operation(succeeded(op, index, "image checked")),
                        VmImageEvent::Operation(OperationEvent::OperationSucceeded {
                            operation_id: op.id.clone(),
                            at: now(),
                        }),
                    ],
                    Err(detail) => upload_failed(op, index, "formatMistake", &detail),
                }
            }
            check_status::IN_PROGRESS
                if past_deadline(action.started_at, workflows.deadlines().image_check) =>
            {
                upload_failed(op, index, "filesystemCheckFailed", "the check timed out")
            }
            check_status::IN_PROGRESS => {
                if !keep_polling(workflows, id, op).await? {
                    return Ok(false);
                }
                continue;
            }
            check_status::CHECK_FAILED => {
                upload_failed(op, index, "filesystemCheckFailed", &checked.check_msg)
            }
            check_status::FORMAT_MISTAKE => {
                upload_failed(op, index, "formatMistake", &checked.check_msg)
            }
            check_status::ZIP_OPEN_FAILED => {
                upload_failed(op, index, "zipFileOpenFailed", &checked.check_msg)
            }
            other => {
                let message = if checked.check_msg.is_empty() {
                    format!("check status {other}")
                } else {
                    checked.check_msg.clone()
                };
                upload_failed(op, index, &message, &message)
            }
        };
        return workflows.record_image(id, op, events).await;
    }
}

/// The file a successful check describes; an error when its format is not the one the file
/// name announced, or it has no checksum.
fn checked_file(
    checked: &StoredImage,
    file_name: &str,
    fs_id: &str,
    workflows: &Workflows,
) -> Result<ImageFile, String> {
    let announced = format_of(file_name).unwrap_or_default();
    if !checked.format.eq_ignore_ascii_case(announced) {
        return Err(format!(
            "the file server found a {} image, the file name says {announced}",
            checked.format
        ));
    }
    let Some(checksum) = checked.checksum.clone() else {
        return Err("the check gave no checksum".into());
    };
    Ok(ImageFile {
        file_server_image_id: Some(fs_id.to_owned()),
        image_file_name: file_name.to_owned(),
        image_format: announced.to_owned(),
        download_url: workflows.file_server().download_url(fs_id),
        file_md5: checksum,
        image_size: checked.disk_size,
        virtual_size: checked.virtual_size,
    })
}

async fn slim(
    workflows: &Workflows,
    id: &str,
    image: &VmImage,
    op: &OperationState,
    index: usize,
) -> Result<bool, RunError> {
    let Some(file) = image.file.clone() else {
        let events = with_failure(op, index, "the image has no file to slim");
        return workflows.record_image(id, op, events).await;
    };
    let fs_id = file.file_server_image_id.clone().unwrap_or_default();
    let file_server = workflows.file_server();
    let action = &op.actions[index];
    if action.progress < 10 {
        let events = match file_server.slim(&fs_id).await {
            Ok(()) => vec![VmImageEvent::Operation(progressed(
                op,
                index,
                10,
                "slim request sent",
            ))],
            Err(e) => with_failure(op, index, &format!("slim request failed: {e}")),
        };
        return workflows.record_image(id, op, events).await;
    }
    loop {
        let events = match file_server.image(&fs_id).await {
            Ok(stored) if stored.slim_status == slim_status::SUCCEEDED => {
                let slimmed = ImageFile {
                    file_md5: stored.checksum.clone().unwrap_or(file.file_md5.clone()),
                    image_size: stored.disk_size,
                    virtual_size: stored.virtual_size,
                    ..file.clone()
                };
                vec![
                    VmImageEvent::VmImageSlimmed {
                        file: slimmed,
                        at: now(),
                    },
                    VmImageEvent::Operation(succeeded(op, index, "image slimmed")),
                    VmImageEvent::Operation(OperationEvent::OperationSucceeded {
                        operation_id: op.id.clone(),
                        at: now(),
                    }),
                ]
            }
            Ok(stored) if stored.slim_status == slim_status::FAILED => {
                with_failure(op, index, &format!("slimming failed: {}", stored.slim_msg))
            }
            Ok(_) | Err(_) if past_deadline(action.started_at, workflows.deadlines().slim) => {
                with_failure(op, index, "slimming timed out")
            }
            Ok(_) => {
                if !keep_polling(workflows, id, op).await? {
                    return Ok(false);
                }
                continue;
            }
            Err(e) => {
                tracing::warn!(image = %id, error = %e, "slim status query failed; polling again");
                if !keep_polling(workflows, id, op).await? {
                    return Ok(false);
                }
                continue;
            }
        };
        return workflows.record_image(id, op, events).await;
    }
}

/// Waits one poll interval; false when the runner stops or the operation ended meanwhile.
async fn keep_polling(
    workflows: &Workflows,
    id: &str,
    op: &OperationState,
) -> Result<bool, RunError> {
    workflows.pause().await;
    if workflows.is_shutting_down() {
        return Ok(false);
    }
    workflows.image_still_ongoing(id, &op.id).await
}
