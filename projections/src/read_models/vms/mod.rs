//! The VM read models: configuration from the Application aggregate (`tbl_network`, `tbl_vm`,
//! `tbl_vm_port`, `tbl_vm_certificate`) and deployment from the Vm aggregate
//! (`tbl_vm_instantiate_info`, `tbl_vm_port_instantiate_info`, `tbl_vm_image_export_info`, the
//! status and target image in `tbl_vm`; an exported image is a VmImage, see `vm_images`), plus the older
//! project model's `tbl_project_vm_create_config`, `tbl_project_vm_image_config` and
//! `tbl_project_vm_package_config` carrying the same facts. Certificates keep the sealed password.
//!
//! A batch is folded in memory first: configurations and instantiate/export info are whole
//! snapshots, so only the last one of each row in a batch is written, set-based (a handful of
//! statements per batch, whatever its size).

mod config;
mod deployment;
pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, DbError, Sql};
use domain::application::sandbox::{Network, VmConfig};
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as AppKind};
use domain::vm::{
    ExportInfo, InstantiateInfo, LaunchPlan, Vm, VmEvent, VmEventKind as VmKind, VmStatus,
};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};
use config::{delete_vms, write_networks, write_vms};
use deployment::{write_exports, write_instances, write_packages};

pub struct VmsProjection;

impl Projection for VmsProjection {
    fn name(&self) -> &'static str {
        "vms"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE, Vm::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &[
            "tbl_network",
            "tbl_vm",
            "tbl_vm_port",
            "tbl_vm_certificate",
            "tbl_vm_instantiate_info",
            "tbl_vm_port_instantiate_info",
            "tbl_vm_image_export_info",
            "tbl_project_vm_create_config",
            "tbl_project_vm_image_config",
            "tbl_project_vm_package_config",
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
                let aggregate_type = event.aggregate_type.as_str();
                if aggregate_type == Application::TYPE {
                    batch.application(event)?;
                } else if aggregate_type == Vm::TYPE {
                    batch.vm(event)?;
                }
            }
            batch.write(conn).await?;
            Ok(())
        })
    }
}

/// The application events this projection reads (the others are skipped undecoded).
const CONFIG_EVENTS: &[AppKind] = &[
    AppKind::NetworkCreated,
    AppKind::NetworkUpdated,
    AppKind::NetworkDeleted,
    AppKind::VmCreated,
    AppKind::VmUpdated,
    AppKind::VmDeleted,
    AppKind::ApplicationDeleted,
];

/// The VM events this projection reads.
const VM_EVENTS: &[VmKind] = &[
    VmKind::LaunchRequested,
    VmKind::InstantiateInfoRecorded,
    VmKind::VmStatusChanged,
    VmKind::ImageExportInfoRecorded,
    VmKind::InstanceCleaned,
];

/// Whether a stored event type is one of `kinds`.
fn reads<K: Copy>(kinds: &[K], name: fn(K) -> &'static str, event_type: &str) -> bool {
    kinds.iter().any(|kind| name(*kind) == event_type)
}

/// The last state of every row a batch touches. `None` in a map means "delete".
#[derive(Default)]
struct Batch {
    deleted_apps: Vec<String>,
    networks: BTreeMap<String, Option<(String, Network)>>,
    vms: BTreeMap<String, Option<(String, VmConfig)>>,
    statuses: BTreeMap<String, (VmStatus, Option<i32>)>,
    instances: BTreeMap<String, Option<InstantiateInfo>>,
    exports: BTreeMap<String, Option<ExportInfo>>,
    packages: BTreeMap<String, Option<(LaunchPlan, chrono::DateTime<chrono::Utc>)>>,
}

