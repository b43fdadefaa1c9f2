//! A package built from a VM application: its files, manifest digests, signature, edits and
//! re-packs, and the limits of reading one.

use std::collections::BTreeMap;
use std::io::Write;

use cqrs_es::Aggregate;
use domain::application::sandbox::{Network, VmConfig, VmPort, VmSpec};
use domain::application::*;
use domain::flavor::FlavorFields;
use sha2::{Digest, Sha256};

use super::csar::{hex, safe_path};
use super::*;

/// An Ed25519 PKCS#8 key (made with `openssl genpkey -algorithm ed25519`, for tests only).
const TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMSL3CmFbQfVc+NofKgLlSD7ZcFRgcgICYcH98seklCK\n-----END PRIVATE KEY-----\n";

fn vm_application() -> LiveApplication {
    let fields = ApplicationFields {
        name: AppName::parse("camera-app").expect("name"),
        description: Description::parse("a camera").expect("description"),
        version: AppVersion::parse("v1.0").expect("version"),
        provider: Provider::parse("edgedev").expect("provider"),
        architecture: Architecture::X86,
        app_class: AppClass::Vm,
        app_type: Label::parse("Video", 50, FieldError::Type).expect("type"),
        industry: Label::parse("Smart Park", 100, FieldError::Industry).expect("industry"),
        icon_file_id: FileRef::parse(
            "7b5b3d2e-0a5c-4b8e-9d2f-6f1d5c1a2b3c",
            FieldError::IconFileId,
        )
        .expect("icon"),
        guide_file_id: None,
        app_create_type: AppCreateType::Develop,
        pkg_spec_id: None,
    };
    let mut app = Application::default();
    for event in [
        ApplicationEvent::ApplicationCreated {
            fields,
            owner_id: "u1".into(),
            owner_name: "owner".into(),
            created_at: chrono::Utc::now(),
        },
        ApplicationEvent::NetworkCreated {
            network: Network {
                id: "n1".into(),
                name: "MEC_APP_N6".into(),
                description: String::new(),
            },
        },
        ApplicationEvent::VmCreated {
            vm: VmConfig {
                id: "vm1".into(),
                spec: VmSpec {
                    name: "vm1".into(),
                    flavor_id: "f1".into(),
                    image_id: 7,
                    user_data: Some("#!/bin/bash\necho hi\n".into()),
                    area_zone: Some("nova".into()),
                    flavor_extra_specs: None,
                    ports: vec![VmPort {
                        id: "p1".into(),
                        name: "eth0".into(),
                        description: String::new(),
                        network_name: "MEC_APP_N6".into(),
                    }],
                    certificate: None,
                },
            },
        },
    ] {
        app.apply(event);
    }
    app.state.expect("live")
}

fn source(app: &LiveApplication) -> PackageSource<'_> {
    let flavor = FlavorFields {
        name: "small".into(),
        description: None,
        architecture: "X86".into(),
        cpu: 2,
        memory: 4096,
        system_disk_size: 50,
        data_disk_size: 0,
        gpu_extra_info: None,
        other_extra_info: None,
    };
    let image = ImageDescription {
        name: "ubuntu-22".into(),
        os_type: "ubuntu".into(),
        os_version: "22.04".into(),
        system_disk_size: 50,
        disk_bus: "virtio".into(),
        format: Some("qcow2".into()),
        size: Some(1024),
        checksum: Some("abc".into()),
        file_name: Some("ubuntu.qcow2".into()),
    };
    PackageSource {
        app,
        flavors: BTreeMap::from([("f1".to_owned(), flavor)]),
        images: BTreeMap::from([(7, image)]),
        artifacts: vec![(
            "Artifacts/Deployment/Scripts/init.sh".into(),
            b"echo\n".to_vec(),
        )],
        created_at: chrono::Utc::now(),
    }
}

