//! The helm charts of a container application (reference 1.4): each a checked chart archive
//! kept as an uploaded file that the chart holds, with the paths inside it and the container
//! images its manifests name. A chart is never edited in place: a change of an inner file is a
//! new archive (a new file) replacing the old one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most charts one application may have.
pub const MAX_CHARTS: usize = 20;

/// One helm chart of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChart {
    /// Chosen by the server.
    pub id: String,
    /// The archive's file name (`<chart>-<version>.tgz`, or the uploaded `.tgz`'s name).
    pub name: String,
    /// The uploaded file (type chart) holding the archive.
    pub helm_chart_file_id: String,
    /// `name` and `version` of its `Chart.yaml`.
    pub chart_name: String,
    pub chart_version: String,
    /// The paths of the files inside the archive, sorted.
    pub files: Vec<String>,
    /// The container images its manifests name, sorted, without duplicates.
    pub images: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A new archive of an existing chart (after an inner file was modified).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartArchive {
    pub helm_chart_file_id: String,
    pub files: Vec<String>,
    pub images: Vec<String>,
}

/// The chart's manifests as text (its `templates/`, joined by `---`), carried in the events for
/// the older model's `tbl_helm_template_yaml.content` when it is at most this long.
pub const MAX_TEMPLATE_TEXT: usize = 64 * 1024;
