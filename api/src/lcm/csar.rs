//! The application package a VM launch uploads: a CSAR (a zip, stored without compression) with
//! `TOSCA-Metadata/TOSCA.meta`, a manifest of SHA-256 digests, and `APPD/vnfd.json` describing the
//! single VM (flavor, image, ports on networks, cloud-init user data). The login password is
//! merged into the user data here, unsealed only for the package, as the original does.

use sha2::{Digest, Sha256};

/// Builds the package from named files.
pub fn build(name: &str, files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let manifest: String = files
        .iter()
        .map(|(path, bytes)| {
            let digest: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("Source: {path}\nAlgorithm: SHA-256\nHash: {digest}\n\n")
        })
        .collect();
    let meta = format!(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-by: edgedev\nEntry-Definitions: APPD/vnfd.json\nName: {name}\n"
    );
    let mut all: Vec<(String, Vec<u8>)> = vec![
        ("TOSCA-Metadata/TOSCA.meta".into(), meta.into_bytes()),
        (format!("{name}.mf"), manifest.into_bytes()),
    ];
    all.extend(files.iter().map(|(p, b)| ((*p).to_owned(), b.clone())));
    zip_stored(&all)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A zip archive with every entry stored.
fn zip_stored(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let header = |sig: u32, central_entry: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_entry {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central_entry {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend_from_slice(&header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend_from_slice(&header(0x0201_4b50, true));
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn the_package_is_a_zip_the_upload_checks_accept() {
        let csar = super::build("app", &[("APPD/vnfd.json", b"{}".to_vec())]);
        assert_eq!(&csar[..2], b"PK");
        let path = std::env::temp_dir().join(format!("edgedev-csar-{}.zip", uuid::Uuid::new_v4()));
        std::fs::write(&path, &csar).expect("written");
        let checked = crate::files::checks::check_zip(&path, 3, 1024);
        let too_many = crate::files::checks::check_zip(&path, 2, 1024);
        let _ = std::fs::remove_file(&path);
        assert!(checked.is_ok(), "{checked:?}");
        assert!(
            too_many.is_err(),
            "the central directory lists all three entries"
        );
    }
}
