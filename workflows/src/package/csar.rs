//! A CSAR as files in memory: read from a zip with limits (size, entries, unpacked bytes; only
//! files, no absolute or `..` paths), listed as a tree, one file read as text or replaced, and
//! written back as a zip whose manifest lists a SHA-256 of every other file and, with a signing
//! key, whose signature signs the manifest (ADR 0020 gives the format).

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::signing::Signer;

/// The largest package read.
pub const ARCHIVE_LIMIT: u64 = 256 * 1024 * 1024;
/// The most entries a package may have.
pub const MAX_ENTRIES: usize = 2000;
/// The most bytes a package may unpack to.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;
/// The largest file served or replaced as text.
pub const MAX_TEXT: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsarError {
    #[error("the package is not a readable zip archive: {0}")]
    Corrupt(String),
    #[error("the package has more than {0} entries")]
    TooManyEntries(usize),
    #[error("the package unpacks to more than {0} bytes")]
    TooLargeUnpacked(u64),
    #[error("the package has an entry outside its root: {0:?}")]
    UnsafePath(String),
    #[error("the package has no file {0:?}")]
    NoSuchFile(String),
    #[error("{0:?} is not a text file of at most 1 MB")]
    NotText(String),
    #[error("the package has no TOSCA-Metadata/TOSCA.meta naming its manifest")]
    NoManifest,
    #[error("a helm chart cannot take the mep-agent: {0}")]
    Chart(String),
}

/// One node of a package's tree (`get-pkg-structure`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TreeNode {
    pub file_name: String,
    pub file_path: String,
    pub is_file: bool,
    #[schema(no_recursion)]
    pub children: Vec<TreeNode>,
}

/// A package's files by path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Csar {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Whether `path` is a relative path that stays inside the package.
pub fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

impl Csar {
    /// Reads a package with the limits above.
    pub fn read(bytes: &[u8]) -> Result<Csar, CsarError> {
        let corrupt = |e: zip::result::ZipError| CsarError::Corrupt(e.to_string());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(corrupt)?;
        if archive.len() > MAX_ENTRIES {
            return Err(CsarError::TooManyEntries(MAX_ENTRIES));
        }
        let mut files = BTreeMap::new();
        let mut unpacked = 0u64;
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).map_err(corrupt)?;
            let name = entry
                .name()
                .map_err(corrupt)?
                .trim_end_matches('/')
                .to_owned();
            if entry.is_dir() {
                if !name.is_empty() && !safe_path(&name) {
                    return Err(CsarError::UnsafePath(name));
                }
                continue;
            }
            if !safe_path(&name) || entry.is_symlink() {
                return Err(CsarError::UnsafePath(name));
            }
            let budget = MAX_UNPACKED - unpacked;
            let mut data = Vec::new();
            (&mut entry)
                .take(budget + 1)
                .read_to_end(&mut data)
                .map_err(|e| CsarError::Corrupt(e.to_string()))?;
            unpacked += data.len() as u64;
            if unpacked > MAX_UNPACKED {
                return Err(CsarError::TooLargeUnpacked(MAX_UNPACKED));
            }
            files.insert(name, data);
        }
        Ok(Csar { files })
    }

    /// The paths of its files, sorted.
    pub fn paths(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }

    /// One file as text.
    pub fn text(&self, path: &str) -> Result<&str, CsarError> {
        let data = self
            .files
            .get(path)
            .ok_or_else(|| CsarError::NoSuchFile(path.to_owned()))?;
        if data.len() > MAX_TEXT {
            return Err(CsarError::NotText(path.to_owned()));
        }
        std::str::from_utf8(data).map_err(|_| CsarError::NotText(path.to_owned()))
    }

    /// The package with one existing text file's content replaced.
    pub fn with_text(&self, path: &str, content: &str) -> Result<Csar, CsarError> {
        self.text(path)?;
        if content.len() > MAX_TEXT {
            return Err(CsarError::NotText(path.to_owned()));
        }
        let mut changed = self.clone();
        changed
            .files
            .insert(path.to_owned(), content.as_bytes().to_vec());
        Ok(changed)
    }

    /// Its files as a tree: directories first, then files, each by name.
    pub fn tree(&self) -> Vec<TreeNode> {
        let mut root: Vec<TreeNode> = Vec::new();
        for path in self.files.keys() {
            let parts: Vec<&str> = path.split('/').collect();
            let mut level = &mut root;
            for (depth, part) in parts.iter().enumerate() {
                let is_file = depth + 1 == parts.len();
                let position = match level
                    .iter()
                    .position(|n| n.file_name == *part && n.is_file == is_file)
                {
                    Some(position) => position,
                    None => {
                        level.push(TreeNode {
                            file_name: (*part).to_owned(),
                            file_path: parts[..=depth].join("/"),
                            is_file,
                            children: Vec::new(),
                        });
                        level.len() - 1
                    }
                };
                level = &mut level[position].children;
            }
        }
        sort_tree(&mut root);
        root
    }

    /// The manifest's path, as `TOSCA-Metadata/TOSCA.meta` names it.
    pub fn manifest_path(&self) -> Result<String, CsarError> {
        let meta = self
            .text(META)
            .map_err(|_| CsarError::NoManifest)?
            .to_owned();
        meta.lines()
            .find_map(|line| line.strip_prefix("ETSI-Entry-Manifest:"))
            .map(|p| p.trim().to_owned())
            .filter(|p| safe_path(p))
            .ok_or(CsarError::NoManifest)
    }

    /// The package re-packed: its manifest keeps its `metadata:` block and lists a SHA-256 of
    /// every other file again; with a signer, the signature file signs the manifest.
    pub fn sealed(&self, signer: Option<&Signer>) -> Result<Csar, CsarError> {
        let manifest_path = self.manifest_path()?;
        let signature_path = format!("{manifest_path}.sig");
        let metadata = self
            .text(&manifest_path)
            .ok()
            .and_then(|m| m.split("\n\n").next())
            .filter(|block| block.starts_with("metadata:"))
            .unwrap_or("metadata:")
            .to_owned();
        let mut sealed = self.clone();
        sealed.files.remove(&signature_path);
        sealed.files.remove(&manifest_path);
        let mut manifest = format!("{}\n", metadata.trim_end());
        for (path, data) in &sealed.files {
            manifest.push_str(&format!(
                "\nSource: {path}\nAlgorithm: SHA-256\nHash: {}\n",
                hex(&Sha256::digest(data))
            ));
        }
        if let Some(signer) = signer {
            let signature = signer.sign(manifest.as_bytes());
            sealed.files.insert(signature_path, signature);
        }
        sealed.files.insert(manifest_path, manifest.into_bytes());
        Ok(sealed)
    }

    /// The zip of its files, each deflated.
    pub fn zip(&self) -> Result<Vec<u8>, CsarError> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        let written: zip::result::ZipResult<Vec<u8>> = (|| {
            for (name, data) in &self.files {
                writer.start_file(name.as_str(), options)?;
                writer.write_all(data)?;
            }
            Ok(writer.finish()?.into_inner())
        })();
        written.map_err(|e| CsarError::Corrupt(e.to_string()))
    }
}

/// `TOSCA-Metadata/TOSCA.meta`.
pub const META: &str = "TOSCA-Metadata/TOSCA.meta";

fn sort_tree(nodes: &mut [TreeNode]) {
    nodes.sort_by(|a, b| (a.is_file, &a.file_name).cmp(&(b.is_file, &b.file_name)));
    for node in nodes {
        sort_tree(&mut node.children);
    }
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
