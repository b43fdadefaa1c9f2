//! `tbl_container_helm_chart`, one row per helm chart of a container application, and the older
//! model's `tbl_helm_template_yaml` with the same facts (the chart's archive, its uploader, and
//! its manifests' text when short) and `tbl_project_image` (one row per image a chart's
//! manifests name, id `<chart id>/<n>`). A re-packed archive updates them; an application's
//! deletion removes its charts.

pub mod query;

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::helm_charts::{ChartArchive, HelmChart};
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as Kind};
use serde_json::Value;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct HelmChartsProjection;

const EVENTS: &[Kind] = &[
    Kind::HelmChartAdded,
    Kind::HelmChartReplaced,
    Kind::HelmChartDeleted,
    Kind::ApplicationDeleted,
];
const DELETE_APPS: &str = "DELETE FROM tbl_container_helm_chart WHERE app_id = ANY($1)";
const DELETE_APP_TEMPLATES: &str = "DELETE FROM tbl_helm_template_yaml WHERE project_id = ANY($1)";
const DELETE: &str = "DELETE FROM tbl_container_helm_chart WHERE id = ANY($1)";
const DELETE_APP_IMAGES: &str = "DELETE FROM tbl_project_image WHERE project_id = ANY($1)";
const DELETE_IMAGES: &str = "DELETE FROM tbl_project_image WHERE split_part(id, '/', 1) = ANY($1)";
const INSERT_IMAGES: &str = "INSERT INTO tbl_project_image (id, image_info, project_id, \
    helm_chart_file_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])";
const DELETE_TEMPLATES: &str = "DELETE FROM tbl_helm_template_yaml WHERE helm_chart_id = ANY($1)";
const INSERT: &str = "INSERT INTO tbl_container_helm_chart \
    (id, app_id, name, helm_chart_file_id, chart_name, chart_version, file_list, images, create_time) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
    $7::jsonb[], $8::jsonb[], $9::timestamptz[])";
const INSERT_TEMPLATES: &str = "INSERT INTO tbl_helm_template_yaml \
    (file_id, file_name, user_id, project_id, content, upload_time_stamp, config_type, helm_chart_id) \
    SELECT f, n, u, p, c, t, 'upload', h FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], \
    $5::text[], $6::bigint[], $7::text[]) AS x(f, n, u, p, c, t, h)";
const REPLACE: &str = "UPDATE tbl_container_helm_chart c SET helm_chart_file_id = x.f, \
    file_list = x.l, images = x.i FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) \
    AS x(id, f, l, i) WHERE c.id = x.id";
const REPLACE_TEMPLATES: &str = "UPDATE tbl_helm_template_yaml t SET file_id = x.f, content = x.c \
    FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, f, c) WHERE t.helm_chart_id = x.id";

/// A chart's whole rows.
struct Row {
    app: String,
    uploader: Option<String>,
    chart: HelmChart,
    content: Option<String>,
}

/// The net change of one chart in a batch.
enum Change {
    Put(Row),
    Replace {
        archive: ChartArchive,
        content: Option<String>,
    },
    Gone,
}

impl Projection for HelmChartsProjection {
    fn name(&self) -> &'static str {
        "helm_charts"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &[
            "tbl_container_helm_chart",
            "tbl_helm_template_yaml",
            "tbl_project_image",
        ]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let (deleted_apps, changes) = fold(events)?;
            if !deleted_apps.is_empty() {
                let apps: Vec<&str> = deleted_apps.iter().map(String::as_str).collect();
                conn.execute(DELETE_APPS, &[&apps]).await?;
                conn.execute(DELETE_APP_TEMPLATES, &[&apps]).await?;
                conn.execute(DELETE_APP_IMAGES, &[&apps]).await?;
            }
            write_whole_rows(conn, &changes).await?;
            write_replacements(conn, &changes).await?;
            write_images(conn, &changes).await
        })
    }
}

type Changes = BTreeMap<String, (String, Change)>;

fn fold(events: &[LogEvent]) -> Result<(BTreeSet<String>, Changes), ProjectionError> {
    let mut deleted_apps = BTreeSet::new();
    let mut changes: Changes = BTreeMap::new();
    for event in events.iter().filter(|e| {
        e.aggregate_type == Application::TYPE && EVENTS.iter().any(|k| k.name() == e.event_type)
    }) {
        let app = event.aggregate_id.clone();
        match event.decode::<ApplicationEvent>()? {
            ApplicationEvent::HelmChartAdded { chart, content } => {
                let row = Row {
                    app: app.clone(),
                    uploader: event.meta("user_id").map(str::to_owned),
                    chart,
                    content,
                };
                changes.insert(row.chart.id.clone(), (app, Change::Put(row)));
            }
            ApplicationEvent::HelmChartReplaced {
                helm_chart_id,
                archive,
                content,
            } => match changes.get_mut(&helm_chart_id) {
                Some((_, Change::Put(row))) => {
                    row.chart.helm_chart_file_id = archive.helm_chart_file_id;
                    row.chart.files = archive.files;
                    row.chart.images = archive.images;
                    row.content = content;
                }
                Some((_, Change::Gone)) => {}
                _ => {
                    changes.insert(helm_chart_id, (app, Change::Replace { archive, content }));
                }
            },
            ApplicationEvent::HelmChartDeleted { helm_chart_id } => {
                changes.insert(helm_chart_id, (app, Change::Gone));
            }
            ApplicationEvent::ApplicationDeleted {} => {
                changes.retain(|_, (a, _)| *a != app);
                deleted_apps.insert(app);
            }
            _ => {}
        }
    }
    Ok((deleted_apps, changes))
}

