//! The image file server (reference section 4, "image-management"): where uploaded VM images are
//! sent chunk by chunk, merged, checked, slimmed, downloaded and deleted.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

/// A call to the file server: a boxed future, so the port can live behind `dyn`.
pub type FsFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, FileServerError>> + Send + 'a>>;

/// How a call failed. The message is kept as the image's or operation's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileServerError {
    #[error("the file server is unreachable: {0}")]
    Unreachable(String),
    #[error("the file server refused the request ({status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("the file server answered something unexpected: {0}")]
    Malformed(String),
}

/// Check statuses of `GET /image-management/v1/images/{id}` (`checkStatusResponse.status`):
/// 0, 1 and 2 mean checked, 4 in progress; the failures edgedev names are below, anything else
/// is the file server's message.
pub mod check_status {
    pub const IN_PROGRESS: i32 = 4;
    pub const CHECK_FAILED: i32 = 3;
    pub const FORMAT_MISTAKE: i32 = 5;
    pub const ZIP_OPEN_FAILED: i32 = 6;

    pub fn is_checked(status: i32) -> bool {
        (0..=2).contains(&status)
    }
}

/// Slim statuses (`slimStatus`, `compressInfo.compressStatus`): waiting, slimming, done, failed.
pub mod slim_status {
    pub const WAITING: i32 = 0;
    pub const SLIMMING: i32 = 1;
    pub const SUCCEEDED: i32 = 2;
    pub const FAILED: i32 = 3;
}

/// What the file server knows of one merged image.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredImage {
    pub image_id: String,
    pub file_name: String,
    /// The check of the merged file.
    pub check_status: i32,
    pub check_msg: String,
    pub checksum: Option<String>,
    /// `qcow2`, `iso`, ...
    pub format: String,
    pub virtual_size: i64,
    pub disk_size: i64,
    pub slim_status: i32,
    pub slim_msg: String,
}

/// A download's bytes, chunk by chunk (`None` at the end).
pub trait ByteSource: Send {
    fn next_chunk(&mut self) -> FsFuture<'_, Option<Vec<u8>>>;
}

/// The file server's API. `user_id` is the image owner's id (the merge form's `userId`).
pub trait FileServer: Send + Sync {
    /// `POST /images/upload`: one chunk of upload `identifier` (1-based `chunk_number`).
    fn upload_chunk<'a>(
        &'a self,
        identifier: &'a str,
        chunk_number: u32,
        bytes: Vec<u8>,
    ) -> FsFuture<'a, ()>;
    /// `DELETE /images/upload`: drops the chunks of `identifier`.
    fn cancel_upload<'a>(&'a self, identifier: &'a str) -> FsFuture<'a, ()>;
    /// `POST /images/merge`: joins the chunks into one image; returns its id. The check starts.
    fn merge<'a>(
        &'a self,
        user_id: &'a str,
        identifier: &'a str,
        file_name: &'a str,
    ) -> FsFuture<'a, String>;
    /// `GET /images/{id}`.
    fn image<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, StoredImage>;
    /// `POST /images/{id}/action/slim`: starts slimming.
    fn slim<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, ()>;
    /// `GET /images/{id}/action/download`.
    fn download<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, Box<dyn ByteSource>>;
    /// Where the file server serves image `image_id` (the image's `downLoadUrl`).
    fn download_url(&self, image_id: &str) -> String;
    /// `DELETE /images/{id}`; an image that is not there counts as deleted.
    fn delete<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, ()>;
}
