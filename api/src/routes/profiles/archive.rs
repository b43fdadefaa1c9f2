//! A profile zip: `profile.yaml` at its root naming the application it makes, its apps with
//! their deploy files (YAMLs of Kubernetes manifests, each checked as a chart would be), a config
//! script (`.sh`, UTF-8) and a topology picture. Limits as for plugins: 10 MB, 200 entries,
//! 32 MB unpacked, no absolute or `..` paths.
//!
//! ```yaml
//! name: smart-park
//! description: A park's video analysis
//! descriptionEn: A park's video analysis
//! type: Video Application
//! industry: Smart Park
//! architecture: X86          # X86 (default) or ARM
//! appList:
//!   - {name: web, version: v1.0, deployFile: deploy/web.yaml}
//!   - {name: db, version: v1.0, deployFile: deploy/db.yaml}
//! seq: [db, web]             # deploy order (default: the appList order)
//! configFile: config/setup.sh
//! topoFile: topo.png
//! ```

use std::io::Read;
use std::path::Path;

use domain::plugin::StoredFile;
use domain::profile::{ProfileApp, ProfileFields};
use serde::Deserialize;

use crate::files::checks::check_zip;

pub const PROFILE_LIMIT: u64 = 10 * 1024 * 1024;
const MAX_ENTRIES: u64 = 200;
const MAX_UNPACKED: u64 = 32 * 1024 * 1024;
/// The largest file read out of a profile.
const MAX_ENTRY: u64 = 10 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProfileYaml {
    name: String,
    #[serde(default)]
    description: String,
    description_en: Option<String>,
    #[serde(rename = "type")]
    app_type: String,
    industry: String,
    architecture: Option<String>,
    app_list: Vec<AppYaml>,
    seq: Option<Vec<String>>,
    config_file: Option<String>,
    topo_file: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AppYaml {
    name: String,
    version: String,
    deploy_file: String,
}

/// One file of the zip (at most 10 MB).
pub fn entry(zip: &Path, name: &str) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(zip).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|_| "not a zip archive".to_owned())?;
    let mut found = archive
        .by_name(name)
        .map_err(|_| format!("the profile has no file {name:?}"))?;
    let mut bytes = Vec::new();
    (&mut found)
        .take(MAX_ENTRY + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > MAX_ENTRY {
        return Err(format!("{name} is larger than 10 MB"));
    }
    Ok(bytes)
}

/// Checks a profile zip and reads what it declares; `file` is where the store keeps it.
pub fn read_profile(zip: &Path, file: StoredFile) -> Result<ProfileFields, String> {
    check_zip(zip, MAX_ENTRIES, MAX_UNPACKED).map_err(|e| e.to_string())?;
    let yaml = entry(zip, "profile.yaml")?;
    let declared: ProfileYaml = serde_yaml_ng::from_slice(&yaml)
        .map_err(|e| format!("profile.yaml is not a profile: {e}"))?;
    let architecture = declared.architecture.unwrap_or_else(|| "X86".into());
    if architecture != "X86" && architecture != "ARM" {
        return Err("profile.yaml: architecture must be X86 or ARM".into());
    }
    for app in &declared.app_list {
        let bytes = entry(zip, &app.deploy_file)?;
        workflows::helm_chart::from_manifests(&app.deploy_file, &bytes)
            .map_err(|e| format!("{} is not a deploy file: {e}", app.deploy_file))?;
    }
    if let Some(config) = &declared.config_file {
        if !config.ends_with(".sh") {
            return Err(format!("{config}: the config file must be a .sh script"));
        }
        String::from_utf8(entry(zip, config)?)
            .map_err(|_| format!("{config} is not UTF-8 text"))?;
    }
    if let Some(topo) = &declared.topo_file {
        entry(zip, topo)?;
    }
    let seq = declared
        .seq
        .unwrap_or_else(|| declared.app_list.iter().map(|a| a.name.clone()).collect());
    ProfileFields {
        name: declared.name,
        description: declared.description,
        description_en: declared.description_en,
        profile_type: declared.app_type,
        industry: declared.industry,
        architecture,
        app_class: "CONTAINER".into(),
        create_type: "DEVELOP".into(),
        apps: declared
            .app_list
            .into_iter()
            .map(|a| ProfileApp {
                name: a.name,
                version: a.version,
                deploy_file: a.deploy_file,
            })
            .collect(),
        seq,
        config_file: declared.config_file,
        topo_file: declared.topo_file,
        file,
    }
    .validated()
    .map_err(|e| e.to_string())
}
