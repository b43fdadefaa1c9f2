//! The services an application requires and produces: a capability required once, `serName`
//! and `serviceName` unique in the application, and a produced service's rule ids naming rules
//! the application has.

use super::Decision;
use crate::application::rules::RuleError;
use crate::application::scripts::AppScript;
use crate::application::services::{AppCertificate, ServiceProduced, ServiceRequired};
use crate::application::{
    Application, ApplicationCommand, ApplicationError, ApplicationEvent, LiveApplication,
};

const REQUIRED: &str = "service required";
const PRODUCED: &str = "service produced";

/// Every rule id a produced service names must be one of the application's rules.
fn check_rule_ids(
    live: &LiveApplication,
    service: &ServiceProduced,
) -> Result<(), ApplicationError> {
    let unknown = |field: &str, i: usize, kind: &str| {
        ApplicationError::InvalidRule(RuleError::new(
            format!("{field}[{i}]"),
            format!("names no {kind} rule of the application"),
        ))
    };
    for (i, id) in service.dns_rule_id_list.iter().enumerate() {
        if !live.dns_rules.iter().any(|r| &r.dns_rule_id == id) {
            return Err(unknown("dnsRuleIdList", i, "DNS"));
        }
    }
    for (i, id) in service.traffic_rule_id_list.iter().enumerate() {
        if !live.traffic_rules.iter().any(|r| &r.traffic_rule_id == id) {
            return Err(unknown("trafficRuleIdList", i, "traffic"));
        }
    }
    Ok(())
}

impl Application {
    pub(super) fn add_service_required(
        &self,
        command: &ApplicationCommand,
        service: &ServiceRequired,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let service = service
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        if let Some(taken) = live
            .services_required
            .iter()
            .find(|s| s.id == service.id || s.ser_name == service.ser_name)
        {
            return Err(ApplicationError::ServiceExists {
                kind: REQUIRED,
                name: taken.ser_name.clone(),
            });
        }
        Ok(vec![ApplicationEvent::ServiceRequiredAdded { service }])
    }

    pub(super) fn update_service_required(
        &self,
        command: &ApplicationCommand,
        service: &ServiceRequired,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let service = service
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        let old = live
            .services_required
            .iter()
            .find(|s| s.ser_name == service.ser_name && s.id == service.id)
            .ok_or(ApplicationError::ServiceNotFound(REQUIRED))?;
        if *old == service {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::ServiceRequiredUpdated { service }])
    }

    pub(super) fn delete_service_required(
        &self,
        command: &ApplicationCommand,
        capability_id: &str,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        if !live.services_required.iter().any(|s| s.id == capability_id) {
            return Err(ApplicationError::ServiceNotFound(REQUIRED));
        }
        Ok(vec![ApplicationEvent::ServiceRequiredDeleted {
            capability_id: capability_id.to_owned(),
        }])
    }

    pub(super) fn add_service_produced(
        &self,
        command: &ApplicationCommand,
        service: &ServiceProduced,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let service = service
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        if live.services_produced.iter().any(|s| {
            s.service_name == service.service_name
                || s.app_service_produced_id == service.app_service_produced_id
        }) {
            return Err(ApplicationError::ServiceExists {
                kind: PRODUCED,
                name: service.service_name,
            });
        }
        check_rule_ids(live, &service)?;
        Ok(vec![ApplicationEvent::ServiceProducedAdded { service }])
    }

    pub(super) fn update_service_produced(
        &self,
        command: &ApplicationCommand,
        service: &ServiceProduced,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let service = service
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        let old = live
            .services_produced
            .iter()
            .find(|s| s.app_service_produced_id == service.app_service_produced_id)
            .ok_or(ApplicationError::ServiceNotFound(PRODUCED))?;
        if live.services_produced.iter().any(|s| {
            s.service_name == service.service_name
                && s.app_service_produced_id != service.app_service_produced_id
        }) {
            return Err(ApplicationError::ServiceExists {
                kind: PRODUCED,
                name: service.service_name,
            });
        }
        check_rule_ids(live, &service)?;
        if *old == service {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::ServiceProducedUpdated { service }])
    }

    pub(super) fn delete_service_produced(
        &self,
        command: &ApplicationCommand,
        id: &str,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        if !live
            .services_produced
            .iter()
            .any(|s| s.app_service_produced_id == id)
        {
            return Err(ApplicationError::ServiceNotFound(PRODUCED));
        }
        Ok(vec![ApplicationEvent::ServiceProducedDeleted {
            app_service_produced_id: id.to_owned(),
        }])
    }

    pub(super) fn set_certificate(
        &self,
        command: &ApplicationCommand,
        certificate: &AppCertificate,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let certificate = certificate
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        if live.certificate.as_ref() == Some(&certificate) {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::AppCertificateSet { certificate }])
    }

    pub(super) fn delete_certificate(&self, command: &ApplicationCommand) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        if live.certificate.is_none() {
            return Err(ApplicationError::NoCertificate);
        }
        Ok(vec![ApplicationEvent::AppCertificateDeleted {}])
    }

    pub(super) fn add_script(&self, command: &ApplicationCommand, script: &AppScript) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        let script = script
            .clone()
            .validated()
            .map_err(ApplicationError::InvalidRule)?;
        if live.scripts.iter().any(|s| s.id == script.id) {
            return Err(ApplicationError::ServiceExists {
                kind: "script",
                name: script.id,
            });
        }
        Ok(vec![ApplicationEvent::ScriptAdded { script }])
    }

    pub(super) fn delete_script(&self, command: &ApplicationCommand, script_id: &str) -> Decision {
        let live = self.live_for(command)?;
        live.writable()?;
        if !live.scripts.iter().any(|s| s.id == script_id) {
            return Err(ApplicationError::ScriptNotFound);
        }
        Ok(vec![ApplicationEvent::ScriptDeleted {
            script_id: script_id.to_owned(),
        }])
    }
}
