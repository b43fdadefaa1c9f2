//! The simulated image file server: chunks and merged images on disk (never in memory: images
//! are gigabytes), what it knows of each image in memory. A merge joins the chunks in order,
//! computes the MD5 and checks the file for real (a qcow2 header with its virtual size, or an
//! ISO 9660 volume descriptor; anything else, or a format other than the file name says, is a
//! format mistake). A [`FileServerPlan`] sets a delay for every call, the call that fails, how
//! many polls answer "in progress" first, and forced check or slim results. Ids are counters.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use domain::ports::file_server::{check_status, slim_status};
use domain::ports::{ByteSource, FileServer, FileServerError, FsFuture, StoredImage};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How the simulated file server behaves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct FileServerPlan {
    /// The call that fails: upload, cancel, merge, image, slim, download, delete.
    pub fail: Option<String>,
    /// Delay before every answer, in milliseconds.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 60000)]
    pub delay_ms: u64,
    /// Polls of an image answered "in progress" (check 4, or still slimming) before the end.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 1000)]
    pub pending_polls: u32,
    /// A check status every merge ends with instead of the real check (3, 5, 6, ...).
    #[serde(deserialize_with = "domain::json_integer::optional_integer")]
    pub check_status: Option<i64>,
    /// Whether slimming fails (`slimStatus` 3) instead of succeeding.
    pub slim_fails: bool,
}

struct Image {
    path: PathBuf,
    stored: StoredImage,
    check_pending: u32,
    slim_pending: u32,
}

#[derive(Default)]
struct State {
    next_id: u64,
    images: HashMap<String, Image>,
}

pub struct SimulatedFileServer {
    dir: PathBuf,
    state: Mutex<State>,
    plan: Mutex<FileServerPlan>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn rejected(status: u16, body: impl Into<String>) -> FileServerError {
    FileServerError::Rejected {
        status,
        body: body.into(),
    }
}

fn io(error: std::io::Error) -> FileServerError {
    rejected(500, format!("file server storage: {error}"))
}

/// A path segment the server accepts (no separators, no dot-dot).
fn segment(value: &str) -> Result<&str, FileServerError> {
    let ok = !value.is_empty()
        && value.len() <= 128
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !value.contains("..");
    if ok {
        Ok(value)
    } else {
        Err(rejected(400, format!("invalid identifier {value:?}")))
    }
}

impl SimulatedFileServer {
    /// A simulator keeping its files under `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            state: Mutex::new(State::default()),
            plan: Mutex::new(FileServerPlan::default()),
        }
    }

    pub fn set_plan(&self, plan: FileServerPlan) {
        *lock(&self.plan) = plan;
    }

    /// Waits the plan's delay, then fails if `call` is its failure point.
    async fn enter(&self, call: &str) -> Result<FileServerPlan, FileServerError> {
        let plan = lock(&self.plan).clone();
        if plan.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(plan.delay_ms)).await;
        }
        if plan.fail.as_deref() == Some(call) {
            return Err(rejected(500, format!("simulated failure of {call}")));
        }
        Ok(plan)
    }

    fn chunk_dir(&self, identifier: &str) -> Result<PathBuf, FileServerError> {
        Ok(self.dir.join("chunks").join(segment(identifier)?))
    }

    async fn join_chunks(
        &self,
        identifier: &str,
        target: &Path,
    ) -> Result<(String, i64), FileServerError> {
        let dir = self.chunk_dir(identifier)?;
        let mut numbers = Vec::new();
        let mut entries = tokio::fs::read_dir(&dir)
            .await
            .map_err(|_| rejected(404, format!("no chunks of upload {identifier}")))?;
        while let Some(entry) = entries.next_entry().await.map_err(io)? {
            if let Some(n) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            {
                numbers.push(n);
            }
        }
        numbers.sort_unstable();
        if numbers.is_empty() || numbers.iter().zip(1..).any(|(n, i)| *n != i) {
            return Err(rejected(400, format!("chunks of {identifier} are missing")));
        }
        let mut out = tokio::fs::File::create(target).await.map_err(io)?;
        let mut md5 = Md5::new();
        let mut size = 0i64;
        let mut buffer = vec![0u8; 64 * 1024];
        for n in numbers {
            let mut chunk = tokio::fs::File::open(dir.join(n.to_string()))
                .await
                .map_err(io)?;
            loop {
                let read = chunk.read(&mut buffer).await.map_err(io)?;
                if read == 0 {
                    break;
                }
                md5.update(&buffer[..read]);
                out.write_all(&buffer[..read]).await.map_err(io)?;
                size += read as i64;
            }
        }
        out.flush().await.map_err(io)?;
        let _ = tokio::fs::remove_dir_all(&dir).await;
        let digest: String = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok((digest, size))
    }
}

