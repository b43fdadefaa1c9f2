//! The content-addressed file store under `<data dir>/files`: uploads stream into a temporary file
//! while being hashed and size-checked; a checked file is moved to `sha256/<2 hex>/<hash>` and
//! fsynced before any event refers to it. Files no read model refers to are swept after a grace
//! period (so a failed or concurrent command never leaves an orphan for long).
//!
//! - [`checks`]: content checks without extracting: zip limits, image signatures, text, API
//!   descriptions.
//! - [`http`]: the store over HTTP: upload permits, reading a file part, streaming a file.
//! - [`sample_code`]: sample clients generated from OpenAPI descriptions, and their tar.gz.

pub mod checks;
pub mod http;
pub mod sample_code;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use domain::plugin::StoredFile;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the upload was interrupted: {0}")]
    Upload(String),
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

/// An upload written to a temporary file, hashed, not yet in the store. Dropping it removes the
/// temporary file.
#[derive(Debug)]
pub struct Staged {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl FileStore {
    /// The store under `data_dir` (`<data_dir>/files`).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            root: data_dir.join("files"),
        }
    }

    /// Where the chunks of an upload in pieces (`id`) are kept until they are joined.
    pub fn chunk_dir(&self, id: &str) -> PathBuf {
        self.root.join("chunks").join(id)
    }

    /// Where a file with this hash lives.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.root
            .join("sha256")
            .join(&sha256[..2.min(sha256.len())])
            .join(sha256)
    }

    /// Streams `chunks` into a temporary file, hashing as it goes; fails past `limit` bytes.
    pub async fn stage<S, E>(
        &self,
        file_name: &str,
        mut chunks: S,
        limit: u64,
    ) -> Result<Staged, FileError>
    where
        S: Stream<Item = Result<actix_web::web::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let tmp = self.root.join("tmp");
        tokio::fs::create_dir_all(&tmp).await?;
        let path = tmp.join(uuid::Uuid::new_v4().simple().to_string());
        let mut staged = Staged {
            path,
            sha256: String::new(),
            size: 0,
            file_name: file_name.to_owned(),
        };
        let mut file = tokio::fs::File::create(&staged.path).await?;
        let mut hasher = Sha256::new();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| FileError::Upload(e.to_string()))?;
            staged.size += chunk.len() as u64;
            if staged.size > limit {
                return Err(FileError::TooLarge { limit });
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        file.sync_all().await?;
        staged.sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(staged)
    }

    /// Moves a checked upload into the store (fsynced file and directory) and returns its
    /// reference. Content already stored is kept as is.
    pub async fn commit(&self, staged: Staged) -> Result<StoredFile, FileError> {
        let target = self.path_of(&staged.sha256);
        let dir = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        tokio::fs::create_dir_all(&dir).await?;
        if tokio::fs::metadata(&target).await.is_err() {
            tokio::fs::rename(&staged.path, &target).await?;
            tokio::fs::File::open(&dir).await?.sync_all().await?;
        } else {
            // Referred to again: young again, so the orphan sweep (which spares young files)
            // cannot remove it before the read model shows the new reference.
            let file = std::fs::File::options().write(true).open(&target)?;
            file.set_modified(SystemTime::now())?;
        }
        Ok(StoredFile {
            sha256: staged.sha256.clone(),
            size: staged.size,
            file_name: staged.file_name.clone(),
        })
    }

    /// Every stored file's hash.
    pub fn stored(&self) -> Vec<(String, SystemTime)> {
        let mut found = Vec::new();
        let Ok(prefixes) = std::fs::read_dir(self.root.join("sha256")) else {
            return found;
        };
        for prefix in prefixes.flatten() {
            let Ok(files) = std::fs::read_dir(prefix.path()) else {
                continue;
            };
            for file in files.flatten() {
                let modified = file
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                found.push((file.file_name().to_string_lossy().into_owned(), modified));
            }
        }
        found
    }

    /// Removes stored files older than `min_age` that `referenced` does not name; returns how many.
    pub fn sweep(&self, referenced: &HashSet<String>, min_age: Duration) -> usize {
        let now = SystemTime::now();
        let mut removed = 0;
        for (hash, modified) in self.stored() {
            let old_enough = now.duration_since(modified).unwrap_or_default() >= min_age;
            if old_enough
                && !referenced.contains(&hash)
                && std::fs::remove_file(self.path_of(&hash)).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }
}

/// The hashes the read models refer to (every file column of `tbl_plugin`, the uploaded files,
/// the profiles' zips).
pub async fn referenced_hashes(pool: &db::Pool) -> Result<HashSet<String>, db::DbError> {
    let mut paths: Vec<String> = pool
        .query(
            "SELECT unnest(ARRAY[pluginfile, logofile, apifile])::text FROM tbl_plugin",
            &[],
        )
        .await
        .and_then(db::scalars)?;
    paths.extend(projections::read_models::uploaded_files::query::stored_paths(pool).await?);
    paths.extend(projections::read_models::profiles::query::stored_paths(pool).await?);
    Ok(paths
        .iter()
        .filter_map(|p| p.rsplit('/').next().map(str::to_owned))
        .collect())
}

/// Sweeps orphans once every projection that refers to files has caught up; returns how many.
pub async fn sweep_orphans(
    pool: &db::Pool,
    store: &FileStore,
    min_age: Duration,
) -> Result<usize, db::DbError> {
    let referenced = referenced_hashes(pool).await?;
    Ok(store.sweep(&referenced, min_age))
}
