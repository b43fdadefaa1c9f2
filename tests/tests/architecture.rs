//! The codebase's shape, checked: no two modules of a crate import each other (directly or round
//! a circle), the HTTP routes hold no SQL, event names are written only where they are declared
//! (`wire_names!` in `domain`), and no two types of the API document share a schema name (the
//! document keeps one of them, silently).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("source directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

type Module = Vec<String>;

/// The module path of a source file of a crate rooted at `src`; `None` for test modules.
fn module_of(src: &Path, file: &Path) -> Option<Module> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Module = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    (parts.last().map(String::as_str) != Some("tests")).then_some(parts)
}

/// The text without `//` comments.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths written after `prefix` (`crate::`, `super::`), as identifier segments, with the
/// number of leading `super::` for relative ones.
fn paths_after(code: &str, prefix: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            rest = &rest[prefix.len()..];
            continue;
        }
        let mut ups = 0;
        while let Some(next) = rest.strip_prefix("super::") {
            ups += 1;
            rest = next;
        }
        if prefix == "crate::" {
            rest = &rest[prefix.len()..];
        }
        let mut segments = Vec::new();
        loop {
            let end = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            segments.push(rest[..end].to_owned());
            rest = &rest[end..];
            match rest.strip_prefix("::") {
                Some(next) => rest = next,
                None => break,
            }
        }
        found.push((ups, segments));
    }
    found
}

/// The longest known module that `path` starts with.
fn resolve(modules: &BTreeSet<Module>, path: &[String]) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|candidate| modules.contains(candidate))
}

/// Module dependencies of the crate at `src`, leaving out a module's use of its ancestors and
/// descendants (a parent owns its children).
fn dependencies(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let sources: Vec<(Module, String)> = rust_files(src)
        .into_iter()
        .filter(|f| !f.ends_with("build.rs"))
        .filter_map(|f| {
            let module = module_of(src, &f)?;
            Some((
                module,
                code_of(&std::fs::read_to_string(&f).expect("source")),
            ))
        })
        .collect();
    let modules: BTreeSet<Module> = sources.iter().map(|(m, _)| m.clone()).collect();
    let related = |a: &Module, b: &Module| a.starts_with(b) || b.starts_with(a);
    let mut graph = BTreeMap::new();
    for (module, code) in &sources {
        let mut targets = BTreeSet::new();
        for (_, path) in paths_after(code, "crate::") {
            targets.extend(resolve(&modules, &path));
        }
        for (ups, path) in paths_after(code, "super::") {
            if ups <= module.len() {
                let mut full = module[..module.len() - ups].to_vec();
                full.extend(path);
                targets.extend(resolve(&modules, &full));
            }
        }
        targets.retain(|t| !related(module, t));
        graph.insert(module.clone(), targets);
    }
    graph
}

/// Modules that can reach themselves through the graph.
fn in_a_circle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    let reaches = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Module> = graph[from].iter().collect();
        while let Some(next) = stack.pop() {
            if seen.insert(next.clone()) {
                stack.extend(graph.get(next).into_iter().flatten());
            }
        }
        seen.contains(from)
    };
    graph
        .keys()
        .filter(|m| reaches(m))
        .map(|m| m.join("::"))
        .collect()
}

#[test]
fn no_two_modules_of_a_crate_import_each_other() {
    for krate in [
        "domain",
        "db",
        "commands",
        "projections",
        "workflows",
        "api",
        "bench",
    ] {
        let graph = dependencies(&root().join(krate).join("src"));
        assert!(graph.len() > 3, "{krate}: modules found");
        assert_eq!(
            in_a_circle(&graph),
            Vec::<String>::new(),
            "{krate}: modules in an import circle"
        );
    }
}

