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

/// A zip archive with every entry stored (uncompressed), written with the `zip` crate.
fn zip_stored(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let written: zip::result::ZipResult<Vec<u8>> = (|| {
        for (name, data) in entries {
            writer.start_file(name.as_str(), options)?;
            writer.write_all(data)?;
        }
        Ok(writer.finish()?.into_inner())
    })();
    // Writing to memory fails only on names or sizes a zip cannot hold; ours are small and fixed.
    written.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_package_holds_the_meta_file_the_manifest_and_the_files_with_their_digests() {
        use std::io::Read;
        let csar = super::build("app", &[("APPD/vnfd.json", b"{}".to_vec())]);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(csar)).expect("a zip");
        let names: Vec<String> = archive
            .file_names()
            .map(|name| name.expect("a UTF-8 name").into_owned())
            .collect();
        assert_eq!(names.len(), 3);
        for name in ["TOSCA-Metadata/TOSCA.meta", "app.mf", "APPD/vnfd.json"] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        let mut manifest = String::new();
        archive
            .by_name("app.mf")
            .expect("manifest")
            .read_to_string(&mut manifest)
            .expect("text");
        // SHA-256 of "{}".
        assert!(manifest.contains(
            "Source: APPD/vnfd.json\nAlgorithm: SHA-256\nHash: 44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        ), "{manifest}");
    }
}
