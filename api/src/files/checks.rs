//! Content checks on staged uploads, reading only what they need: the zip central directory (for
//! entry count and total uncompressed size, never extracting), image signatures, UTF-8 text.

use std::io::{Read, Seek, SeekFrom};
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
    #[error("could not read the upload: {0}")]
    Io(String),
}

const EOCD: u32 = 0x0605_4b50;
const CENTRAL: u32 = 0x0201_4b50;

fn u16_at(b: &[u8], i: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[i], b[i + 1]]))
}

fn u32_at(b: &[u8], i: usize) -> u64 {
    u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]))
}

/// Checks a zip (or csar) archive against entry and unpacked-size limits from its central
/// directory. ZIP64 archives (sizes beyond 4 GiB) are refused as too large.
pub fn check_zip(path: &Path, max_entries: u64, max_unpacked: u64) -> Result<(), ContentError> {
    let io = |e: std::io::Error| ContentError::Io(e.to_string());
    let mut file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    // The end record is in the last 22 bytes plus up to 64 KiB of comment.
    let tail_len = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = vec![0; tail_len as usize];
    file.read_exact(&mut tail).map_err(io)?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(&tail, i) == u64::from(EOCD));
    let eocd = eocd.ok_or(ContentError::NotZip)?;
    let entries = u16_at(&tail, eocd + 10);
    let directory_size = u32_at(&tail, eocd + 12);
    let directory_offset = u32_at(&tail, eocd + 16);
    if entries == 0xFFFF || directory_offset == 0xFFFF_FFFF {
        return Err(ContentError::TooLargeUnpacked(u64::MAX, max_unpacked));
    }
    if entries > max_entries {
        return Err(ContentError::TooManyEntries(entries, max_entries));
    }
    if directory_offset + directory_size > len {
        return Err(ContentError::NotZip);
    }
    file.seek(SeekFrom::Start(directory_offset)).map_err(io)?;
    let mut directory = vec![0; directory_size as usize];
    file.read_exact(&mut directory).map_err(io)?;
    let (mut at, mut unpacked, mut counted) = (0usize, 0u64, 0u64);
    while at + 46 <= directory.len() {
        if u32_at(&directory, at) != u64::from(CENTRAL) {
            return Err(ContentError::NotZip);
        }
        let size = u32_at(&directory, at + 24);
        if size == 0xFFFF_FFFF {
            return Err(ContentError::TooLargeUnpacked(u64::MAX, max_unpacked));
        }
        unpacked += size;
        counted += 1;
        if counted > max_entries {
            return Err(ContentError::TooManyEntries(counted, max_entries));
        }
        if unpacked > max_unpacked {
            return Err(ContentError::TooLargeUnpacked(unpacked, max_unpacked));
        }
        at += 46
            + (u16_at(&directory, at + 28)
                + u16_at(&directory, at + 30)
                + u16_at(&directory, at + 32)) as usize;
    }
    Ok(())
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
}
