//! The application configuration: the MEC rules in `tbl_app_traffic_rule` and
//! `tbl_app_dns_rule`, one row per (application, rule id), the filters and interfaces of a traffic
//! rule as JSON text (the seed's text columns); and the services ([`services`]). A batch is
//! folded into the last state of each row it touched, and an application's deletion removes its
//! configuration.

pub mod query;
mod services;

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::rules::{DnsRule, TrafficRule};
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as Kind};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AppConfigurationProjection;

const EVENTS: &[Kind] = &[
    Kind::TrafficRuleAdded,
    Kind::TrafficRuleUpdated,
    Kind::TrafficRuleDeleted,
    Kind::DnsRuleAdded,
    Kind::DnsRuleUpdated,
    Kind::DnsRuleDeleted,
    Kind::ServiceRequiredAdded,
    Kind::ServiceRequiredUpdated,
    Kind::ServiceRequiredDeleted,
    Kind::ServiceProducedAdded,
    Kind::ServiceProducedUpdated,
    Kind::ServiceProducedDeleted,
    Kind::AppCertificateSet,
    Kind::AppCertificateDeleted,
    Kind::ApplicationDeleted,
];

const DELETE_APPS: [&str; 3] = [
    "DELETE FROM tbl_app_traffic_rule WHERE app_id = ANY($1)",
    "DELETE FROM tbl_app_dns_rule WHERE app_id = ANY($1)",
    "DELETE FROM tbl_app_certificate WHERE app_id = ANY($1)",
];
const DELETE_CERTIFICATES: &str = "DELETE FROM tbl_app_certificate WHERE app_id = ANY($1)";
/// The secret key stays sealed in the table.
const INSERT_CERTIFICATES: &str = "INSERT INTO tbl_app_certificate (app_id, ak, sk) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[])";
const DELETE_TRAFFIC: &str =
    "DELETE FROM tbl_app_traffic_rule t USING unnest($1::text[], $2::text[]) \
    AS u(app, id) WHERE t.app_id = u.app AND t.traffic_rule_id = u.id";
const DELETE_DNS: &str = "DELETE FROM tbl_app_dns_rule t USING unnest($1::text[], $2::text[]) \
    AS u(app, id) WHERE t.app_id = u.app AND t.dns_rule_id = u.id";
const UPSERT_TRAFFIC: &str = "INSERT INTO tbl_app_traffic_rule (app_id, traffic_rule_id, action, \
    priority, filter_type, traffic_filter, dst_interface) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int4[], $5::text[], $6::text[], $7::text[]) \
    ON CONFLICT (app_id, traffic_rule_id) DO UPDATE SET action = EXCLUDED.action, \
    priority = EXCLUDED.priority, filter_type = EXCLUDED.filter_type, \
    traffic_filter = EXCLUDED.traffic_filter, dst_interface = EXCLUDED.dst_interface";
const UPSERT_DNS: &str = "INSERT INTO tbl_app_dns_rule (app_id, dns_rule_id, domain_name, \
    ip_address_type, ip_address, ttl) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) \
    ON CONFLICT (app_id, dns_rule_id) DO UPDATE SET domain_name = EXCLUDED.domain_name, \
    ip_address_type = EXCLUDED.ip_address_type, ip_address = EXCLUDED.ip_address, ttl = EXCLUDED.ttl";

/// The last state of every rule a batch touches, keyed by (application, rule id); `None` deletes.
#[derive(Default)]
struct Batch {
    deleted_apps: BTreeSet<String>,
    traffic: BTreeMap<(String, String), Option<TrafficRule>>,
    dns: BTreeMap<(String, String), Option<DnsRule>>,
    services: services::Services,
    /// (access key, sealed secret key), or `None` when deleted.
    certificates: BTreeMap<String, Option<(String, String)>>,
}

impl Batch {
    fn read(&mut self, event: &LogEvent) -> Result<(), ProjectionError> {
        if event.aggregate_type != Application::TYPE
            || !EVENTS.iter().any(|k| k.name() == event.event_type)
        {
            return Ok(());
        }
        let app = event.aggregate_id.clone();
        match event.decode::<ApplicationEvent>()? {
            ApplicationEvent::TrafficRuleAdded { rule }
            | ApplicationEvent::TrafficRuleUpdated { rule } => {
                self.traffic
                    .insert((app, rule.traffic_rule_id.clone()), Some(rule));
            }
            ApplicationEvent::TrafficRuleDeleted { traffic_rule_id } => {
                self.traffic.insert((app, traffic_rule_id), None);
            }
            ApplicationEvent::DnsRuleAdded { rule } | ApplicationEvent::DnsRuleUpdated { rule } => {
                self.dns.insert((app, rule.dns_rule_id.clone()), Some(rule));
            }
            ApplicationEvent::DnsRuleDeleted { dns_rule_id } => {
                self.dns.insert((app, dns_rule_id), None);
            }
            ApplicationEvent::AppCertificateSet { certificate } => {
                self.certificates
                    .insert(app, Some((certificate.ak, certificate.sk.0)));
            }
            ApplicationEvent::AppCertificateDeleted {} => {
                self.certificates.insert(app, None);
            }
            ApplicationEvent::ApplicationDeleted {} => {
                self.certificates.remove(&app);
                self.traffic.retain(|(a, _), _| *a != app);
                self.dns.retain(|(a, _), _| *a != app);
                self.services
                    .read(&app, ApplicationEvent::ApplicationDeleted {});
                self.deleted_apps.insert(app);
            }
            services => self.services.read(&app, services),
        }
        Ok(())
    }

