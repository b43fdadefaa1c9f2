//! The file store over HTTP, shared by every endpoint that takes or serves files: the upload
//! permit, reading one file part of a multipart form into staging, committing, and streaming a
//! stored file back.

use actix_multipart::Multipart;
use actix_web::body::SizedStream;
use actix_web::{web, HttpResponse};
use domain::plugin::StoredFile;
use futures_util::StreamExt;

use super::{FileError, Staged};
use crate::error::{ApiError, ErrorCode};
use crate::routes::commanding::AppState;

/// One of the uploads allowed at once, or 429 with Retry-After.
pub fn upload_permit(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    state.uploads.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            ErrorCode::TooManyRequests,
            "too many uploads run at once; retry shortly",
        )
        .with_retry_after(1)
    })
}

/// A part that could not be read: 408 when the body deadline passed, 400 otherwise.
pub fn unreadable(detail: impl std::fmt::Display) -> ApiError {
    let detail = detail.to_string();
    if detail.contains(crate::middleware::BODY_TIMEOUT) {
        ApiError::new(ErrorCode::RequestTimeout, crate::middleware::BODY_TIMEOUT)
    } else {
        ApiError::new(
            ErrorCode::MalformedMultipart,
            format!("the multipart body is malformed: {detail}"),
        )
    }
}

/// Why staging the part `name` failed, as an answer.
pub fn staging_failed(name: &str, error: FileError) -> ApiError {
    match error {
        FileError::TooLarge { limit } => ApiError::new(
            ErrorCode::FileTooLarge,
            format!(
                "{name} is larger than the {} MB allowed",
                limit / 1024 / 1024
            ),
        )
        .with_params(vec![name.to_owned()]),
        FileError::Upload(detail) => unreadable(format!("{name}: {detail}")),
        FileError::Io(error) => ApiError::internal(&error.to_string()),
    }
}

/// Reads a form whose only part is the file `part` (at most `limit` bytes) into staging. Other
/// parts are read past and dropped, at most `max_parts` in all.
pub async fn read_one_file(
    state: &AppState,
    mut multipart: Multipart,
    part: &str,
    limit: u64,
    max_parts: usize,
) -> Result<Staged, ApiError> {
    let mut staged = None;
    let mut parts = 0;
    while let Some(field) = multipart.next().await {
        parts += 1;
        if parts > max_parts {
            return Err(ApiError::new(
                ErrorCode::MalformedMultipart,
                format!("the form has more than {max_parts} parts"),
            ));
        }
        let mut field = field.map_err(unreadable)?;
        if field.name() == Some(part) && staged.is_none() {
            let file_name = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .map(str::to_owned)
                .unwrap_or_default();
            let file = state
                .files
                .stage(&file_name, &mut field, limit)
                .await
                .map_err(|e| staging_failed(part, e))?;
            staged = Some(file);
        } else {
            while let Some(chunk) = field.next().await {
                chunk.map_err(unreadable)?;
            }
        }
    }
    staged.ok_or_else(|| {
        ApiError::new(
            ErrorCode::MalformedMultipart,
            format!("the form has no `{part}` part"),
        )
        .with_params(vec![part.to_owned()])
    })
}

/// Moves a checked upload into the store.
pub async fn commit(state: &AppState, staged: Staged) -> Result<StoredFile, ApiError> {
    state
        .files
        .commit(staged)
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))
}

/// Streams a stored file, as an attachment under its name when `attachment`.
pub async fn stream_file(
    state: &AppState,
    file: &StoredFile,
    content_type: &str,
    attachment: bool,
) -> Result<HttpResponse, ApiError> {
    let handle = tokio::fs::File::open(state.files.path_of(&file.sha256))
        .await
        .map_err(|e| ApiError::internal(&format!("stored file missing: {e}")))?;
    let chunks = futures_util::stream::unfold(handle, |mut handle| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; 64 * 1024];
        match handle.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, std::io::Error>(web::Bytes::from(buffer)), handle))
            }
            Err(e) => Some((Err(e), handle)),
        }
    });
    let mut response = HttpResponse::Ok();
    response.content_type(content_type.to_owned());
    if attachment {
        response.insert_header(content_disposition(&file.file_name));
    }
    Ok(response.body(SizedStream::new(file.size, Box::pin(chunks))))
}

/// `Content-Disposition: attachment` with a file name stripped of what would break the header.
pub fn content_disposition(file_name: &str) -> (&'static str, String) {
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    (
        "content-disposition",
        format!("attachment; filename=\"{name}\""),
    )
}
