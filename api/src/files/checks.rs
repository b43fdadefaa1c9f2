//! Content checks on staged uploads, reading only what they need: the zip central directory (for
//! entry count, total uncompressed size and entry paths, never extracting), image signatures, UTF-8 text.

use std::io::Read;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("not a zip archive (no end-of-central-directory record)")]
    NotZip,
    #[error("the archive has {0} entries; at most {1} are allowed")]
    TooManyEntries(u64, u64),
    #[error("the archive unpacks to {0} bytes; at most {1} are allowed")]
    TooLargeUnpacked(u64, u64),
    #[error("the logo must be a JPEG, PNG or BMP image")]
    NotAnImage,
    #[error("the API file must be UTF-8 Markdown text")]
    NotText,
    #[error("an icon must be a PNG or JPEG image")]
    NotAnIcon,
    #[error("the file must be UTF-8 text")]
    NotUtf8,
    #[error("not an OpenAPI (Swagger) description: {0}")]
    NotOpenApi(String),
    #[error("not a kubeconfig: {0}")]
    NotKubeconfig(String),
    #[error("not a helm chart: {0}")]
    NotChart(String),
    #[error("not an application package: {0}")]
    NotPackage(String),
    #[error("the archive has an entry outside its root: {0:?}")]
    UnsafePath(String),
    #[error("could not read the upload: {0}")]
    Io(String),
}

/// Checks a zip (or csar) archive against entry and unpacked-size limits, from its central
/// directory as the `zip` crate reads it, never extracting; entries with an absolute path or a
/// `..` component are refused.
pub fn check_zip(path: &Path, max_entries: u64, max_unpacked: u64) -> Result<(), ContentError> {
    let file = std::fs::File::open(path).map_err(|e| ContentError::Io(e.to_string()))?;
    let mut archive =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|_| ContentError::NotZip)?;
    let entries = archive.len() as u64;
    if entries > max_entries {
        return Err(ContentError::TooManyEntries(entries, max_entries));
    }
    let mut unpacked = 0u64;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|_| ContentError::NotZip)?;
        let name = entry.name().map_err(|_| ContentError::NotZip)?;
        if entry.enclosed_name().is_none() || is_rooted(&name) {
            return Err(ContentError::UnsafePath(name.into_owned()));
        }
        unpacked = unpacked.saturating_add(entry.size());
        if unpacked > max_unpacked {
            return Err(ContentError::TooLargeUnpacked(unpacked, max_unpacked));
        }
    }
    Ok(())
}

/// An absolute name (`/x`, `\\x`, `C:x`), which the `zip` crate would read as relative.
fn is_rooted(name: &str) -> bool {
    name.starts_with(['/', '\\']) || name.as_bytes().get(1) == Some(&b':')
}

/// A JPEG, PNG or BMP by its leading bytes.
pub fn check_image(path: &Path) -> Result<(), ContentError> {
    let mut head = [0u8; 8];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| ContentError::Io(e.to_string()))?;
    let head = &head[..read];
    let image = head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A])
        || head.starts_with(b"BM");
    if image {
        Ok(())
    } else {
        Err(ContentError::NotAnImage)
    }
}

/// A PNG or JPEG image by its leading bytes (what an icon may be).
pub fn check_icon(path: &Path) -> Result<(), ContentError> {
    let mut head = [0u8; 8];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| ContentError::Io(e.to_string()))?;
    let head = &head[..read];
    let icon = head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    if icon {
        Ok(())
    } else {
        Err(ContentError::NotAnIcon)
    }
}

/// UTF-8 text without NUL (a script).
pub fn check_utf8(path: &Path) -> Result<(), ContentError> {
    let bytes = std::fs::read(path).map_err(|e| ContentError::Io(e.to_string()))?;
    match std::str::from_utf8(&bytes) {
        Ok(text) if !text.contains('\0') => Ok(()),
        _ => Err(ContentError::NotUtf8),
    }
}

/// A kubeconfig: UTF-8 YAML that parses to a mapping with a `clusters` list.
pub fn check_kubeconfig(path: &Path) -> Result<(), ContentError> {
    let bytes = std::fs::read(path).map_err(|e| ContentError::Io(e.to_string()))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| ContentError::NotUtf8)?;
    let document: serde_json::Value =
        serde_yaml_ng::from_str(text).map_err(|e| ContentError::NotKubeconfig(e.to_string()))?;
    match document.get("clusters") {
        Some(serde_json::Value::Array(_)) => Ok(()),
        _ => Err(ContentError::NotKubeconfig(
            "it has no `clusters` list".into(),
        )),
    }
}

