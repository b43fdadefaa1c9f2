//! Helm chart archives (reference 1.4): reading a `.tgz` with limits (size, entry count,
//! unpacked size; only files and directories, no absolute or `..` paths), checking it is a chart
//! (`Chart.yaml` with name and version, `values.yaml`, manifests under `templates/` that render
//! to Kubernetes objects), listing the images its manifests name, turning a YAML of manifests
//! into a chart, replacing one inner file, and packing it again.
//!
//! - [`render`]: the template subset rendered before a manifest is parsed.

pub mod render;

use std::io::{Read, Write};
use std::path::Path;

use serde_yaml_ng::Value;

/// The largest chart archive or manifest YAML accepted.
pub const ARCHIVE_LIMIT: u64 = 10 * 1024 * 1024;
/// The most entries an archive may have.
pub const MAX_ENTRIES: usize = 1000;
/// The most bytes an archive may unpack to.
pub const MAX_UNPACKED: u64 = 32 * 1024 * 1024;
/// The largest inner file served or replaced as text.
pub const MAX_INNER_FILE: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    #[error("not a gzip-compressed tar archive")]
    NotGzipTar,
    #[error("the archive is not readable: {0}")]
    Corrupt(String),
    #[error("the archive has more than {0} entries")]
    TooManyEntries(usize),
    #[error("the archive unpacks to more than {0} bytes")]
    TooLargeUnpacked(u64),
    #[error("the archive has an entry outside its root: {0:?}")]
    UnsafePath(String),
    #[error("the archive has an entry that is not a file or a directory: {0:?}")]
    UnsupportedEntry(String),
    #[error("a chart is one directory; this archive has {0}")]
    Roots(String),
    #[error("the chart has no {0}")]
    Missing(&'static str),
    #[error("Chart.yaml: {0}")]
    BadChartYaml(String),
    #[error("values.yaml is not YAML: {0}")]
    BadValues(String),
    #[error("{path}: {detail}")]
    BadManifest { path: String, detail: String },
    #[error("the chart has no file {0:?}")]
    NoSuchFile(String),
    #[error("{0:?} is not a text file of at most 1 MB")]
    NotText(String),
}

/// One entry of a chart archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative, `/`-separated, without a leading `./` or trailing `/`.
    pub path: String,
    pub directory: bool,
    pub mode: u32,
    pub data: Vec<u8>,
}

/// A checked chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub name: String,
    pub version: String,
    pub entries: Vec<Entry>,
    /// The images its manifests name, sorted, without duplicates.
    pub images: Vec<String>,
    /// The Kubernetes objects its manifests render to, in file order.
    pub objects: Vec<Value>,
}

impl Chart {
    /// The paths of its files (not directories), sorted.
    pub fn files(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .entries
            .iter()
            .filter(|e| !e.directory)
            .map(|e| e.path.clone())
            .collect();
        files.sort();
        files
    }

    /// An inner file as text.
    pub fn inner_text(&self, path: &str) -> Result<&str, ChartError> {
        let entry = self
            .entries
            .iter()
            .find(|e| !e.directory && e.path == path)
            .ok_or_else(|| ChartError::NoSuchFile(path.to_owned()))?;
        if entry.data.len() > MAX_INNER_FILE {
            return Err(ChartError::NotText(path.to_owned()));
        }
        std::str::from_utf8(&entry.data).map_err(|_| ChartError::NotText(path.to_owned()))
    }

    /// The chart with one existing file's content replaced, checked again.
    pub fn with_file(&self, path: &str, content: &str) -> Result<Chart, ChartError> {
        self.inner_text(path)?;
        if content.len() > MAX_INNER_FILE {
            return Err(ChartError::NotText(path.to_owned()));
        }
        let mut entries = self.entries.clone();
        for entry in entries.iter_mut().filter(|e| e.path == path) {
            entry.data = content.as_bytes().to_vec();
        }
        check(entries)
    }

    /// Its manifests' text joined by `---`, when it is at most `limit` bytes.
    pub fn templates_text(&self, limit: usize) -> Option<String> {
        let text = self
            .entries
            .iter()
            .filter(|e| is_manifest(&self.root(), &e.path))
            .map(|e| String::from_utf8_lossy(&e.data).trim_end().to_owned())
            .collect::<Vec<_>>()
            .join("\n---\n");
        (text.len() <= limit).then_some(text)
    }

    fn root(&self) -> String {
        root_of(&self.entries[0].path).to_owned()
    }