    async fn write(&self, conn: &Conn) -> Result<(), ProjectionError> {
        let deleted: Vec<&str> = self.deleted_apps.iter().map(String::as_str).collect();
        if !deleted.is_empty() {
            for statement in DELETE_APPS {
                conn.execute(statement, &[&deleted]).await?;
            }
        }
        self.services.write(conn, &deleted).await?;
        if !self.certificates.is_empty() {
            let apps: Vec<&str> = self.certificates.keys().map(String::as_str).collect();
            conn.execute(DELETE_CERTIFICATES, &[&apps]).await?;
            let (apps, keys): (Vec<&str>, Vec<(&str, &str)>) = self
                .certificates
                .iter()
                .filter_map(|(app, c)| {
                    c.as_ref()
                        .map(|(ak, sk)| (app.as_str(), (ak.as_str(), sk.as_str())))
                })
                .unzip();
            let (aks, sks): (Vec<&str>, Vec<&str>) = keys.into_iter().unzip();
            if !apps.is_empty() {
                conn.execute(INSERT_CERTIFICATES, &[&apps, &aks, &sks])
                    .await?;
            }
        }
        let (apps, ids): (Vec<&str>, Vec<&str>) = self
            .traffic
            .iter()
            .filter(|(_, rule)| rule.is_none())
            .map(|((a, id), _)| (a.as_str(), id.as_str()))
            .unzip();
        if !apps.is_empty() {
            conn.execute(DELETE_TRAFFIC, &[&apps, &ids]).await?;
        }
        let (apps, ids): (Vec<&str>, Vec<&str>) = self
            .dns
            .iter()
            .filter(|(_, rule)| rule.is_none())
            .map(|((a, id), _)| (a.as_str(), id.as_str()))
            .unzip();
        if !apps.is_empty() {
            conn.execute(DELETE_DNS, &[&apps, &ids]).await?;
        }
        let mut t = TrafficColumns::default();
        for ((app, _), rule) in &self.traffic {
            if let Some(rule) = rule {
                t.push(app, rule);
            }
        }
        if !t.apps.is_empty() {
            conn.execute(
                UPSERT_TRAFFIC,
                &[
                    &t.apps,
                    &t.ids,
                    &t.actions,
                    &t.priorities,
                    &t.filter_types,
                    &t.filters,
                    &t.interfaces,
                ],
            )
            .await?;
        }
        let mut d = DnsColumns::default();
        for ((app, _), rule) in &self.dns {
            if let Some(rule) = rule {
                d.apps.push(app.as_str());
                d.ids.push(&rule.dns_rule_id);
                d.domains.push(&rule.domain_name);
                d.types.push(&rule.ip_address_type);
                d.addresses.push(&rule.ip_address);
                d.ttls.push(rule.ttl.to_string());
            }
        }
        if !d.apps.is_empty() {
            conn.execute(
                UPSERT_DNS,
                &[&d.apps, &d.ids, &d.domains, &d.types, &d.addresses, &d.ttls],
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct TrafficColumns<'a> {
    apps: Vec<&'a str>,
    ids: Vec<&'a str>,
    actions: Vec<&'a str>,
    priorities: Vec<i32>,
    filter_types: Vec<&'a str>,
    filters: Vec<String>,
    interfaces: Vec<String>,
}

impl<'a> TrafficColumns<'a> {
    fn push(&mut self, app: &'a str, rule: &'a TrafficRule) {
        self.apps.push(app);
        self.ids.push(&rule.traffic_rule_id);
        self.actions.push(&rule.action);
        // 0-255 by the rule's rules.
        self.priorities.push(rule.priority.clamp(0, 255) as i32);
        self.filter_types.push(&rule.filter_type);
        // Plain data: serializing it cannot fail.
        self.filters
            .push(serde_json::to_string(&rule.traffic_filter).unwrap_or_default());
        self.interfaces
            .push(serde_json::to_string(&rule.dst_interface).unwrap_or_default());
    }
}

#[derive(Default)]
struct DnsColumns<'a> {
    apps: Vec<&'a str>,
    ids: Vec<&'a str>,
    domains: Vec<&'a str>,
    types: Vec<&'a str>,
    addresses: Vec<&'a str>,
    ttls: Vec<String>,
}

impl Projection for AppConfigurationProjection {
    fn name(&self) -> &'static str {
        "app_configuration"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &[
            "tbl_app_traffic_rule",
            "tbl_app_dns_rule",
            "tbl_app_service_required",
            "tbl_app_project_capability",
            "tbl_app_service_produced",
            "tbl_app_certificate",
        ]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut batch = Batch::default();
            for event in events {
                batch.read(event)?;
            }
            batch.write(conn).await
        })
    }
}
