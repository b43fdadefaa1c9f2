//! The whole configuration updated at once (the original's `PUT .../appconfiguration`): every
//! listed item replaces the item with its id, checked as its own endpoint checks it, all or
//! nothing; nothing is added or removed. A produced service keeps its files here (its own
//! endpoint changes them, taking and releasing them).

use super::Decision;
use crate::application::rules::RuleError;
use crate::application::services::ConfigurationUpdate;
use crate::application::{Application, ApplicationCommand, ApplicationError, ApplicationEvent};

fn invalid(field: String, reason: &str) -> ApplicationError {
    ApplicationError::InvalidRule(RuleError::new(field, reason))
}

impl Application {
    pub(super) fn update_configuration(
        &self,
        command: &ApplicationCommand,
        update: &ConfigurationUpdate,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let mut events = Vec::new();
        for rule in &update.traffic_rules {
            let rule = rule
                .clone()
                .validated()
                .map_err(ApplicationError::InvalidRule)?;
            let old = live
                .traffic_rules
                .iter()
                .find(|r| r.traffic_rule_id == rule.traffic_rule_id)
                .ok_or_else(|| ApplicationError::RuleNotFound {
                    kind: "traffic",
                    id: rule.traffic_rule_id.clone(),
                })?;
            if *old != rule {
                events.push(ApplicationEvent::TrafficRuleUpdated { rule });
            }
        }
        for rule in &update.dns_rules {
            let rule = rule
                .clone()
                .validated()
                .map_err(ApplicationError::InvalidRule)?;
            let old = live
                .dns_rules
                .iter()
                .find(|r| r.dns_rule_id == rule.dns_rule_id)
                .ok_or_else(|| ApplicationError::RuleNotFound {
                    kind: "DNS",
                    id: rule.dns_rule_id.clone(),
                })?;
            if *old != rule {
                events.push(ApplicationEvent::DnsRuleUpdated { rule });
            }
        }
        for service in &update.services_required {
            let service = service
                .clone()
                .validated()
                .map_err(ApplicationError::InvalidRule)?;
            let old = live
                .services_required
                .iter()
                .find(|s| s.id == service.id)
                .ok_or(ApplicationError::ServiceNotFound("service required"))?;
            if *old != service {
                events.push(ApplicationEvent::ServiceRequiredUpdated { service });
            }
        }
        let mut names: Vec<(String, String)> = live
            .services_produced
            .iter()
            .map(|s| (s.app_service_produced_id.clone(), s.service_name.clone()))
            .collect();
        for (i, service) in update.services_produced.iter().enumerate() {
            let service = service
                .clone()
                .validated()
                .map_err(ApplicationError::InvalidRule)?;
            let old = live
                .services_produced
                .iter()
                .find(|s| s.app_service_produced_id == service.app_service_produced_id)
                .ok_or(ApplicationError::ServiceNotFound("service produced"))?;
            if old.files() != service.files() {
                return Err(invalid(
                    format!("appServiceProducedList[{i}]"),
                    "keeps its files here; change them with PUT .../serviceproduceds/{id}",
                ));
            }
            for (field, ids, known) in [
                (
                    "dnsRuleIdList",
                    &service.dns_rule_id_list,
                    live.dns_rules
                        .iter()
                        .map(|r| r.dns_rule_id.as_str())
                        .collect::<Vec<_>>(),
                ),
                (
                    "trafficRuleIdList",
                    &service.traffic_rule_id_list,
                    live.traffic_rules
                        .iter()
                        .map(|r| r.traffic_rule_id.as_str())
                        .collect(),
                ),
            ] {
                if let Some(j) = ids.iter().position(|id| !known.contains(&id.as_str())) {
                    return Err(invalid(
                        format!("appServiceProducedList[{i}].{field}[{j}]"),
                        "names no rule of the application",
                    ));
                }
            }
            for entry in &mut names {
                if entry.0 == service.app_service_produced_id {
                    entry.1 = service.service_name.clone();
                }
            }
            if *old != service {
                events.push(ApplicationEvent::ServiceProducedUpdated { service });
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some((_, taken)) = names.iter().find(|(_, name)| !seen.insert(name.clone())) {
            return Err(ApplicationError::ServiceExists {
                kind: "service produced",
                name: taken.clone(),
            });
        }
        if let Some(certificate) = &update.certificate {
            let certificate = certificate
                .clone()
                .validated()
                .map_err(ApplicationError::InvalidRule)?;
            if live.certificate.as_ref() != Some(&certificate) {
                events.push(ApplicationEvent::AppCertificateSet { certificate });
            }
        }
        Ok(events)
    }
}