fn json_list(items: &[String]) -> Value {
    Value::from(items.to_vec())
}

/// Deletes the rows of charts put or gone, then inserts the ones put.
async fn write_whole_rows(conn: &Conn, changes: &Changes) -> Result<(), ProjectionError> {
    let ids: Vec<&str> = changes
        .iter()
        .filter(|(_, (_, c))| !matches!(c, Change::Replace { .. }))
        .map(|(id, _)| id.as_str())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    conn.execute(DELETE, &[&ids]).await?;
    conn.execute(DELETE_TEMPLATES, &[&ids]).await?;
    let rows: Vec<&Row> = changes
        .values()
        .filter_map(|(_, c)| match c {
            Change::Put(row) => Some(row),
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.chart.id.as_str()).collect();
    let apps: Vec<&str> = rows.iter().map(|r| r.app.as_str()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r.chart.name.as_str()).collect();
    let files: Vec<&str> = rows
        .iter()
        .map(|r| r.chart.helm_chart_file_id.as_str())
        .collect();
    let chart_names: Vec<&str> = rows.iter().map(|r| r.chart.chart_name.as_str()).collect();
    let versions: Vec<&str> = rows
        .iter()
        .map(|r| r.chart.chart_version.as_str())
        .collect();
    let lists: Vec<Value> = rows.iter().map(|r| json_list(&r.chart.files)).collect();
    let images: Vec<Value> = rows.iter().map(|r| json_list(&r.chart.images)).collect();
    let times: Vec<chrono::DateTime<chrono::Utc>> =
        rows.iter().map(|r| r.chart.created_at).collect();
    conn.execute(
        INSERT,
        &[
            &ids,
            &apps,
            &names,
            &files,
            &chart_names,
            &versions,
            &lists,
            &images,
            &times,
        ],
    )
    .await?;
    let uploaders: Vec<Option<&str>> = rows.iter().map(|r| r.uploader.as_deref()).collect();
    let contents: Vec<Option<&str>> = rows.iter().map(|r| r.content.as_deref()).collect();
    let stamps: Vec<i64> = rows
        .iter()
        .map(|r| r.chart.created_at.timestamp_millis())
        .collect();
    conn.execute(
        INSERT_TEMPLATES,
        &[&files, &names, &uploaders, &apps, &contents, &stamps, &ids],
    )
    .await?;
    Ok(())
}

/// Replaces the image rows of every chart the batch changed.
async fn write_images(conn: &Conn, changes: &Changes) -> Result<(), ProjectionError> {
    if changes.is_empty() {
        return Ok(());
    }
    let charts: Vec<&str> = changes.keys().map(String::as_str).collect();
    conn.execute(DELETE_IMAGES, &[&charts]).await?;
    let mut rows: Vec<(String, &str, &str, &str)> = Vec::new();
    for (chart, (app, change)) in changes {
        let (images, file) = match change {
            Change::Put(row) => (&row.chart.images, &row.chart.helm_chart_file_id),
            Change::Replace { archive, .. } => (&archive.images, &archive.helm_chart_file_id),
            Change::Gone => continue,
        };
        for (n, image) in images.iter().enumerate() {
            rows.push((format!("{chart}/{n}"), image, app, file));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let images: Vec<&str> = rows.iter().map(|r| r.1).collect();
    let apps: Vec<&str> = rows.iter().map(|r| r.2).collect();
    let files: Vec<&str> = rows.iter().map(|r| r.3).collect();
    conn.execute(INSERT_IMAGES, &[&ids, &images, &apps, &files])
        .await?;
    Ok(())
}

/// Updates the rows of charts whose archive was replaced (added in an earlier batch).
async fn write_replacements(conn: &Conn, changes: &Changes) -> Result<(), ProjectionError> {
    let replaced: Vec<(&str, &ChartArchive, Option<&str>)> = changes
        .iter()
        .filter_map(|(id, (_, c))| match c {
            Change::Replace { archive, content } => {
                Some((id.as_str(), archive, content.as_deref()))
            }
            _ => None,
        })
        .collect();
    if replaced.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = replaced.iter().map(|r| r.0).collect();
    let files: Vec<&str> = replaced
        .iter()
        .map(|r| r.1.helm_chart_file_id.as_str())
        .collect();
    let lists: Vec<Value> = replaced.iter().map(|r| json_list(&r.1.files)).collect();
    let images: Vec<Value> = replaced.iter().map(|r| json_list(&r.1.images)).collect();
    let contents: Vec<Option<&str>> = replaced.iter().map(|r| r.2).collect();
    conn.execute(REPLACE, &[&ids, &files, &lists, &images])
        .await?;
    conn.execute(REPLACE_TEMPLATES, &[&ids, &files, &contents])
        .await?;
    Ok(())
}
