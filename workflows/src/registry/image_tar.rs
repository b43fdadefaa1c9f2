//! `docker save` tars: read (`manifest.json`: `[{Config, RepoTags, Layers}]` and the files it
//! names), turned into what a registry takes (gzip-compressed layers, the config, a schema-2
//! manifest), and made again from a pulled image, in the layout `docker load` reads.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::MANIFEST_V2;

/// The most bytes a saved image may unpack to (it is held in memory while pushed).
pub const MAX_IMAGE: u64 = 512 * 1024 * 1024;
const CONFIG_MEDIA: &str = "application/vnd.docker.container.image.v1+json";
const LAYER_MEDIA: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// An image as `docker save` wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedImage {
    /// The repository path without a registry host (`library/busybox`, `shop`).
    pub name: String,
    pub tag: String,
    pub config: Vec<u8>,
    /// The layers, uncompressed tars, bottom first.
    pub layers: Vec<Vec<u8>>,
}

/// What a push sends: blobs by digest, then the manifest.
pub struct Push {
    pub config_digest: String,
    pub layers: Vec<(String, Vec<u8>)>,
    pub manifest: Vec<u8>,
}

pub fn sha256_digest(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// `name:tag` split, with a registry host (a first component with `.` or `:`, or `localhost`)
/// dropped; the name and tag checked against the reference grammar.
pub fn split_reference(reference: &str) -> Result<(String, String), String> {
    let (path, tag) = match reference.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => (path, tag),
        _ => (reference, "latest"),
    };
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        parts.remove(0);
    }
    let name = parts.join("/");
    let name_ok = !name.is_empty()
        && name.len() <= 255
        && name.split('/').all(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
                && c.as_bytes()[0].is_ascii_alphanumeric()
        });
    let tag_ok = !tag.is_empty()
        && tag.len() <= 128
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && !tag.starts_with(['.', '-']);
    if !name_ok || !tag_ok {
        return Err(format!(
            "{reference:?} is not an image reference like shop/web:1.0"
        ));
    }
    Ok((name, tag.to_owned()))
}

/// Reads a `docker save` tar (or its gzip).
pub fn read_saved(path: &Path) -> Result<SavedImage, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut magic = [0u8; 2];
    let read = file.read(&mut magic).map_err(|e| e.to_string())?;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader: Box<dyn Read> = if read == 2 && magic == [0x1f, 0x8b] {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut archive = tar::Archive::new(reader);
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    let mut total = 0u64;
    for entry in archive
        .entries()
        .map_err(|_| "not a docker save tar".to_owned())?
    {
        let mut entry = entry.map_err(|e| format!("not a docker save tar: {e}"))?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes())
            .trim_start_matches("./")
            .to_owned();
        let size = entry.header().size().unwrap_or(u64::MAX);
        total = total.saturating_add(size);
        if total > MAX_IMAGE {
            return Err(format!(
                "the image unpacks to more than {} MB",
                MAX_IMAGE >> 20
            ));
        }
        let mut data = Vec::with_capacity(size as usize);
        (&mut entry)
            .take(size)
            .read_to_end(&mut data)
            .map_err(|e| e.to_string())?;
        files.insert(name, data);
    }
    let manifest: Value = files
        .get("manifest.json")
        .and_then(|m| serde_json::from_slice(m).ok())
        .ok_or("not a docker save tar: it has no manifest.json")?;
    let image = manifest.get(0).ok_or("manifest.json lists no image")?;
    let reference = image["RepoTags"]
        .get(0)
        .and_then(Value::as_str)
        .ok_or("the image has no name:tag; save it by name (docker save name:tag)")?;
    let (name, tag) = split_reference(reference)?;
    let take = |path: &str| {
        files
            .get(path)
            .cloned()
            .ok_or_else(|| format!("the tar lacks {path}, which manifest.json names"))
    };
    let config = take(image["Config"].as_str().unwrap_or_default())?;
    let layers = image["Layers"]
        .as_array()
        .ok_or("manifest.json lists no layers")?
        .iter()
        .map(|l| take(l.as_str().unwrap_or_default()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SavedImage {
        name,
        tag,
        config,
        layers,
    })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to memory does not fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// A gzip-compressed layer, uncompressed.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_IMAGE)
        .read_to_end(&mut out)
        .map_err(|e| format!("a layer is not gzip: {e}"))?;
    Ok(out)
}

/// The blobs and the manifest of an image's push.
pub fn to_push(image: &SavedImage) -> Push {
    let layers: Vec<(String, Vec<u8>)> = image
        .layers
        .iter()
        .map(|l| {
            let gz = gzip(l);
            (sha256_digest(&gz), gz)
        })
        .collect();
    let config_digest = sha256_digest(&image.config);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_V2,
        "config": {"mediaType": CONFIG_MEDIA, "size": image.config.len(), "digest": config_digest},
        "layers": layers.iter().map(|(digest, gz)| json!({
            "mediaType": LAYER_MEDIA, "size": gz.len(), "digest": digest
        })).collect::<Vec<_>>(),
    });
    Push {
        config_digest,
        layers,
        manifest: manifest.to_string().into_bytes(),
    }
}

/// A `docker load`-able tar of `reference` from its config and uncompressed layers.
pub fn saved_tar(reference: &str, config: &[u8], layers: &[Vec<u8>]) -> Vec<u8> {
    let hex = |bytes: &[u8]| {
        sha256_digest(bytes)
            .trim_start_matches("sha256:")
            .to_owned()
    };
    let config_name = format!("{}.json", hex(config));
    let layer_names: Vec<String> = layers
        .iter()
        .map(|l| format!("{}/layer.tar", hex(l)))
        .collect();
    let manifest = json!([{"Config": config_name, "RepoTags": [reference], "Layers": layer_names}]);
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        let _ = builder.append_data(&mut header, name, data);
    };
    add(&config_name, config);
    for (name, layer) in layer_names.iter().zip(layers) {
        add(name, layer);
    }
    add("manifest.json", manifest.to_string().as_bytes());
    builder.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_split_and_checked() {
        assert_eq!(
            split_reference("localhost:5000/shop/web:1.0"),
            Ok(("shop/web".into(), "1.0".into()))
        );
        assert_eq!(
            split_reference("busybox"),
            Ok(("busybox".into(), "latest".into()))
        );
        assert!(split_reference("Shop:1").is_err());
        assert!(split_reference("shop:-x").is_err());
    }

    #[test]
    fn a_saved_tar_reads_back_with_its_layers() {
        let dir = std::env::temp_dir().join(format!("image-tar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("image.tar");
        let layers = vec![b"layer one".to_vec(), b"layer two".to_vec()];
        std::fs::write(&path, saved_tar("shop/web:1.0", b"{}", &layers)).expect("write");
        let image = read_saved(&path).expect("read");
        assert_eq!(
            (image.name.as_str(), image.tag.as_str()),
            ("shop/web", "1.0")
        );
        assert_eq!(image.layers, layers);
        let push = to_push(&image);
        assert_eq!(push.layers.len(), 2);
        assert_eq!(gunzip(&push.layers[1].1).expect("gunzip"), b"layer two");
        let _ = std::fs::remove_dir_all(dir);
    }
}
