//! Application packages (reference 1.6, §4 "Local filesystem"): the CSAR built from an
//! application, read and edited as files, and re-packed with its manifest and signature.
//!
//! Layout of a package named `<name>_<version>`:
//! - `TOSCA-Metadata/TOSCA.meta`: the entry definitions, manifest (and certificate) paths;
//! - `<name>_<version>.mf`: a `metadata:` block, then `Source`/`Algorithm`/`Hash` (SHA-256) per
//!   file; `<name>_<version>.mf.sig`: its Ed25519 signature when a key is configured, and
//!   `<name>_<version>.cert` the configured certificate;
//! - `APPD/Definitions/MainServiceTemplate.yaml` ([`appd`]);
//! - `Artifacts/Deployment/Charts/*.tgz` (container applications), `Artifacts/Deployment/Scripts/`,
//!   `Artifacts/Docs/` (the guide and icon);
//! - `Image/SwImageDesc.json`.
//!
//! - [`csar`]: reading with limits, the tree, text edits, the manifest, the zip.
//! - [`appd`]: the service template and image descriptions.
//! - [`signing`]: the signing key and signature check.
//! - [`mep_agent`]: the agent sidecar a container application's charts get when it produces or
//!   requires services.

pub mod appd;
pub mod csar;
pub mod mep_agent;
pub mod signing;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::application::LiveApplication;
use domain::flavor::FlavorFields;

pub use csar::{Csar, CsarError, TreeNode};
pub use signing::Signer;

/// A VM image as the package describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageDescription {
    pub name: String,
    pub os_type: String,
    pub os_version: String,
    pub system_disk_size: i32,
    pub disk_bus: String,
    pub format: Option<String>,
    pub size: Option<i64>,
    pub checksum: Option<String>,
    pub file_name: Option<String>,
}

/// Everything a package is built from.
pub struct PackageSource<'a> {
    pub app: &'a LiveApplication,
    /// The VMs' flavors, by id.
    pub flavors: BTreeMap<String, FlavorFields>,
    /// The VMs' images, by id.
    pub images: BTreeMap<i32, ImageDescription>,
    /// Files taken in as they are: path in the package, bytes (charts, scripts, docs).
    pub artifacts: Vec<(String, Vec<u8>)>,
    pub created_at: DateTime<Utc>,
}

/// `<name>_<version>` with every character a file name should not have replaced by `_`.
pub fn package_name(app: &LiveApplication) -> String {
    format!(
        "{}_{}",
        app.fields.name.as_str(),
        app.fields.version.as_str()
    )
    .chars()
    .map(|c| {
        if c.is_whitespace() || "/\\:*?\"<>|".contains(c) {
            '_'
        } else {
            c
        }
    })
    .collect()
}

/// Builds the package: its files, sealed (manifest, and signature with a signer).
pub fn build(source: &PackageSource<'_>, signer: Option<&Signer>) -> Result<Csar, CsarError> {
    let name = package_name(source.app);
    let fields = &source.app.fields;
    let mut csar = Csar::default();
    let mut meta = format!(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-by: edgedev\nEntry-Definitions: {}\nETSI-Entry-Manifest: {name}.mf\n",
        appd::SERVICE_TEMPLATE
    );
    if let Some(certificate) = signer.and_then(|s| s.certificate.clone()) {
        meta.push_str(&format!("ETSI-Entry-Certificate: {name}.cert\n"));
        csar.files.insert(format!("{name}.cert"), certificate);
    }
    meta.push_str(&format!("Name: {name}\n"));
    csar.files.insert(csar::META.into(), meta.into_bytes());
    let manifest = format!(
        "metadata:\napp_product_name: {}\napp_provider_id: {}\napp_package_version: {}\napp_release_data_time: {}\napp_class: {}\napp_package_description: {}",
        fields.name.as_str(),
        fields.provider.as_str(),
        fields.version.as_str(),
        source.created_at.format("%Y-%m-%d %H:%M"),
        fields.app_class.as_str(),
        fields.description.as_str().replace('\n', " "),
    );
    csar.files
        .insert(format!("{name}.mf"), manifest.into_bytes());
    let template = serde_yaml_ng::to_string(&appd::service_template(source))
        .map_err(|e| CsarError::Corrupt(e.to_string()))?;
    csar.files
        .insert(appd::SERVICE_TEMPLATE.into(), template.into_bytes());
    let images = serde_json::to_vec_pretty(&appd::sw_images(source))
        .map_err(|e| CsarError::Corrupt(e.to_string()))?;
    csar.files.insert(appd::SW_IMAGE_DESC.into(), images);
    let agent = fields.app_class == domain::application::AppClass::Container
        && mep_agent::needed(source.app);
    for (path, bytes) in &source.artifacts {
        if !csar::safe_path(path) {
            return Err(CsarError::UnsafePath(path.clone()));
        }
        let chart = path.starts_with(appd::CHARTS_DIR) && path.ends_with(".tgz");
        let bytes = if agent && chart {
            mep_agent::join(bytes, source.app)
                .map_err(|e| CsarError::Chart(format!("{path}: {e}")))?
        } else {
            bytes.clone()
        };
        csar.files.insert(path.clone(), bytes);
    }
    csar.sealed(signer)
}

#[cfg(test)]
mod tests;
