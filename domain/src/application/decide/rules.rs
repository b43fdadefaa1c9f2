//! The MEC traffic and DNS rules of an application's configuration: ids unique in the
//! application, each rule checked whole; an update that changes nothing appends nothing.

use super::Decision;
use crate::application::rules::{DnsRule, TrafficRule};
use crate::application::{Application, ApplicationCommand, ApplicationError, ApplicationEvent};

const TRAFFIC: &str = "traffic";
const DNS: &str = "DNS";

fn not_found(kind: &'static str, id: &str) -> ApplicationError {
    ApplicationError::RuleNotFound {
        kind,
        id: id.to_owned(),
    }
}

impl Application {
    pub(super) fn add_traffic_rule(
        &self,
        command: &ApplicationCommand,
        rule: &TrafficRule,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let rule = rule
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        if live
            .traffic_rules
            .iter()
            .any(|r| r.traffic_rule_id == rule.traffic_rule_id)
        {
            return Err(ApplicationError::RuleExists {
                kind: TRAFFIC,
                id: rule.traffic_rule_id,
            });
        }
        Ok(vec![ApplicationEvent::TrafficRuleAdded { rule }])
    }

    pub(super) fn update_traffic_rule(
        &self,
        command: &ApplicationCommand,
        rule: &TrafficRule,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let rule = rule
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        let old = live
            .traffic_rules
            .iter()
            .find(|r| r.traffic_rule_id == rule.traffic_rule_id)
            .ok_or_else(|| not_found(TRAFFIC, &rule.traffic_rule_id))?;
        if *old == rule {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::TrafficRuleUpdated { rule }])
    }

    pub(super) fn delete_traffic_rule(&self, command: &ApplicationCommand, id: &str) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        if !live.traffic_rules.iter().any(|r| r.traffic_rule_id == id) {
            return Err(not_found(TRAFFIC, id));
        }
        if let Some(s) = live
            .services_produced
            .iter()
            .find(|s| s.traffic_rule_id_list.iter().any(|r| r == id))
        {
            return Err(ApplicationError::RuleInUse {
                id: id.to_owned(),
                service: s.service_name.clone(),
            });
        }
        Ok(vec![ApplicationEvent::TrafficRuleDeleted {
            traffic_rule_id: id.to_owned(),
        }])
    }

    pub(super) fn add_dns_rule(&self, command: &ApplicationCommand, rule: &DnsRule) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let rule = rule
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        if live
            .dns_rules
            .iter()
            .any(|r| r.dns_rule_id == rule.dns_rule_id)
        {
            return Err(ApplicationError::RuleExists {
                kind: DNS,
                id: rule.dns_rule_id,
            });
        }
        Ok(vec![ApplicationEvent::DnsRuleAdded { rule }])
    }

    pub(super) fn update_dns_rule(&self, command: &ApplicationCommand, rule: &DnsRule) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let rule = rule
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        let old = live
            .dns_rules
            .iter()
            .find(|r| r.dns_rule_id == rule.dns_rule_id)
            .ok_or_else(|| not_found(DNS, &rule.dns_rule_id))?;
        if *old == rule {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::DnsRuleUpdated { rule }])
    }

    pub(super) fn delete_dns_rule(&self, command: &ApplicationCommand, id: &str) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        if !live.dns_rules.iter().any(|r| r.dns_rule_id == id) {
            return Err(not_found(DNS, id));
        }
        if let Some(s) = live
            .services_produced
            .iter()
            .find(|s| s.dns_rule_id_list.iter().any(|r| r == id))
        {
            return Err(ApplicationError::RuleInUse {
                id: id.to_owned(),
                service: s.service_name.clone(),
            });
        }
        Ok(vec![ApplicationEvent::DnsRuleDeleted {
            dns_rule_id: id.to_owned(),
        }])
    }
}