/// The format of an image file by its content, and its virtual size.
async fn inspect(path: &Path, size: i64) -> Result<Option<(&'static str, i64)>, FileServerError> {
    let mut file = tokio::fs::File::open(path).await.map_err(io)?;
    let mut head = vec![0u8; 0x8006];
    let mut filled = 0;
    while filled < head.len() {
        let read = file.read(&mut head[filled..]).await.map_err(io)?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    head.truncate(filled);
    if head.len() >= 32 && head.starts_with(b"QFI\xfb") {
        let mut virtual_size = [0u8; 8];
        virtual_size.copy_from_slice(&head[24..32]);
        let virtual_size = i64::try_from(u64::from_be_bytes(virtual_size)).unwrap_or(i64::MAX);
        return Ok(Some(("qcow2", virtual_size)));
    }
    if head.len() >= 0x8006 && &head[0x8001..0x8006] == b"CD001" {
        return Ok(Some(("iso", size)));
    }
    Ok(None)
}

struct FileSource {
    file: tokio::fs::File,
}

impl ByteSource for FileSource {
    fn next_chunk(&mut self) -> FsFuture<'_, Option<Vec<u8>>> {
        Box::pin(async move {
            let mut buffer = vec![0u8; 64 * 1024];
            let read = self.file.read(&mut buffer).await.map_err(io)?;
            if read == 0 {
                return Ok(None);
            }
            buffer.truncate(read);
            Ok(Some(buffer))
        })
    }
}