impl Batch {
    fn application(&mut self, event: &LogEvent) -> Result<(), ProjectionError> {
        if !reads(CONFIG_EVENTS, AppKind::name, &event.event_type) {
            return Ok(());
        }
        let app_id = event.aggregate_id.clone();
        match event.decode::<ApplicationEvent>()? {
            ApplicationEvent::NetworkCreated { network }
            | ApplicationEvent::NetworkUpdated { network } => {
                self.networks
                    .insert(network.id.clone(), Some((app_id, network)));
            }
            ApplicationEvent::NetworkDeleted { network_id } => {
                self.networks.insert(network_id, None);
            }
            ApplicationEvent::VmCreated { vm } | ApplicationEvent::VmUpdated { vm } => {
                self.vms.insert(vm.id.clone(), Some((app_id, vm)));
            }
            ApplicationEvent::VmDeleted { vm_id } => {
                self.forget_deployment(&vm_id);
                self.vms.insert(vm_id, None);
            }
            ApplicationEvent::ApplicationDeleted {} => {
                // Rows of this application made earlier in the batch go too.
                self.networks
                    .retain(|_, n| !matches!(n, Some((app, _)) if *app == app_id));
                let gone: Vec<String> = self
                    .vms
                    .iter()
                    .filter(|(_, v)| matches!(v, Some((app, _)) if *app == app_id))
                    .map(|(id, _)| id.clone())
                    .collect();
                for id in gone {
                    self.forget_deployment(&id);
                    self.vms.insert(id, None);
                }
                self.deleted_apps.push(app_id);
            }
            _ => {}
        }
        Ok(())
    }

    /// Drops pending deployment rows of a VM that is deleted in this batch.
    fn forget_deployment(&mut self, vm_id: &str) {
        self.statuses.remove(vm_id);
        self.instances.insert(vm_id.to_owned(), None);
        self.exports.insert(vm_id.to_owned(), None);
    }

    fn vm(&mut self, event: &LogEvent) -> Result<(), ProjectionError> {
        if !reads(VM_EVENTS, VmKind::name, &event.event_type) {
            return Ok(());
        }
        let vm_id = event.aggregate_id.clone();
        match event.decode::<VmEvent>()? {
            VmEvent::LaunchRequested { plan } => {
                let info = InstantiateInfo {
                    operation_id: event.meta("operation_id").unwrap_or_default().to_owned(),
                    ..InstantiateInfo::default()
                };
                self.instances.insert(vm_id.clone(), Some(info));
                self.packages
                    .insert(vm_id, Some((*plan, event.recorded_at)));
            }
            VmEvent::InstantiateInfoRecorded { info } => {
                self.instances.insert(vm_id, Some(info));
            }
            VmEvent::VmStatusChanged {
                status,
                target_image_id,
            } => {
                let target =
                    target_image_id.or_else(|| self.statuses.get(&vm_id).and_then(|(_, t)| *t));
                self.statuses.insert(vm_id, (status, target));
            }
            VmEvent::ImageExportInfoRecorded { info } => {
                self.exports.insert(vm_id, Some(info));
            }
            VmEvent::InstanceCleaned {} => {
                self.instances.insert(vm_id.clone(), None);
                self.exports.insert(vm_id.clone(), None);
                self.packages.insert(vm_id, None);
            }
            _ => {}
        }
        Ok(())
    }

    async fn write(self, conn: &Conn) -> Result<(), DbError> {
        if !self.deleted_apps.is_empty() {
            delete_vms(conn, "app_id = ANY($1)", &self.deleted_apps).await?;
            conn.execute(
                "DELETE FROM tbl_network WHERE app_id = ANY($1)",
                &[&self.deleted_apps],
            )
            .await?;
        }
        write_networks(conn, &self.networks).await?;
        write_vms(conn, &self.vms).await?;
        if !self.statuses.is_empty() {
            let ids: Vec<&String> = self.statuses.keys().collect();
            let statuses: Vec<&str> = self.statuses.values().map(|(s, _)| s.as_str()).collect();
            let targets: Vec<Option<i32>> = self.statuses.values().map(|(_, t)| *t).collect();
            conn.execute("UPDATE tbl_vm v SET status = u.status, target_image_id = coalesce(u.target, v.target_image_id) \
                 FROM unnest($1::text[], $2::text[], $3::int4[]) AS u(id, status, target) \
                 WHERE v.id = u.id AND v.id = ANY($1::text[])", &[&ids, &statuses, &targets])
            .await?;
        }
        write_instances(conn, &self.instances).await?;
        write_exports(conn, &self.exports).await?;
        write_packages(conn, &self.packages).await?;
        Ok(())
    }
}

/// Splits a map of last states into (ids to delete, rows to write).
fn split<T>(map: &BTreeMap<String, Option<T>>) -> (Vec<&str>, Vec<(&str, &T)>) {
    let mut deleted = Vec::new();
    let mut kept = Vec::new();
    for (id, value) in map {
        match value {
            None => deleted.push(id.as_str()),
            Some(v) => kept.push((id.as_str(), v)),
        }
    }
    (deleted, kept)
}
