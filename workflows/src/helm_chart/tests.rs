use super::*;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"{{ .Values.image }}\"\n        - name: side\n          image: busybox:1.36\n";

/// A tgz of raw (name, data) entries; names are written as given, even unsafe ones.
fn tgz(entries: &[(&str, &[u8], tar::EntryType)]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for (name, data, kind) in entries {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(*kind);
        header.set_cksum();
        builder.append(&header, *data).expect("append");
    }
    builder
        .into_inner()
        .and_then(|e| e.finish())
        .expect("finish")
}

fn file(name: &'static str, data: &'static str) -> (&'static str, &'static [u8], tar::EntryType) {
    (name, data.as_bytes(), tar::EntryType::Regular)
}

fn good_entries() -> Vec<(&'static str, &'static [u8], tar::EntryType)> {
    vec![
        file(
            "web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.2.3\n",
        ),
        file("web/values.yaml", "image: nginx:1.25\n"),
        file("web/templates/deployment.yaml", DEPLOYMENT),
        file("web/templates/_helpers.tpl", "{{- define \"x\" }}{{ end }}"),
    ]
}

#[test]
fn a_chart_is_read_with_its_files_and_the_images_it_names() {
    let chart = read_archive(tgz(&good_entries()).as_slice()).expect("chart");
    assert_eq!(
        (chart.name.as_str(), chart.version.as_str()),
        ("web", "1.2.3")
    );
    assert_eq!(chart.images, vec!["busybox:1.36", "nginx:1.25"]);
    assert_eq!(
        chart.files(),
        vec![
            "web/Chart.yaml",
            "web/templates/_helpers.tpl",
            "web/templates/deployment.yaml",
            "web/values.yaml"
        ]
    );
}

#[test]
fn what_is_not_a_safe_chart_is_refused() {
    assert_eq!(
        read_archive(&b"PK\x03\x04"[..]),
        Err(ChartError::NotGzipTar)
    );
    let mut climbing = good_entries();
    climbing.push(file("web/../../etc/passwd", "x"));
    assert!(matches!(
        read_archive(tgz(&climbing).as_slice()),
        Err(ChartError::UnsafePath(_))
    ));
    let mut absolute = good_entries();
    absolute.push(file("/web/x", "x"));
    assert!(matches!(
        read_archive(tgz(&absolute).as_slice()),
        Err(ChartError::UnsafePath(_))
    ));
    let mut link = good_entries();
    link.push(("web/link", b"", tar::EntryType::Symlink));
    assert!(matches!(
        read_archive(tgz(&link).as_slice()),
        Err(ChartError::UnsupportedEntry(_))
    ));
    let no_chart_yaml: Vec<_> = good_entries().into_iter().skip(1).collect();
    assert_eq!(
        read_archive(tgz(&no_chart_yaml).as_slice()),
        Err(ChartError::Missing("Chart.yaml"))
    );
    let mut two_roots = good_entries();
    two_roots.push(file("other/x", "x"));
    assert!(matches!(
        read_archive(tgz(&two_roots).as_slice()),
        Err(ChartError::Roots(_))
    ));
}

#[test]
fn manifests_must_be_kubernetes_objects() {
    let mut entries = good_entries();
    entries[2] = file("web/templates/deployment.yaml", "kind: [unclosed\n");
    assert!(matches!(
        read_archive(tgz(&entries).as_slice()),
        Err(ChartError::BadManifest { .. })
    ));
    entries[2] = file(
        "web/templates/deployment.yaml",
        "apiVersion: v1\nkind: Service\n",
    );
    let Err(ChartError::BadManifest { path, detail }) = read_archive(tgz(&entries).as_slice())
    else {
        panic!("a nameless object was accepted");
    };
    assert_eq!(path, "web/templates/deployment.yaml");
    assert!(detail.contains("metadata.name"), "{detail}");
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("web/f{i}")).collect();
    let mut entries = good_entries();
    entries.extend(
        names
            .iter()
            .map(|n| (n.as_str(), &b""[..], tar::EntryType::Regular)),
    );
    assert_eq!(
        read_archive(tgz(&entries).as_slice()),
        Err(ChartError::TooManyEntries(MAX_ENTRIES))
    );
}

#[test]
fn manifests_become_a_chart_that_packs_and_reads_back() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: redis:7\n";
    let chart = from_manifests("My App.yaml", yaml.as_bytes()).expect("chart");
    assert_eq!(chart.name, "my-app");
    assert_eq!(chart.images, vec!["redis:7"]);
    let packed = chart.pack().expect("pack");
    let read = read_archive(packed.as_slice()).expect("read back");
    assert_eq!(read.files(), chart.files());
    assert_eq!(
        read.inner_text("my-app/templates/my-app.yaml")
            .expect("text"),
        yaml
    );
}

#[test]
fn replacing_an_inner_file_checks_the_chart_again() {
    let chart = read_archive(tgz(&good_entries()).as_slice()).expect("chart");
    let changed = chart
        .with_file("web/values.yaml", "image: nginx:1.27\n")
        .expect("changed");
    assert_eq!(changed.images, vec!["busybox:1.36", "nginx:1.27"]);
    assert!(matches!(
        chart.with_file("web/templates/deployment.yaml", "kind: Pod\n"),
        Err(ChartError::BadManifest { .. })
    ));
    assert_eq!(
        chart.with_file("web/nope.yaml", "x"),
        Err(ChartError::NoSuchFile("web/nope.yaml".into()))
    );
}