#[test]
fn the_circle_check_finds_a_circle() {
    let dir = std::env::temp_dir().join(format!("edgedev-arch-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").expect("lib");
    std::fs::write(dir.join("a.rs"), "use crate::b::thing;\n").expect("a");
    std::fs::write(dir.join("b.rs"), "pub fn thing() { super::c::other() }\n").expect("b");
    std::fs::write(
        dir.join("c.rs"),
        "pub fn other() { crate::a::x() } // crate::b\n",
    )
    .expect("c");
    let circle = in_a_circle(&dependencies(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(circle, ["a", "b", "c"]);
}

/// The names of the types that derive `ToSchema` under `dirs`, with the files declaring them.
fn schema_names(dirs: &[PathBuf]) -> BTreeMap<String, Vec<PathBuf>> {
    let mut names: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for file in dirs.iter().flat_map(|d| rust_files(d)) {
        let text = std::fs::read_to_string(&file).expect("source");
        let mut deriving = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                deriving = true;
            } else if deriving && !line.starts_with("#[") && !line.starts_with("///") {
                let declared = line
                    .trim_start_matches("pub ")
                    .trim_start_matches("struct ")
                    .trim_start_matches("enum ");
                let name: String = declared
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.entry(name).or_default().push(file.clone());
                deriving = false;
            }
        }
    }
    names
}

#[test]
fn no_two_types_of_the_api_document_share_a_schema_name() {
    let names = schema_names(&[root().join("api/src"), root().join("workflows/src")]);
    assert!(
        names.len() > 50,
        "the finder finds the document's types: {}",
        names.len()
    );
    let shared: Vec<String> = names
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(name, files)| format!("{name} in {files:?}"))
        .collect();
    assert!(shared.is_empty(), "schema names declared twice: {shared:?}");
}

#[test]
fn the_schema_name_check_finds_a_repeated_name() {
    let dir = std::env::temp_dir().join(format!("schema-names-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    for file in ["a.rs", "b.rs"] {
        std::fs::write(
            dir.join(file),
            "#[derive(Debug, ToSchema)]\n#[allow(dead_code)]\npub struct ChunkForm {}\n",
        )
        .expect("source");
    }
    let names = schema_names(std::slice::from_ref(&dir));
    assert_eq!(names.get("ChunkForm").map(Vec::len), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_http_routes_hold_no_sql() {
    for file in rust_files(&root().join("api/src/routes")) {
        let code = code_of(&std::fs::read_to_string(&file).expect("source"));
        for keyword in [
            "SELECT ",
            "INSERT INTO",
            "DELETE FROM",
            "UPDATE tbl",
            "FROM tbl_",
            "FROM events",
        ] {
            assert!(
                !code.contains(keyword),
                "{} holds SQL ({keyword:?}); queries belong to the read models",
                file.display()
            );
        }
    }
}

#[test]
fn event_names_are_written_only_where_they_are_declared() {
    use domain::application::ApplicationEventKind;
    use domain::mephost::MepHostEventKind;
    use domain::operation::OperationEventKind;
    use domain::plugin::PluginEventKind;
    use domain::vm::VmEventKind;
    let names: Vec<&str> = ApplicationEventKind::ALL
        .iter()
        .map(|k| k.name())
        .chain(VmEventKind::ALL.iter().map(|k| k.name()))
        .chain(OperationEventKind::ALL.iter().map(|k| k.name()))
        .chain(MepHostEventKind::ALL.iter().map(|k| k.name()))
        .chain(PluginEventKind::ALL.iter().map(|k| k.name()))
        .collect();
    assert!(names.len() > 30);
    for krate in ["db", "commands", "projections", "workflows", "api"] {
        for file in rust_files(&root().join(krate).join("src")) {
            let code = code_of(&std::fs::read_to_string(&file).expect("source"));
            for name in &names {
                assert!(
                    !code.contains(&format!("\"{name}\"")) && !code.contains(&format!("'{name}'")),
                    "{} writes the event name {name}; use its EventKind",
                    file.display()
                );
            }
        }
    }
}
