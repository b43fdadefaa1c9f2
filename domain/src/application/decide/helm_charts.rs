//! The helm charts of a container application: add (the application becomes CONFIGURED),
//! replace a chart's archive, delete.

use super::Decision;
use crate::application::helm_charts::{ChartArchive, HelmChart, MAX_CHARTS};
use crate::application::{Application, ApplicationCommand, ApplicationError, ApplicationEvent};

impl Application {
    pub(super) fn add_helm_chart(
        &self,
        command: &ApplicationCommand,
        chart: &HelmChart,
        content: &Option<String>,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.container_application()?;
        if live.helm_chart(&chart.id).is_some() {
            return Err(ApplicationError::ServiceExists {
                kind: "helm chart",
                name: chart.id.clone(),
            });
        }
        if live.helm_charts.iter().any(|c| c.name == chart.name) {
            return Err(ApplicationError::HelmChartNameTaken(chart.name.clone()));
        }
        if live.helm_charts.len() >= MAX_CHARTS {
            return Err(ApplicationError::TooManyHelmCharts(MAX_CHARTS));
        }
        let mut events = vec![ApplicationEvent::HelmChartAdded {
            chart: chart.clone(),
            content: content.clone(),
        }];
        events.extend(live.configured());
        Ok(events)
    }

    pub(super) fn replace_helm_chart(
        &self,
        command: &ApplicationCommand,
        helm_chart_id: &str,
        from_file_id: &str,
        archive: &ChartArchive,
        content: &Option<String>,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.container_application()?;
        let old = live
            .helm_chart(helm_chart_id)
            .ok_or(ApplicationError::HelmChartNotFound)?;
        if old.helm_chart_file_id == archive.helm_chart_file_id {
            return Ok(Vec::new());
        }
        if old.helm_chart_file_id != from_file_id {
            return Err(ApplicationError::HelmChartChanged);
        }
        let mut events = vec![ApplicationEvent::HelmChartReplaced {
            helm_chart_id: helm_chart_id.to_owned(),
            archive: archive.clone(),
            content: content.clone(),
        }];
        events.extend(live.configured());
        Ok(events)
    }

    pub(super) fn delete_helm_chart(
        &self,
        command: &ApplicationCommand,
        helm_chart_id: &str,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.container_application()?;
        live.helm_chart(helm_chart_id)
            .ok_or(ApplicationError::HelmChartNotFound)?;
        Ok(vec![ApplicationEvent::HelmChartDeleted {
            helm_chart_id: helm_chart_id.to_owned(),
        }])
    }
}