/// Every manifest entry's digest equals its file's, and every other file is listed.
fn assert_manifest_matches(csar: &Csar, manifest_path: &str) {
    let manifest = csar.text(manifest_path).expect("manifest");
    let mut listed = Vec::new();
    for block in manifest.split("\n\n").skip(1) {
        let source = block
            .lines()
            .find_map(|l| l.strip_prefix("Source: "))
            .expect("source");
        let hash = block
            .lines()
            .find_map(|l| l.strip_prefix("Hash: "))
            .expect("hash");
        let data = csar.files.get(source).expect("listed file exists");
        assert_eq!(hash, hex(&Sha256::digest(data)), "{source}");
        listed.push(source.to_owned());
    }
    let expected: Vec<String> = csar
        .paths()
        .into_iter()
        .filter(|p| p != manifest_path && *p != format!("{manifest_path}.sig"))
        .collect();
    assert_eq!(listed, expected);
}

#[test]
fn a_vm_package_has_its_layout_and_a_manifest_that_matches_its_files() {
    let app = vm_application();
    let csar = build(&source(&app), None).expect("built");
    let read = Csar::read(&csar.zip().expect("zip")).expect("read back");
    assert_eq!(read, csar);
    for path in [
        "TOSCA-Metadata/TOSCA.meta",
        "camera-app_v1.0.mf",
        "APPD/Definitions/MainServiceTemplate.yaml",
        "Image/SwImageDesc.json",
        "Artifacts/Deployment/Scripts/init.sh",
    ] {
        assert!(
            read.files.contains_key(path),
            "{path} in {:?}",
            read.paths()
        );
    }
    assert!(!read.files.contains_key("camera-app_v1.0.mf.sig"));
    assert_manifest_matches(&read, "camera-app_v1.0.mf");
    let template: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(read.text(appd::SERVICE_TEMPLATE).expect("text")).expect("yaml");
    let vdu = &template["topology_template"]["node_templates"]["vm1"];
    assert_eq!(vdu["type"].as_str(), Some("tosca.nodes.nfv.Vdu.Compute"));
    let cpu = &vdu["capabilities"]["virtual_compute"]["properties"]["virtual_cpu"];
    assert_eq!(cpu["num_virtual_cpu"].as_i64(), Some(2));
    let port = &template["topology_template"]["node_templates"]["vm1_eth0"];
    assert_eq!(
        port["requirements"][1]["virtual_link"].as_str(),
        Some("MEC_APP_N6")
    );
    let images: serde_json::Value =
        serde_json::from_str(read.text(appd::SW_IMAGE_DESC).expect("text")).expect("json");
    assert_eq!(images[0]["name"], "ubuntu-22");
}

#[test]
fn a_signed_package_carries_a_signature_of_its_manifest_that_verifies() {
    let signer = Signer::from_pem(TEST_KEY.as_bytes(), None).expect("key");
    // What `openssl pkey -pubout` printed for the key.
    assert_eq!(
        signer.public_key_pem().replace("\r\n", "\n"),
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAYLCJI6g0uAufzYRoogIa6M4ozxev16zS+LSWtQJwCqw=\n-----END PUBLIC KEY-----\n"
    );
    let app = vm_application();
    let csar = build(&source(&app), Some(&signer)).expect("built");
    let manifest = csar.files.get("camera-app_v1.0.mf").expect("manifest");
    let signature = csar.files.get("camera-app_v1.0.mf.sig").expect("signature");
    assert!(signing::verify(
        &signer.public_key_pem(),
        manifest,
        signature
    ));
    let mut tampered = manifest.clone();
    tampered[0] ^= 1;
    assert!(!signing::verify(
        &signer.public_key_pem(),
        &tampered,
        signature
    ));
}

#[test]
fn an_edit_leaves_the_manifest_stale_until_the_package_is_sealed_again() {
    let signer = Signer::from_pem(TEST_KEY.as_bytes(), None).expect("key");
    let app = vm_application();
    let csar = build(&source(&app), Some(&signer)).expect("built");
    let edited = csar
        .with_text(appd::SERVICE_TEMPLATE, "tosca_definitions_version: x\n")
        .expect("edited");
    let manifest = edited.text("camera-app_v1.0.mf").expect("manifest");
    assert!(!manifest.contains(&hex(&Sha256::digest(b"tosca_definitions_version: x\n"))));
    let sealed = edited.sealed(Some(&signer)).expect("sealed");
    assert_manifest_matches(&sealed, "camera-app_v1.0.mf");
    assert!(sealed
        .text("camera-app_v1.0.mf")
        .expect("manifest")
        .starts_with("metadata:\napp_product_name: camera-app\n"));
    let signature = sealed
        .files
        .get("camera-app_v1.0.mf.sig")
        .expect("signature");
    assert!(signing::verify(
        &signer.public_key_pem(),
        sealed.files.get("camera-app_v1.0.mf").expect("manifest"),
        signature
    ));
    assert!(matches!(
        csar.with_text("APPD/none.yaml", "x"),
        Err(CsarError::NoSuchFile(_))
    ));
}

