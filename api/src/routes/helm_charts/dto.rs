//! The JSON shapes of helm charts (the original's HelmChart with its tree of inner files), the
//! inner-file query and the modify-inner-file body.

use chrono::{DateTime, Utc};
use domain::application::helm_charts::HelmChart;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A helm chart of a container application.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HelmChartBody {
    pub id: String,
    pub application_id: String,
    /// The archive's file name.
    pub name: String,
    /// The uploaded file (type chart) holding the archive.
    pub helm_chart_file_id: String,
    /// `name` of its Chart.yaml.
    pub chart_name: String,
    /// `version` of its Chart.yaml.
    pub chart_version: String,
    /// The files inside the archive as a tree.
    pub helm_chart_file_list: Vec<ChartFileNode>,
    /// The container images its manifests name.
    pub images: Vec<String>,
    pub create_time: DateTime<Utc>,
    /// In an upload's answer: the images it names on the configured image registry that the
    /// registry does not hold (images of other registries are not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_images: Option<Vec<String>>,
}

/// A directory or file inside a chart.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChartFileNode {
    pub name: String,
    /// The path `get-inner-file` and `modify-inner-file` take.
    pub path: String,
    pub is_file: bool,
    #[schema(no_recursion)]
    pub children: Vec<ChartFileNode>,
}

impl HelmChartBody {
    pub fn of(application_id: &str, chart: &HelmChart) -> Self {
        Self {
            id: chart.id.clone(),
            application_id: application_id.to_owned(),
            name: chart.name.clone(),
            helm_chart_file_id: chart.helm_chart_file_id.clone(),
            chart_name: chart.chart_name.clone(),
            chart_version: chart.chart_version.clone(),
            helm_chart_file_list: tree(&chart.files),
            images: chart.images.clone(),
            create_time: chart.created_at,
            missing_images: None,
        }
    }
}

/// The tree of `/`-separated paths, directories before files at each level, each sorted.
pub fn tree(paths: &[String]) -> Vec<ChartFileNode> {
    let mut roots: Vec<ChartFileNode> = Vec::new();
    for path in paths {
        let parts: Vec<&str> = path.split('/').collect();
        let mut level = &mut roots;
        for (depth, part) in parts.iter().enumerate() {
            let is_file = depth + 1 == parts.len();
            let index = match level
                .iter()
                .position(|n| n.name == *part && n.is_file == is_file)
            {
                Some(index) => index,
                None => {
                    level.push(ChartFileNode {
                        name: (*part).to_owned(),
                        path: parts[..=depth].join("/"),
                        is_file,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            level = &mut level[index].children;
        }
    }
    sort(&mut roots);
    roots
}

fn sort(nodes: &mut [ChartFileNode]) {
    nodes.sort_by(|a, b| (a.is_file, &a.name).cmp(&(b.is_file, &b.name)));
    for node in nodes {
        sort(&mut node.children);
    }
}

/// A row of `tbl_container_helm_chart`.
pub struct HelmChartRow {
    pub id: String,
    pub app_id: String,
    pub name: Option<String>,
    pub helm_chart_file_id: Option<String>,
    pub chart_name: Option<String>,
    pub chart_version: Option<String>,
    pub file_list: serde_json::Value,
    pub images: serde_json::Value,
    pub create_time: Option<DateTime<Utc>>,
}

db::from_row!(HelmChartRow {
    id,
    app_id,
    name,
    helm_chart_file_id,
    chart_name,
    chart_version,
    file_list,
    images,
    create_time
});

impl HelmChartRow {
    pub fn into_body(self) -> HelmChartBody {
        let list = |v: serde_json::Value| serde_json::from_value(v).unwrap_or_default();
        let chart = HelmChart {
            id: self.id,
            name: self.name.unwrap_or_default(),
            helm_chart_file_id: self.helm_chart_file_id.unwrap_or_default(),
            chart_name: self.chart_name.unwrap_or_default(),
            chart_version: self.chart_version.unwrap_or_default(),
            files: list(self.file_list),
            images: list(self.images),
            created_at: self.create_time.unwrap_or_default(),
        };
        HelmChartBody::of(&self.app_id, &chart)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct InnerFileQuery {
    /// A file's path as `helmChartFileList` gives it (`<chart>/templates/deployment.yaml`).
    #[param(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 1024,
        example = "web/values.yaml"
    )]
    pub file_path: Option<String>,
}

/// A new content for one file of a chart.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModifyInnerFile {
    /// A file's path as `helmChartFileList` gives it.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 1024,
        example = "web/values.yaml"
    )]
    pub inner_file_path: Option<String>,
    /// Its new text (UTF-8, at most 1 MB); the chart must still be a valid chart with it.
    #[schema(required = true, nullable = false, max_length = 1048576)]
    pub content: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_a_tree_with_directories_first() {
        let paths: Vec<String> = ["web/values.yaml", "web/templates/a.yaml", "web/Chart.yaml"]
            .map(String::from)
            .to_vec();
        let roots = tree(&paths);
        assert_eq!(roots.len(), 1);
        let web = &roots[0];
        assert_eq!((web.name.as_str(), web.is_file), ("web", false));
        let names: Vec<&str> = web.children.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["templates", "Chart.yaml", "values.yaml"]);
        assert_eq!(web.children[0].children[0].path, "web/templates/a.yaml");
    }
}
