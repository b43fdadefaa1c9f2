//! Uploaded files named by other resources: the check that a field names a file the caller may
//! use and of the right type, and the take and release commands that keep a used file from
//! being swept. A resource takes its files before its own command runs (so a file cannot be
//! swept between the check and the use) and releases them when its command is refused, replayed
//! or when it stops naming them.

use commands::{CommandError, CommandOptions, StoredResponse};
use domain::uploaded_file::{
    FileType, UploadedFile, UploadedFileAction, UploadedFileCommand, UploadedFileError,
};
use domain::Actor;

use crate::error::{ApiError, ErrorCode};
use crate::routes::commanding::{metadata, AppState, Reply};

/// A file a field names, and the type it must have.
#[derive(Debug, Clone)]
pub struct FileUse {
    pub field: &'static str,
    pub file_id: String,
    pub file_type: FileType,
}

fn unusable(field: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidFileReference, message).with_params(vec![field.to_owned()])
}

/// Checks that every use names a live file `actor` may use, of the type its field needs.
pub async fn check(state: &AppState, actor: &Actor, uses: &[FileUse]) -> Result<(), ApiError> {
    for u in uses {
        let file: UploadedFile = state.load(&u.file_id).await?;
        let usable = file.fields.is_some() && file.usable_by(actor);
        let Some(fields) = file.fields.as_ref().filter(|_| usable) else {
            return Err(unusable(
                u.field,
                format!(
                    "{} names no uploaded file you may use; upload one with POST /mec/developer/v2/upload-files?fileType={}",
                    u.field,
                    u.file_type.as_str()
                ),
            ));
        };
        if fields.file_type != u.file_type {
            return Err(unusable(
                u.field,
                format!(
                    "{} must name a file of type {} (it names a file of type {})",
                    u.field,
                    u.file_type.as_str(),
                    fields.file_type.as_str()
                ),
            ));
        }
    }
    Ok(())
}

/// Marks each file as used by `holder`; on a failure, releases the ones taken.
pub async fn take(
    state: &AppState,
    actor: &Actor,
    uses: &[FileUse],
    holder: &str,
) -> Result<(), ApiError> {
    for (index, u) in uses.iter().enumerate() {
        let action = UploadedFileAction::Take {
            holder: holder.to_owned(),
        };
        if let Err(error) = run(state, actor, &u.file_id, action).await {
            let taken: Vec<String> = uses[..index].iter().map(|u| u.file_id.clone()).collect();
            release(state, actor, &taken, holder).await;
            return Err(match error {
                CommandError::Rejected(
                    UploadedFileError::NotFound | UploadedFileError::Forbidden,
                ) => unusable(
                    u.field,
                    format!("{} names no uploaded file you may use", u.field),
                ),
                other => crate::routes::commanding::command_error::<UploadedFile>(other),
            });
        }
    }
    Ok(())
}

/// Takes `uses` for `holder`, runs `command`, and lets them go again unless the command was
/// executed (refused or replayed, the resource does not name them).
pub async fn run_holding(
    state: &AppState,
    actor: &Actor,
    uses: &[FileUse],
    holder: &str,
    command: impl std::future::Future<Output = Result<Reply, ApiError>>,
) -> Result<Reply, ApiError> {
    take(state, actor, uses, holder).await?;
    let reply = command.await;
    if !matches!(&reply, Ok(r) if !r.replayed()) {
        let ids: Vec<String> = uses.iter().map(|u| u.file_id.clone()).collect();
        release(state, actor, &ids, holder).await;
    }
    reply
}

/// Releases `holder`'s use of each file (best effort: a failure is logged, and leaves the file
/// held, never swept).
pub async fn release(state: &AppState, actor: &Actor, file_ids: &[String], holder: &str) {
    for file_id in file_ids {
        let action = UploadedFileAction::Release {
            holder: holder.to_owned(),
            at: db::now_micros(),
        };
        if let Err(error) = run(state, actor, file_id, action).await {
            tracing::warn!(%file_id, %holder, error = %error, "releasing an uploaded file failed");
        }
    }
}

async fn run(
    state: &AppState,
    actor: &Actor,
    file_id: &str,
    action: UploadedFileAction,
) -> Result<(), CommandError<UploadedFileError>> {
    let command = UploadedFileCommand {
        actor: actor.clone(),
        action,
    };
    state
        .executor
        .execute::<UploadedFile, _>(
            file_id,
            command,
            &(),
            &metadata(actor, None),
            &CommandOptions::default(),
            |_, _| StoredResponse {
                status: 200,
                body: serde_json::Value::Null,
            },
        )
        .await
        .map(|_| ())
}
