//! What an Application command decides: one function per use case, each returning the events to
//! append (none when the command changes nothing) or the rejection. `handle` only dispatches.
//!
//! - [`lifecycle`]: create, update, delete, sandbox host selection.
//! - [`sandbox`]: networks and VMs of a VM application.
//! - [`operations`]: the clean-env operation, its steps and its cancellation.
//! - [`rules`]: the MEC traffic and DNS rules of the app configuration.
//! - [`services`]: the services it requires and produces, its certificate and scripts.
//! - [`configuration`]: the whole configuration updated at once.
//! - [`helm_charts`]: the helm charts of a container application.
//! - [`package`]: its package: generated, edited, re-packed.
//! - [`testing`]: its test tasks on the test platform.
//! - [`release`]: its release to the app store.

mod configuration;
mod helm_charts;
mod lifecycle;
mod operations;
mod package;
mod release;
mod rules;
mod sandbox;
mod services;
mod testing;

use super::{
    AppStatus, Application, ApplicationAction, ApplicationCommand, ApplicationError,
    ApplicationEvent, LiveApplication,
};

/// The events a command appends, in order.
pub(super) type Decision = Result<Vec<ApplicationEvent>, ApplicationError>;

impl Application {
    /// Decides `command` on the current state; a change of what a package holds sends a
    /// PACKAGED or TESTED application back to CONFIGURED (its package and test are stale).
    pub(super) fn decide(&self, command: &ApplicationCommand) -> Decision {
        let mut events = self.decide_action(command)?;
        if let Some(moved) = self.state.as_ref().and_then(|l| l.invalidated_by(&events)) {
            events.push(moved);
        }
        Ok(events)
    }

    fn decide_action(&self, command: &ApplicationCommand) -> Decision {
        use ApplicationAction as A;
        match &command.action {
            A::Create { fields, created_at } => self.create(command, fields, *created_at),
            A::Update(fields) => self.update(command, fields),
            A::Delete => self.delete(command),
            A::SelectSandboxHost { mep_host_id } => self.select_sandbox_host(command, mep_host_id),
            A::CreateNetwork(network) => self.create_network(command, network),
            A::UpdateNetwork(network) => self.update_network(command, network),
            A::DeleteNetwork { network_id } => self.delete_network(command, network_id),
            A::CreateVm(vm) => self.create_vm(command, vm),
            A::UpdateVm(vm) => self.update_vm(command, vm),
            A::DeleteVm { vm_id } => self.delete_vm(command, vm_id),
            A::RequestCleanEnv { operation_id, at } => {
                self.request_clean_env(command, operation_id, *at)
            }
            A::OperationStep {
                operation_id,
                events,
            } => self.operation_step(operation_id, events),
            A::CancelOperation { operation_id, at } => {
                self.cancel_operation(command, operation_id, *at)
            }
            A::AddTrafficRule(rule) => self.add_traffic_rule(command, rule),
            A::UpdateTrafficRule(rule) => self.update_traffic_rule(command, rule),
            A::DeleteTrafficRule { traffic_rule_id } => {
                self.delete_traffic_rule(command, traffic_rule_id)
            }
            A::AddDnsRule(rule) => self.add_dns_rule(command, rule),
            A::UpdateDnsRule(rule) => self.update_dns_rule(command, rule),
            A::DeleteDnsRule { dns_rule_id } => self.delete_dns_rule(command, dns_rule_id),
            A::AddServiceRequired(s) => self.add_service_required(command, s),
            A::UpdateServiceRequired(s) => self.update_service_required(command, s),
            A::DeleteServiceRequired { capability_id } => {
                self.delete_service_required(command, capability_id)
            }
            A::AddServiceProduced(s) => self.add_service_produced(command, s),
            A::UpdateServiceProduced(s) => self.update_service_produced(command, s),
            A::DeleteServiceProduced {
                app_service_produced_id,
            } => self.delete_service_produced(command, app_service_produced_id),
            A::SetAppCertificate(certificate) => self.set_certificate(command, certificate),
            A::DeleteAppCertificate => self.delete_certificate(command),
            A::UpdateConfiguration(update) => self.update_configuration(command, update),
            A::AddScript(script) => self.add_script(command, script),
            A::DeleteScript { script_id } => self.delete_script(command, script_id),
            A::AddHelmChart { chart, content } => self.add_helm_chart(command, chart, content),
            A::ReplaceHelmChart {
                helm_chart_id,
                from_file_id,
                archive,
                content,
            } => self.replace_helm_chart(command, helm_chart_id, from_file_id, archive, content),
            A::DeleteHelmChart { helm_chart_id } => self.delete_helm_chart(command, helm_chart_id),
            A::GeneratePackage(package) => self.generate_package(command, package),
            A::UpdatePackageFile {
                package_id,
                from_file_id,
                file_path,
                archive,
            } => self.update_package_file(command, package_id, from_file_id, file_path, archive),
            A::ZipPackage {
                package_id,
                from_file_id,
                archive,
            } => self.zip_package(command, package_id, from_file_id, archive),
            A::StartTest { task, at } => self.start_test(command, task, *at),
            A::ReleaseApp(release) => self.release(command, release),
        }
    }
}

impl LiveApplication {
    /// The move back to CONFIGURED that `events` make, when they change what a package holds
    /// (basic fields, rules, services, certificate, scripts) of a PACKAGED or TESTED application
    /// and move its status no other way.
    fn invalidated_by(&self, events: &[ApplicationEvent]) -> Option<ApplicationEvent> {
        use ApplicationEvent as E;
        let stale = matches!(self.status, AppStatus::Packaged | AppStatus::Tested);
        let moves = events
            .iter()
            .any(|e| matches!(e, E::ApplicationStatusChanged { .. }));
        let changes_content = events.iter().any(|e| {
            matches!(
                e,
                E::ApplicationUpdated { .. }
                    | E::TrafficRuleAdded { .. }
                    | E::TrafficRuleUpdated { .. }
                    | E::TrafficRuleDeleted { .. }
                    | E::DnsRuleAdded { .. }
                    | E::DnsRuleUpdated { .. }
                    | E::DnsRuleDeleted { .. }
                    | E::ServiceRequiredAdded { .. }
                    | E::ServiceRequiredUpdated { .. }
                    | E::ServiceRequiredDeleted { .. }
                    | E::ServiceProducedAdded { .. }
                    | E::ServiceProducedUpdated { .. }
                    | E::ServiceProducedDeleted { .. }
                    | E::AppCertificateSet { .. }
                    | E::AppCertificateDeleted { .. }
                    | E::ScriptAdded { .. }
                    | E::ScriptDeleted { .. }
            )
        });
        (stale && changes_content && !moves).then_some(E::ApplicationStatusChanged {
            from: self.status,
            to: AppStatus::Configured,
        })
    }
}