impl FileServer for SimulatedFileServer {
    fn upload_chunk<'a>(
        &'a self,
        identifier: &'a str,
        chunk_number: u32,
        bytes: Vec<u8>,
    ) -> FsFuture<'a, ()> {
        Box::pin(async move {
            self.enter("upload").await?;
            let dir = self.chunk_dir(identifier)?;
            tokio::fs::create_dir_all(&dir).await.map_err(io)?;
            // Written aside and renamed, so a chunk is there whole or not at all.
            let part = dir.join(format!("{chunk_number}.part"));
            tokio::fs::write(&part, &bytes).await.map_err(io)?;
            tokio::fs::rename(&part, dir.join(chunk_number.to_string()))
                .await
                .map_err(io)
        })
    }

    fn cancel_upload<'a>(&'a self, identifier: &'a str) -> FsFuture<'a, ()> {
        Box::pin(async move {
            self.enter("cancel").await?;
            let _ = tokio::fs::remove_dir_all(self.chunk_dir(identifier)?).await;
            Ok(())
        })
    }

    fn merge<'a>(
        &'a self,
        _user_id: &'a str,
        identifier: &'a str,
        file_name: &'a str,
    ) -> FsFuture<'a, String> {
        Box::pin(async move {
            let plan = self.enter("merge").await?;
            let id = {
                let mut state = lock(&self.state);
                state.next_id += 1;
                format!("sim-image-{}", state.next_id)
            };
            let images = self.dir.join("images");
            tokio::fs::create_dir_all(&images).await.map_err(io)?;
            let path = images.join(&id);
            let (md5, size) = self.join_chunks(identifier, &path).await?;
            let announced = domain::vm_image::format_of(file_name);
            let (status, msg, format, virtual_size) = match inspect(&path, size).await? {
                Some((format, virtual_size)) if Some(format) == announced => {
                    (0, "check success".to_owned(), format, virtual_size)
                }
                Some((format, _)) => (
                    check_status::FORMAT_MISTAKE,
                    format!("the file is {format}, not what its name says"),
                    format,
                    0,
                ),
                None => (
                    check_status::FORMAT_MISTAKE,
                    "the file is neither a qcow2 nor an ISO image".to_owned(),
                    "unknown",
                    0,
                ),
            };
            let (status, msg) = match plan.check_status {
                Some(forced) => (
                    i32::try_from(forced).unwrap_or(check_status::CHECK_FAILED),
                    format!("simulated check status {forced}"),
                ),
                None => (status, msg),
            };
            let stored = StoredImage {
                image_id: id.clone(),
                file_name: file_name.to_owned(),
                check_status: status,
                check_msg: msg,
                checksum: check_status::is_checked(status).then_some(md5),
                format: format.to_owned(),
                virtual_size,
                disk_size: size,
                slim_status: slim_status::WAITING,
                slim_msg: String::new(),
            };
            lock(&self.state).images.insert(
                id.clone(),
                Image {
                    path,
                    stored,
                    check_pending: plan.pending_polls,
                    slim_pending: 0,
                },
            );
            Ok(id)
        })
    }

    fn image<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, StoredImage> {
        Box::pin(async move {
            let plan = self.enter("image").await?;
            let mut state = lock(&self.state);
            let image = state
                .images
                .get_mut(image_id)
                .ok_or_else(|| rejected(404, format!("no image {image_id}")))?;
            let mut answer = image.stored.clone();
            if image.check_pending > 0 {
                image.check_pending -= 1;
                answer.check_status = check_status::IN_PROGRESS;
                answer.checksum = None;
            }
            if image.stored.slim_status == slim_status::SLIMMING {
                if image.slim_pending > 0 {
                    image.slim_pending -= 1;
                } else if plan.slim_fails {
                    image.stored.slim_status = slim_status::FAILED;
                    image.stored.slim_msg = "simulated slim failure".into();
                } else {
                    image.stored.slim_status = slim_status::SUCCEEDED;
                    image.stored.slim_msg = "slim success".into();
                }
                answer.slim_status = image.stored.slim_status;
                answer.slim_msg = image.stored.slim_msg.clone();
            }
            Ok(answer)
        })
    }

    fn slim<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let plan = self.enter("slim").await?;
            let mut state = lock(&self.state);
            let image = state
                .images
                .get_mut(image_id)
                .ok_or_else(|| rejected(404, format!("no image {image_id}")))?;
            image.stored.slim_status = slim_status::SLIMMING;
            image.slim_pending = plan.pending_polls;
            Ok(())
        })
    }

    fn download<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, Box<dyn ByteSource>> {
        Box::pin(async move {
            self.enter("download").await?;
            let path = lock(&self.state)
                .images
                .get(image_id)
                .map(|i| i.path.clone())
                .ok_or_else(|| rejected(404, format!("no image {image_id}")))?;
            let file = tokio::fs::File::open(path).await.map_err(io)?;
            Ok(Box::new(FileSource { file }) as Box<dyn ByteSource>)
        })
    }

    fn download_url(&self, image_id: &str) -> String {
        format!(
            "{}/image-management/v1/images/{image_id}/action/download",
            "http://simulated-file-server"
        )
    }

    fn delete<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, ()> {
        Box::pin(async move {
            self.enter("delete").await?;
            let removed = lock(&self.state).images.remove(image_id);
            if let Some(image) = removed {
                let _ = tokio::fs::remove_file(image.path).await;
            }
            Ok(())
        })
    }
}