/// An OpenAPI or Swagger description: JSON (`json` suffix) or YAML that parses to a mapping
/// with an `openapi` or `swagger` version and `paths`. Returns the document.
pub fn check_api_description(path: &Path, suffix: &str) -> Result<serde_json::Value, ContentError> {
    let bytes = std::fs::read(path).map_err(|e| ContentError::Io(e.to_string()))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| ContentError::NotUtf8)?;
    let document: serde_json::Value = if suffix == "json" {
        serde_json::from_str(text).map_err(|e| ContentError::NotOpenApi(e.to_string()))?
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| ContentError::NotOpenApi(e.to_string()))?
    };
    let Some(map) = document.as_object() else {
        return Err(ContentError::NotOpenApi(
            "the document is not a mapping".into(),
        ));
    };
    let versioned = ["openapi", "swagger"].iter().any(|key| {
        map.get(*key)
            .is_some_and(|v| v.is_string() || v.is_number())
    });
    if !versioned {
        return Err(ContentError::NotOpenApi(
            "it has no `openapi` or `swagger` version".into(),
        ));
    }
    if !map.get("paths").is_some_and(serde_json::Value::is_object) {
        return Err(ContentError::NotOpenApi("it has no `paths` mapping".into()));
    }
    Ok(document)
}

/// UTF-8 text (Markdown).
pub fn check_text(path: &Path) -> Result<(), ContentError> {
    let bytes = std::fs::read(path).map_err(|e| ContentError::Io(e.to_string()))?;
    std::str::from_utf8(&bytes)
        .map(|_| ())
        .map_err(|_| ContentError::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EOCD: u32 = 0x0605_4b50;
    const CENTRAL: u32 = 0x0201_4b50;

    /// A stored-method zip whose central directory declares `declared` unpacked bytes per entry.
    pub fn zip(entries: usize, declared: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for i in 0..entries {
            let name = format!("f{i}.txt");
            let offset = out.len() as u32;
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&0u32.to_le_bytes()); // crc
            out.extend_from_slice(&1u32.to_le_bytes()); // compressed
            out.extend_from_slice(&declared.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.push(b'x');
            central.extend_from_slice(&CENTRAL.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&0u32.to_le_bytes());
            central.extend_from_slice(&1u32.to_le_bytes());
            central.extend_from_slice(&declared.to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let directory_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&EOCD.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(entries as u16).to_le_bytes());
        out.extend_from_slice(&(entries as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&directory_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn temp(bytes: &[u8]) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("edgedev-zip-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&path, bytes).expect("write");
        path
    }

    #[test]
    fn a_small_archive_passes_and_a_bomb_or_a_crowd_does_not() {
        assert_eq!(check_zip(&temp(&zip(3, 100)), 1024, 100 << 20), Ok(()));
        assert!(matches!(
            check_zip(&temp(&zip(2, 60 << 20)), 1024, 100 << 20),
            Err(ContentError::TooLargeUnpacked(..))
        ));
        assert!(matches!(
            check_zip(&temp(&zip(1025, 1)), 1024, 100 << 20),
            Err(ContentError::TooManyEntries(1025, 1024))
        ));
        assert_eq!(
            check_zip(&temp(b"not a zip at all, just text"), 1024, 100 << 20),
            Err(ContentError::NotZip)
        );
    }

    fn zip_of(names: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for name in names {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("entry");
            writer.write_all(b"data").expect("data");
        }
        writer.finish().expect("finish").into_inner()
    }

    #[test]
    fn an_entry_outside_the_archive_root_is_refused() {
        assert_eq!(
            check_zip(
                &temp(&zip_of(&["docs/readme.md", "lib/a.jar"])),
                10,
                1 << 20
            ),
            Ok(())
        );
        for name in ["../evil.sh", "/etc/passwd", "a/../../b"] {
            assert_eq!(
                check_zip(&temp(&zip_of(&["ok.txt", name])), 10, 1 << 20),
                Err(ContentError::UnsafePath(name.to_owned())),
                "{name}"
            );
        }
    }

    #[test]
    fn images_are_recognised_by_content_not_name() {
        assert_eq!(
            check_image(&temp(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0])),
            Ok(())
        );
        assert_eq!(check_image(&temp(&[0xFF, 0xD8, 0xFF, 0xE0])), Ok(()));
        assert_eq!(check_image(&temp(b"BM....")), Ok(()));
        assert_eq!(
            check_image(&temp(b"<svg></svg>")),
            Err(ContentError::NotAnImage)
        );
    }

    #[test]
    fn the_package_is_a_zip_the_upload_checks_accept() {
        let csar = workflows::lcm::csar::build("app", &[("APPD/vnfd.json", b"{}".to_vec())]);
        assert_eq!(&csar[..2], b"PK");
        let path = std::env::temp_dir().join(format!("edgedev-csar-{}.zip", uuid::Uuid::new_v4()));
        std::fs::write(&path, &csar).expect("written");
        let checked = check_zip(&path, 3, 1024);
        let too_many = check_zip(&path, 2, 1024);
        let _ = std::fs::remove_file(&path);
        assert!(checked.is_ok(), "{checked:?}");
        assert!(
            too_many.is_err(),
            "the central directory lists all three entries"
        );
    }
}