    /// The archive: a gzip-compressed tar of its entries, in order.
    pub fn pack(&self) -> std::io::Result<Vec<u8>> {
        let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut builder = tar::Builder::new(encoder);
        for entry in &self.entries {
            let mut header = tar::Header::new_gnu();
            header.set_mode(entry.mode);
            header.set_mtime(0);
            if entry.directory {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_size(0);
                builder.append_data(&mut header, format!("{}/", entry.path), std::io::empty())?;
            } else {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_size(entry.data.len() as u64);
                builder.append_data(&mut header, &entry.path, entry.data.as_slice())?;
            }
        }
        let mut encoder = builder.into_inner()?;
        encoder.flush()?;
        encoder.finish()
    }
}

/// Reads and checks a chart archive on disk.
pub fn check_archive(path: &Path) -> Result<Chart, ChartError> {
    let file = std::fs::File::open(path).map_err(|e| ChartError::Corrupt(e.to_string()))?;
    read_archive(std::io::BufReader::new(file))
}

/// Reads and checks a chart archive.
pub fn read_archive(mut reader: impl Read) -> Result<Chart, ChartError> {
    let mut magic = [0u8; 2];
    reader
        .read_exact(&mut magic)
        .map_err(|_| ChartError::NotGzipTar)?;
    if magic != [0x1f, 0x8b] {
        return Err(ChartError::NotGzipTar);
    }
    let decoder = flate2::read::GzDecoder::new(std::io::Cursor::new(magic).chain(reader));
    let mut archive = tar::Archive::new(decoder);
    let mut entries = Vec::new();
    let mut unpacked = 0u64;
    let iter = archive.entries().map_err(|_| ChartError::NotGzipTar)?;
    for entry in iter {
        let mut entry = entry.map_err(|e| ChartError::Corrupt(e.to_string()))?;
        let kind = entry.header().entry_type();
        if matches!(
            kind,
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader
        ) {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = clean_path(&raw).ok_or_else(|| ChartError::UnsafePath(raw.clone()))?;
        let directory = match kind {
            tar::EntryType::Directory => true,
            tar::EntryType::Regular | tar::EntryType::Continuous => false,
            _ => return Err(ChartError::UnsupportedEntry(raw)),
        };
        if entries.len() >= MAX_ENTRIES {
            return Err(ChartError::TooManyEntries(MAX_ENTRIES));
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        unpacked = unpacked.saturating_add(size);
        if unpacked > MAX_UNPACKED {
            return Err(ChartError::TooLargeUnpacked(MAX_UNPACKED));
        }
        let mut data = Vec::new();
        if !directory {
            (&mut entry)
                .take(size)
                .read_to_end(&mut data)
                .map_err(|e| ChartError::Corrupt(e.to_string()))?;
        }
        let mode = entry.header().mode().unwrap_or(0o644) & 0o777;
        entries.push(Entry {
            path,
            directory,
            mode,
            data,
        });
    }
    check(entries)
}

/// A relative, normalised path, or `None` when it is absolute or climbs out.
fn clean_path(raw: &str) -> Option<String> {
    if raw.starts_with('/') || raw.contains('\\') || raw.contains('\0') {
        return None;
    }
    let parts: Vec<&str> = raw
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    Some(parts.join("/"))
}

fn root_of(path: &str) -> &str {
    path.split('/').next().unwrap_or_default()
}

fn is_manifest(root: &str, path: &str) -> bool {
    path.strip_prefix(root)
        .and_then(|p| p.strip_prefix("/templates/"))
        .is_some_and(|p| p.ends_with(".yaml") || p.ends_with(".yml"))
}

/// Checks the entries are one chart and reads what it declares.
pub(crate) fn check(entries: Vec<Entry>) -> Result<Chart, ChartError> {
    let mut roots: Vec<&str> = entries.iter().map(|e| root_of(&e.path)).collect();
    roots.sort_unstable();
    roots.dedup();
    let root = match roots.as_slice() {
        [root] => root.to_string(),
        [] => return Err(ChartError::Missing("Chart.yaml")),
        many => return Err(ChartError::Roots(many.join(", "))),
    };
    let file = |name: &str| {
        let path = format!("{root}/{name}");
        entries.iter().find(move |e| !e.directory && e.path == path)
    };
    let chart_yaml = file("Chart.yaml").ok_or(ChartError::Missing("Chart.yaml"))?;
    let meta: Value = serde_yaml_ng::from_slice(&chart_yaml.data)
        .map_err(|e| ChartError::BadChartYaml(e.to_string()))?;
    let field = |key: &str| meta.get(key).and_then(scalar_text);
    let name = field("name").ok_or(ChartError::BadChartYaml("no name".into()))?;
    if !is_chart_name(&name) {
        return Err(ChartError::BadChartYaml(format!(
            "name {name:?} must be lowercase letters, digits and dashes (at most 53)"
        )));
    }
    let version = field("version").ok_or(ChartError::BadChartYaml("no version".into()))?;
    if version.is_empty() || version.len() > 64 {
        return Err(ChartError::BadChartYaml(
            "version must be 1-64 characters".into(),
        ));
    }
    let app_version = field("appVersion").unwrap_or_else(|| version.clone());
    let values_yaml = file("values.yaml").ok_or(ChartError::Missing("values.yaml"))?;
    let values: Value = serde_yaml_ng::from_slice(&values_yaml.data)
        .map_err(|e| ChartError::BadValues(e.to_string()))?;
    let scope = render::Scope {
        values: &values,
        chart_name: &name,
        chart_version: &version,
        app_version: &app_version,
    };
    let mut images = Vec::new();
    let mut objects = Vec::new();
    let mut manifests = 0;
    for entry in entries.iter().filter(|e| is_manifest(&root, &e.path)) {
        manifests += 1;
        let bad = |detail: String| ChartError::BadManifest {
            path: entry.path.clone(),
            detail,
        };
        let text = std::str::from_utf8(&entry.data).map_err(|_| bad("not UTF-8 text".into()))?;
        let rendered = render::render(text, &scope);
        for document in serde_yaml_ng::Deserializer::from_str(&rendered) {
            let value = <Value as serde::Deserialize>::deserialize(document)
                .map_err(|e| bad(format!("not YAML: {e}")))?;
            if value.is_null() {
                continue;
            }
            check_object(&value).map_err(bad)?;
            collect_images(&value, &mut images);
            objects.push(value);
        }
    }
    if manifests == 0 {
        return Err(ChartError::Missing("manifest (.yaml) under templates/"));
    }
    images.sort();
    images.dedup();
    Ok(Chart {
        name,
        version,
        entries,
        images,
        objects,
    })
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Helm's rule for chart names (and DNS labels): lowercase letters, digits, dashes inside.
fn is_chart_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 53
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// A Kubernetes object: `apiVersion`, `kind` and `metadata.name` are non-empty strings.
fn check_object(value: &Value) -> Result<(), String> {
    if !value.is_mapping() {
        return Err("a manifest must be a mapping (a Kubernetes object)".into());
    }
    for key in ["apiVersion", "kind"] {
        if value
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(format!("a Kubernetes object needs {key}"));
        }
    }
    let named = value
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if !named {
        return Err("a Kubernetes object needs metadata.name".into());
    }
    Ok(())
}

/// Every string under a key `image`.
fn collect_images(value: &Value, images: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    (Some("image"), Value::String(image)) if !image.is_empty() => {
                        images.push(image.clone())
                    }
                    _ => collect_images(item, images),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|i| collect_images(i, images)),
        _ => {}
    }
}

