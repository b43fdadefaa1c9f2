//! The services part of the app configuration read model: `tbl_app_service_required` (and the
//! older model's `tbl_app_project_capability`, one row per required capability) and
//! `tbl_app_service_produced` (rule id lists as JSON text).

use std::collections::BTreeMap;

use db::{Conn, Sql};
use domain::application::services::{ServiceProduced, ServiceRequired};
use domain::application::ApplicationEvent;

use crate::runtime::ProjectionError;

const DELETE_APPS: [&str; 3] = [
    "DELETE FROM tbl_app_service_required WHERE app_id = ANY($1)",
    "DELETE FROM tbl_app_project_capability WHERE project_id = ANY($1)",
    "DELETE FROM tbl_app_service_produced WHERE app_id = ANY($1)",
];
const DELETE_REQUIRED: [&str; 2] = [
    "DELETE FROM tbl_app_service_required t USING unnest($1::text[], $2::text[]) AS u(app, id) \
     WHERE t.app_id = u.app AND t.id = u.id",
    "DELETE FROM tbl_app_project_capability t USING unnest($1::text[], $2::text[]) AS u(app, id) \
     WHERE t.project_id = u.app AND t.capability_id = u.id",
];
const INSERT_REQUIRED: &str = "INSERT INTO tbl_app_service_required (app_id, id, one_level_name, \
    one_level_name_en, two_level_name, two_level_name_en, ser_name, version, requested_permissions, \
    ser_app_id, package_id) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
        $7::text[], $8::text[], $9::bool[], $10::text[], $11::text[])";
const INSERT_PROJECT_CAPABILITY: &str =
    "INSERT INTO tbl_app_project_capability (project_id, capability_id) \
    SELECT * FROM unnest($1::text[], $2::text[])";
const DELETE_PRODUCED: &str = "DELETE FROM tbl_app_service_produced t \
    USING unnest($1::text[], $2::text[]) AS u(app, id) \
    WHERE t.app_id = u.app AND t.app_service_produced_id = u.id";
const INSERT_PRODUCED: &str =
    "INSERT INTO tbl_app_service_produced (app_id, app_service_produced_id, \
    one_level_name, one_level_name_en, two_level_name, description, api_file_id, guide_file_id, \
    icon_file_id, service_name, internal_port, version, protocol, author, experience_url, \
    dns_rule_id_list, traffic_rule_id_list) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
        $7::text[], $8::text[], $9::text[], $10::text[], $11::int4[], $12::text[], $13::text[], \
        $14::text[], $15::text[], $16::text[], $17::text[])";

/// The last state of every service a batch touches, keyed by (application, id); `None` deletes.
#[derive(Default)]
pub(super) struct Services {
    required: BTreeMap<(String, String), Option<ServiceRequired>>,
    produced: BTreeMap<(String, String), Option<ServiceProduced>>,
}

impl Services {
    /// Folds one event of application `app`.
    pub(super) fn read(&mut self, app: &str, event: ApplicationEvent) {
        let key = |id: &str| (app.to_owned(), id.to_owned());
        match event {
            ApplicationEvent::ServiceRequiredAdded { service }
            | ApplicationEvent::ServiceRequiredUpdated { service } => {
                self.required.insert(key(&service.id), Some(service));
            }
            ApplicationEvent::ServiceRequiredDeleted { capability_id } => {
                self.required.insert(key(&capability_id), None);
            }
            ApplicationEvent::ServiceProducedAdded { service }
            | ApplicationEvent::ServiceProducedUpdated { service } => {
                self.produced
                    .insert(key(&service.app_service_produced_id), Some(service));
            }
            ApplicationEvent::ServiceProducedDeleted {
                app_service_produced_id,
            } => {
                self.produced.insert(key(&app_service_produced_id), None);
            }
            ApplicationEvent::ApplicationDeleted {} => {
                self.required.retain(|(a, _), _| a != app);
                self.produced.retain(|(a, _), _| a != app);
            }
            _ => {}
        }
    }