#[test]
fn the_tree_lists_directories_before_files() {
    let app = vm_application();
    let csar = build(&source(&app), None).expect("built");
    let tree = csar.tree();
    let names: Vec<(&str, bool)> = tree
        .iter()
        .map(|n| (n.file_name.as_str(), n.is_file))
        .collect();
    assert_eq!(
        names,
        vec![
            ("APPD", false),
            ("Artifacts", false),
            ("Image", false),
            ("TOSCA-Metadata", false),
            ("camera-app_v1.0.mf", true)
        ]
    );
    assert_eq!(
        tree[0].children[0].children[0].file_path,
        appd::SERVICE_TEMPLATE
    );
}

#[test]
fn paths_outside_the_package_are_refused() {
    for bad in [
        "../x",
        "/etc/passwd",
        "a/../../b",
        "a\\b",
        "",
        "a//b",
        "./a",
    ] {
        assert!(!safe_path(bad), "{bad:?}");
    }
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file("../evil.txt", zip::write::SimpleFileOptions::default())
        .expect("entry");
    writer.write_all(b"x").expect("write");
    let bytes = writer.finish().expect("zip").into_inner();
    assert!(matches!(Csar::read(&bytes), Err(CsarError::UnsafePath(_))));
    assert!(matches!(
        Csar::read(b"not a zip"),
        Err(CsarError::Corrupt(_))
    ));
}

/// A gzip tar of `entries`.
fn tgz(entries: &[(&str, &str)]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, name, data.as_bytes())
            .expect("entry");
    }
    builder.into_inner().and_then(|e| e.finish()).expect("tgz")
}

#[test]
fn a_container_application_with_services_gets_the_mep_agent_in_its_charts() {
    use domain::application::services::ServiceProduced;
    let mut app = vm_application();
    app.fields.app_class = AppClass::Container;
    app.vms.clear();
    app.services_produced.push(ServiceProduced {
        service_name: "locator".into(),
        version: "v1".into(),
        protocol: "HTTP".into(),
        internal_port: 8080,
        ..ServiceProduced::default()
    });
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        # the application\n        - name: web\n          image: nginx:1.25\n      initContainers:\n        - name: init\n          image: busybox\n";
    let chart = tgz(&[
        (
            "web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        ),
        ("web/values.yaml", "{}\n"),
        ("web/templates/deployment.yaml", deployment),
    ]);
    let mut source = source(&app);
    source.artifacts = vec![("Artifacts/Deployment/Charts/web.tgz".into(), chart)];
    let csar = build(&source, None).expect("built");
    let packed = csar
        .files
        .get("Artifacts/Deployment/Charts/web.tgz")
        .expect("the chart");
    let joined = crate::helm_chart::read_archive(packed.as_slice()).expect("still a chart");
    let kinds: Vec<(&str, Vec<&str>)> = joined
        .objects
        .iter()
        .map(|o| {
            let names = o["spec"]["template"]["spec"]["containers"]
                .as_sequence()
                .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
                .unwrap_or_default();
            (o["kind"].as_str().unwrap_or_default(), names)
        })
        .collect();
    assert!(
        kinds.contains(&("Deployment", vec!["mep-agent", "web"])),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|(k, _)| *k == "ConfigMap"), "{kinds:?}");
    let config = joined
        .inner_text("web/templates/mep-agent-config.yaml")
        .expect("config");
    assert!(config.contains("serName: locator"), "{config}");
    assert_manifest_matches(&csar, "camera-app_v1.0.mf");
}