/// A chart made of an uploaded YAML of manifests (`file_name` its name): `Chart.yaml` named
/// after the file, empty values, the manifests as its one template.
pub fn from_manifests(file_name: &str, yaml: &[u8]) -> Result<Chart, ChartError> {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let name = chart_name_of(stem);
    let meta = format!(
        "apiVersion: v2\nname: {name}\ndescription: made from {file_name:?}\ntype: application\nversion: 0.1.0\nappVersion: \"1.0\"\n"
    );
    let file = |path: String, data: Vec<u8>| Entry {
        path,
        directory: false,
        mode: 0o644,
        data,
    };
    let dir = |path: String| Entry {
        path,
        directory: true,
        mode: 0o755,
        data: Vec::new(),
    };
    let entries = vec![
        dir(name.clone()),
        file(format!("{name}/Chart.yaml"), meta.into_bytes()),
        file(format!("{name}/values.yaml"), b"{}\n".to_vec()),
        dir(format!("{name}/templates")),
        file(format!("{name}/templates/{name}.yaml"), yaml.to_vec()),
    ];
    check(entries)
}

/// A chart name made of any text: lowercase, other characters as dashes, at most 53.
fn chart_name_of(text: &str) -> String {
    let mut name: String = text
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(53)
        .collect();
    name = name.trim_matches('-').to_owned();
    if name.is_empty() {
        "chart".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests;