    /// Removes the services of deleted applications, then writes the batch's rows (each touched
    /// row deleted, the live ones inserted again).
    pub(super) async fn write(
        &self,
        conn: &Conn,
        deleted_apps: &[&str],
    ) -> Result<(), ProjectionError> {
        if !deleted_apps.is_empty() {
            for statement in DELETE_APPS {
                conn.execute(statement, &[&deleted_apps]).await?;
            }
        }
        if !self.required.is_empty() {
            let (apps, ids): (Vec<&str>, Vec<&str>) = self
                .required
                .keys()
                .map(|(a, id)| (a.as_str(), id.as_str()))
                .unzip();
            for statement in DELETE_REQUIRED {
                conn.execute(statement, &[&apps, &ids]).await?;
            }
            let live: Vec<(&str, &ServiceRequired)> = self
                .required
                .iter()
                .filter_map(|((app, _), s)| Some((app.as_str(), s.as_ref()?)))
                .collect();
            if !live.is_empty() {
                let apps: Vec<&str> = live.iter().map(|(a, _)| *a).collect();
                let ids: Vec<&str> = live.iter().map(|(_, s)| s.id.as_str()).collect();
                let text = |f: fn(&ServiceRequired) -> &str| -> Vec<&str> {
                    live.iter().map(|(_, s)| f(s)).collect()
                };
                let optional = |f: fn(&ServiceRequired) -> Option<&str>| -> Vec<Option<&str>> {
                    live.iter().map(|(_, s)| f(s)).collect()
                };
                let permissions: Vec<bool> =
                    live.iter().map(|(_, s)| s.requested_permissions).collect();
                conn.execute(
                    INSERT_REQUIRED,
                    &[
                        &apps,
                        &ids,
                        &text(|s| &s.one_level_name),
                        &text(|s| &s.one_level_name_en),
                        &text(|s| &s.two_level_name),
                        &text(|s| &s.two_level_name_en),
                        &text(|s| &s.ser_name),
                        &optional(|s| s.version.as_deref()),
                        &permissions,
                        &optional(|s| s.app_id.as_deref()),
                        &optional(|s| s.package_id.as_deref()),
                    ],
                )
                .await?;
                conn.execute(INSERT_PROJECT_CAPABILITY, &[&apps, &ids])
                    .await?;
            }
        }
        if !self.produced.is_empty() {
            let (apps, ids): (Vec<&str>, Vec<&str>) = self
                .produced
                .keys()
                .map(|(a, id)| (a.as_str(), id.as_str()))
                .unzip();
            conn.execute(DELETE_PRODUCED, &[&apps, &ids]).await?;
            let live: Vec<(&str, &ServiceProduced)> = self
                .produced
                .iter()
                .filter_map(|((app, _), s)| Some((app.as_str(), s.as_ref()?)))
                .collect();
            if !live.is_empty() {
                let text = |f: fn(&ServiceProduced) -> &str| -> Vec<&str> {
                    live.iter().map(|(_, s)| f(s)).collect()
                };
                let apps: Vec<&str> = live.iter().map(|(a, _)| *a).collect();
                // 1-65535 by the service's rules.
                let ports: Vec<i32> = live
                    .iter()
                    .map(|(_, s)| s.internal_port.clamp(0, 65_535) as i32)
                    .collect();
                let urls: Vec<Option<&str>> = live
                    .iter()
                    .map(|(_, s)| s.experience_url.as_deref())
                    .collect();
                // Plain lists of text: serializing them cannot fail.
                let json = |f: fn(&ServiceProduced) -> &Vec<String>| -> Vec<String> {
                    live.iter()
                        .map(|(_, s)| serde_json::to_string(f(s)).unwrap_or_default())
                        .collect()
                };
                conn.execute(
                    INSERT_PRODUCED,
                    &[
                        &apps,
                        &text(|s| &s.app_service_produced_id),
                        &text(|s| &s.one_level_name),
                        &text(|s| &s.one_level_name_en),
                        &text(|s| &s.two_level_name),
                        &text(|s| &s.description),
                        &text(|s| &s.api_file_id),
                        &text(|s| &s.guide_file_id),
                        &text(|s| &s.icon_file_id),
                        &text(|s| &s.service_name),
                        &ports,
                        &text(|s| &s.version),
                        &text(|s| &s.protocol),
                        &text(|s| &s.author),
                        &urls,
                        &json(|s| &s.dns_rule_id_list),
                        &json(|s| &s.traffic_rule_id_list),
                    ],
                )
                .await?;
            }
        }
        Ok(())
    }
}
