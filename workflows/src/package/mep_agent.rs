//! The mep-agent of a container application that produces or requires services (reference 1.2,
//! 1.4): in its package, each chart gets the agent as a sidecar of every Deployment,
//! StatefulSet and DaemonSet (a container `mep-agent` before the chart's own) and a ConfigMap
//! `<chart>-mep-agent` with the services the application registers and uses. The agent's access
//! keys are not written: they are instantiation inputs, as the APPD's `ak`/`sk`. The chart is
//! checked again afterwards, so a chart the agent cannot join is refused with the reason.

use domain::application::LiveApplication;
use serde_json::json;

use crate::helm_chart::{self, ChartError, Entry};

/// The agent's image.
pub const IMAGE: &str = "edgegallery/mep-agent:latest";

/// Whether the application's charts get the agent.
pub fn needed(app: &LiveApplication) -> bool {
    !app.services_produced.is_empty() || !app.services_required.is_empty()
}

/// The agent's configuration: the services it registers and the ones the application uses.
fn config(app: &LiveApplication) -> String {
    let produced: Vec<_> = app
        .services_produced
        .iter()
        .map(|s| {
            json!({"serName": s.service_name, "version": s.version, "protocol": s.protocol,
                   "internalPort": s.internal_port})
        })
        .collect();
    let required: Vec<_> = app
        .services_required
        .iter()
        .map(|s| json!({"serName": s.ser_name, "version": s.version}))
        .collect();
    let conf = json!({"appName": app.fields.name.as_str(), "serviceInfoPosts": produced,
                      "serAvailabilityNotificationSubscriptions": required});
    serde_yaml_ng::to_string(&conf).unwrap_or_default()
}

/// `text` with the agent's container added to each workload document that lists containers
/// (the item goes where the list's first item is, at its indentation).
fn with_sidecar(text: &str, config_map: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = String::with_capacity(text.len() + 512);
    let mut workload = false;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("---") {
            workload = false;
        }
        if let Some(kind) = trimmed.strip_prefix("kind:") {
            workload = matches!(kind.trim(), "Deployment" | "StatefulSet" | "DaemonSet");
        }
        out.push_str(line);
        out.push('\n');
        if workload && trimmed == "containers:" && indent(line) > 0 {
            let item = lines[i + 1..]
                .iter()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map_or(indent(line) + 2, |next| indent(next));
            let pad = " ".repeat(item);
            out.push_str(&format!(
                "{pad}- name: mep-agent\n{pad}  image: {IMAGE}\n{pad}  envFrom:\n{pad}    - configMapRef:\n{pad}        name: {config_map}\n"
            ));
            workload = false;
        }
    }
    out
}

/// The chart archive `tgz` with the agent joined, checked again.
pub fn join(tgz: &[u8], app: &LiveApplication) -> Result<Vec<u8>, ChartError> {
    let chart = helm_chart::read_archive(tgz)?;
    let root = chart
        .entries
        .iter()
        .map(|e| e.path.split('/').next().unwrap_or_default().to_owned())
        .next()
        .unwrap_or_default();
    let config_map = format!("{}-mep-agent", chart.name);
    let templates = format!("{root}/templates/");
    let mut entries: Vec<Entry> = chart.entries.clone();
    for entry in entries.iter_mut().filter(|e| {
        !e.directory
            && e.path.starts_with(&templates)
            && (e.path.ends_with(".yaml") || e.path.ends_with(".yml"))
    }) {
        if let Ok(text) = std::str::from_utf8(&entry.data) {
            entry.data = with_sidecar(text, &config_map).into_bytes();
        }
    }
    let manifest = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": config_map},
        "data": {"app_conf.yaml": config(app), "MEP_IP": "mep-api-gw.mep", "MEP_APIGW_PORT": "8443"},
    });
    let text =
        serde_yaml_ng::to_string(&manifest).map_err(|e| ChartError::Corrupt(e.to_string()))?;
    entries.push(Entry {
        path: format!("{templates}mep-agent-config.yaml"),
        directory: false,
        mode: 0o644,
        data: text.into_bytes(),
    });
    let joined = helm_chart::check(entries)?;
    joined
        .pack()
        .map_err(|e| ChartError::Corrupt(e.to_string()))
}
