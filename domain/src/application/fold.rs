//! How the application's state follows its events beyond its basic fields: networks, VMs,
//! operations, the app configuration, scripts and helm charts (`apply_sandbox`), and its
//! package, test tasks and release (`apply_delivery`).

use super::{ApplicationEvent, LiveApplication};

impl LiveApplication {
    /// Folds a network, VM or operation event; false for the other events.
    pub(super) fn apply_sandbox(&mut self, event: &ApplicationEvent) -> bool {
        match event {
            ApplicationEvent::NetworkCreated { network } => self.networks.push(network.clone()),
            ApplicationEvent::NetworkUpdated { network } => {
                if let Some(n) = self.networks.iter_mut().find(|n| n.id == network.id) {
                    *n = network.clone();
                }
            }
            ApplicationEvent::NetworkDeleted { network_id } => {
                self.networks.retain(|n| n.id != *network_id)
            }
            ApplicationEvent::VmCreated { vm } => self.vms.push(vm.clone()),
            ApplicationEvent::VmUpdated { vm } => {
                if let Some(v) = self.vms.iter_mut().find(|v| v.id == vm.id) {
                    *v = vm.clone();
                }
            }
            ApplicationEvent::VmDeleted { vm_id } => self.vms.retain(|v| v.id != *vm_id),
            ApplicationEvent::TrafficRuleAdded { rule } => self.traffic_rules.push(rule.clone()),
            ApplicationEvent::TrafficRuleUpdated { rule } => {
                for r in &mut self.traffic_rules {
                    if r.traffic_rule_id == rule.traffic_rule_id {
                        *r = rule.clone();
                    }
                }
            }
            ApplicationEvent::TrafficRuleDeleted { traffic_rule_id } => self
                .traffic_rules
                .retain(|r| r.traffic_rule_id != *traffic_rule_id),
            ApplicationEvent::DnsRuleAdded { rule } => self.dns_rules.push(rule.clone()),
            ApplicationEvent::DnsRuleUpdated { rule } => {
                for r in &mut self.dns_rules {
                    if r.dns_rule_id == rule.dns_rule_id {
                        *r = rule.clone();
                    }
                }
            }
            ApplicationEvent::DnsRuleDeleted { dns_rule_id } => {
                self.dns_rules.retain(|r| r.dns_rule_id != *dns_rule_id)
            }
            ApplicationEvent::ServiceRequiredAdded { service } => {
                self.services_required.push(service.clone())
            }
            ApplicationEvent::ServiceRequiredUpdated { service } => {
                for s in &mut self.services_required {
                    if s.id == service.id {
                        *s = service.clone();
                    }
                }
            }
            ApplicationEvent::ServiceRequiredDeleted { capability_id } => {
                self.services_required.retain(|s| s.id != *capability_id)
            }
            ApplicationEvent::ServiceProducedAdded { service } => {
                self.services_produced.push(service.clone())
            }
            ApplicationEvent::ServiceProducedUpdated { service } => {
                for s in &mut self.services_produced {
                    if s.app_service_produced_id == service.app_service_produced_id {
                        *s = service.clone();
                    }
                }
            }
            ApplicationEvent::AppCertificateSet { certificate } => {
                self.certificate = Some(certificate.clone())
            }
            ApplicationEvent::AppCertificateDeleted {} => self.certificate = None,
            ApplicationEvent::ScriptAdded { script } => self.scripts.push(script.clone()),
            ApplicationEvent::ScriptDeleted { script_id } => {
                self.scripts.retain(|s| s.id != *script_id)
            }
            ApplicationEvent::HelmChartAdded { chart, .. } => self.helm_charts.push(chart.clone()),
            ApplicationEvent::HelmChartReplaced {
                helm_chart_id,
                archive,
                ..
            } => {
                if let Some(chart) = self.helm_charts.iter_mut().find(|c| c.id == *helm_chart_id) {
                    chart.helm_chart_file_id = archive.helm_chart_file_id.clone();
                    chart.files = archive.files.clone();
                    chart.images = archive.images.clone();
                }
            }
            ApplicationEvent::HelmChartDeleted { helm_chart_id } => {
                self.helm_charts.retain(|c| c.id != *helm_chart_id)
            }
            ApplicationEvent::ServiceProducedDeleted {
                app_service_produced_id,
            } => self
                .services_produced
                .retain(|s| s.app_service_produced_id != *app_service_produced_id),
            ApplicationEvent::Operation(op) => self.operations.apply(op),
            other => return self.apply_delivery(other),
        }
        true
    }
}

impl LiveApplication {
    /// Folds a package, test task or release event; false for the other events.
    fn apply_delivery(&mut self, event: &ApplicationEvent) -> bool {
        match event {
            ApplicationEvent::PackageGenerated { package } => self.package = Some(package.clone()),
            ApplicationEvent::PackageFileUpdated {
                package_id,
                archive,
                ..
            } => {
                if let Some(p) = self.package.as_mut().filter(|p| p.id == *package_id) {
                    p.archive = archive.clone();
                    p.edited = true;
                }
            }
            ApplicationEvent::PackageZipped {
                package_id,
                archive,
            } => {
                if let Some(p) = self.package.as_mut().filter(|p| p.id == *package_id) {
                    p.archive = archive.clone();
                    p.edited = false;
                }
            }
            ApplicationEvent::TestTaskCreated { task } => self.test_tasks.push(task.clone()),
            ApplicationEvent::TestTaskStatusChanged { task_id, status } => {
                if let Some(task) = self.test_tasks.iter_mut().find(|t| t.id == *task_id) {
                    task.status = status.clone();
                }
            }
            ApplicationEvent::ApplicationReleased { release } => {
                self.release = Some(release.clone())
            }
            _ => return false,
        }
        true
    }
}
