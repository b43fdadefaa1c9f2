//! The VM read models: configuration from the Application aggregate (`tbl_network`, `tbl_vm`,
//! `tbl_vm_port`, `tbl_vm_certificate`) and deployment from the Vm aggregate
//! (`tbl_vm_instantiate_info`, `tbl_vm_port_instantiate_info`, `tbl_vm_image_export_info`, the
//! exported images in `tbl_vm_image`, the status and target image in `tbl_vm`), plus the older
//! project model's `tbl_project_vm_create_config`, `tbl_project_vm_image_config` and
//! `tbl_project_vm_package_config` carrying the same facts. Certificates keep the sealed password.
//!
//! A batch is folded in memory first: configurations and instantiate/export info are whole
//! snapshots, so only the last one of each row in a batch is written, set-based (a handful of
//! statements per batch, whatever its size).

pub mod query;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use db::{Conn, DbError, Sql};
use domain::application::sandbox::{Network, VmCertificate, VmConfig};
use domain::application::{Application, ApplicationEvent, ApplicationEventKind as AppKind};
use domain::vm::{
    ExportInfo, ExportedImage, InstantiateInfo, LaunchPlan, Vm, VmEvent, VmEventKind as VmKind,
    VmStatus,
};
use serde_json::json;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

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
            "tbl_vm_image",
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
    VmKind::VmImageExported,
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
    images: Vec<ExportedImage>,
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
            VmEvent::VmImageExported { image } => self.images.push(image),
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
        write_images(conn, &self.images).await?;
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

async fn write_networks(
    conn: &Conn,
    networks: &BTreeMap<String, Option<(String, Network)>>,
) -> Result<(), DbError> {
    if networks.is_empty() {
        return Ok(());
    }
    let (deleted, kept) = split(networks);
    let ids: Vec<&str> = kept.iter().map(|(id, _)| *id).collect();
    let apps: Vec<&str> = kept.iter().map(|(_, (a, _))| a.as_str()).collect();
    let names: Vec<&str> = kept.iter().map(|(_, (_, n))| n.name.as_str()).collect();
    let descriptions: Vec<&str> = kept
        .iter()
        .map(|(_, (_, n))| n.description.as_str())
        .collect();
    conn.execute(
        "WITH gone AS (DELETE FROM tbl_network WHERE id = ANY($1)) \
         INSERT INTO tbl_network (id, app_id, name, description) \
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) \
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description",
        &[&deleted, &ids, &apps, &names, &descriptions],
    )
    .await?;
    Ok(())
}

/// Deletes the VMs selected by `filter` on tbl_vm (bound to `$1`) with everything hanging off
/// them.
async fn delete_vms<T>(conn: &Conn, filter: &str, value: T) -> Result<(), DbError>
where
    T: db::ToSql + Sync,
{
    let sql = format!(
        "WITH gone AS (DELETE FROM tbl_vm WHERE {filter} RETURNING id), \
         p AS (DELETE FROM tbl_vm_port WHERE vm_id IN (SELECT id FROM gone)), \
         c AS (DELETE FROM tbl_vm_certificate WHERE vm_id IN (SELECT id FROM gone)), \
         i AS (DELETE FROM tbl_vm_instantiate_info WHERE vm_id IN (SELECT id FROM gone)), \
         pi AS (DELETE FROM tbl_vm_port_instantiate_info WHERE vm_id IN (SELECT id FROM gone)), \
         e AS (DELETE FROM tbl_vm_image_export_info WHERE vm_id IN (SELECT id FROM gone)), \
         oc AS (DELETE FROM tbl_project_vm_create_config WHERE vm_id IN (SELECT id FROM gone)) \
         DELETE FROM tbl_project_vm_image_config WHERE vm_id IN (SELECT id FROM gone)"
    );
    conn.execute(&sql, &[&value]).await?;
    Ok(())
}

/// Replaces the VM rows, recreates their ports and upserts their certificates (as the original's
/// PUT); deletes VMs with everything hanging off them.
async fn write_vms(
    conn: &Conn,
    vms: &BTreeMap<String, Option<(String, VmConfig)>>,
) -> Result<(), DbError> {
    if vms.is_empty() {
        return Ok(());
    }
    let (deleted, kept) = split(vms);
    if !deleted.is_empty() {
        delete_vms(conn, "id = ANY($1)", &deleted).await?;
    }
    if kept.is_empty() {
        return Ok(());
    }
    let specs: Vec<(&str, &str, &VmConfig)> = kept
        .iter()
        .map(|(id, (app, vm))| (*id, app.as_str(), vm))
        .collect();
    conn.execute("INSERT INTO tbl_vm (id, app_id, name, flavor_id, image_id, target_image_id, user_data, status, area_zone, \
         flavor_extra_specs) \
         SELECT id, app_id, name, flavor_id, image_id, NULL, user_data, 'NOT_DEPLOY', area_zone, flavor_extra_specs \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::text[], $7::text[], $8::text[]) \
           AS u(id, app_id, name, flavor_id, image_id, user_data, area_zone, flavor_extra_specs) \
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, flavor_id = EXCLUDED.flavor_id, \
         image_id = EXCLUDED.image_id, user_data = EXCLUDED.user_data, area_zone = EXCLUDED.area_zone, \
         flavor_extra_specs = EXCLUDED.flavor_extra_specs", &[&specs.iter().map(|s| s.0).collect::<Vec<_>>(), &specs.iter().map(|s| s.1).collect::<Vec<_>>(), &specs.iter().map(|s| s.2.spec.name.as_str()).collect::<Vec<_>>(), &specs.iter().map(|s| s.2.spec.flavor_id.as_str()).collect::<Vec<_>>(), &specs.iter().map(|s| s.2.spec.image_id).collect::<Vec<_>>(), &specs.iter().map(|s| s.2.spec.user_data.clone()).collect::<Vec<_>>(), &specs.iter().map(|s| s.2.spec.area_zone.clone()).collect::<Vec<_>>(), &specs.iter().map(|s| s.2.spec.flavor_extra_specs.clone()).collect::<Vec<_>>()])
    .await?;
    let vm_ids: Vec<&str> = specs.iter().map(|s| s.0).collect();
    let ports: Vec<(&str, &domain::application::sandbox::VmPort)> = specs
        .iter()
        .flat_map(|(id, _, vm)| vm.spec.ports.iter().map(move |p| (*id, p)))
        .collect();
    conn.execute(
        "WITH gone AS (DELETE FROM tbl_vm_port WHERE vm_id = ANY($1)) \
         INSERT INTO tbl_vm_port (id, vm_id, name, description, network_name) \
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])",
        &[
            &vm_ids,
            &ports.iter().map(|(_, p)| p.id.as_str()).collect::<Vec<_>>(),
            &ports.iter().map(|(vm, _)| *vm).collect::<Vec<_>>(),
            &ports
                .iter()
                .map(|(_, p)| p.name.as_str())
                .collect::<Vec<_>>(),
            &ports
                .iter()
                .map(|(_, p)| p.description.as_str())
                .collect::<Vec<_>>(),
            &ports
                .iter()
                .map(|(_, p)| p.network_name.as_str())
                .collect::<Vec<_>>(),
        ],
    )
    .await?;
    let certificates: Vec<(&str, &str, Option<String>, Option<String>)> = specs
        .iter()
        .filter_map(|(id, _, vm)| {
            vm.spec.certificate.as_ref().map(|c| match c {
                VmCertificate::Password { username, password } => (
                    *id,
                    "PASSWORD",
                    Some(json!({"username": username, "password": password.0}).to_string()),
                    None,
                ),
                VmCertificate::KeyPair { key_pair_id } => (
                    *id,
                    "KEYPAIR",
                    None,
                    Some(json!({"keyPairId": key_pair_id}).to_string()),
                ),
            })
        })
        .collect();
    conn.execute("WITH gone AS (DELETE FROM tbl_vm_certificate WHERE vm_id = ANY($1) AND NOT vm_id = ANY($2)) \
         INSERT INTO tbl_vm_certificate (vm_id, certificate_type, pwd_certificate, key_pair_certificate) \
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) \
         ON CONFLICT (vm_id) DO UPDATE SET certificate_type = EXCLUDED.certificate_type, \
         pwd_certificate = EXCLUDED.pwd_certificate, key_pair_certificate = EXCLUDED.key_pair_certificate", &[&vm_ids, &certificates.iter().map(|c| c.0).collect::<Vec<_>>(), &certificates.iter().map(|c| c.1).collect::<Vec<_>>(), &certificates.iter().map(|c| c.2.clone()).collect::<Vec<_>>(), &certificates.iter().map(|c| c.3.clone()).collect::<Vec<_>>()])
    .await?;
    Ok(())
}

async fn write_instances(
    conn: &Conn,
    instances: &BTreeMap<String, Option<InstantiateInfo>>,
) -> Result<(), DbError> {
    if instances.is_empty() {
        return Ok(());
    }
    let (deleted, kept) = split(instances);
    let all: Vec<&str> = instances.keys().map(String::as_str).collect();
    conn.execute(
        "WITH i AS (DELETE FROM tbl_vm_instantiate_info WHERE vm_id = ANY($2)), \
         oc AS (DELETE FROM tbl_project_vm_create_config WHERE vm_id = ANY($2)) \
         DELETE FROM tbl_vm_port_instantiate_info WHERE vm_id = ANY($1)",
        &[&all, &deleted],
    )
    .await?;
    if kept.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($field:ident) => {
            kept.iter()
                .map(|(_, i)| i.$field.clone())
                .collect::<Vec<_>>()
        };
    }
    let ids: Vec<&str> = kept.iter().map(|(id, _)| *id).collect();
    conn.execute("INSERT INTO tbl_vm_instantiate_info (vm_id, operation_id, app_package_id, distributed_mec_host, \
         mepm_package_id, app_instance_id, vm_instance_id, status, vnc_url, log, instantiate_time) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
            $8::text[], $9::text[], $10::text[], $11::timestamptz[]) \
         ON CONFLICT (vm_id) DO UPDATE SET operation_id = EXCLUDED.operation_id, app_package_id = EXCLUDED.app_package_id, \
         distributed_mec_host = EXCLUDED.distributed_mec_host, mepm_package_id = EXCLUDED.mepm_package_id, \
         app_instance_id = EXCLUDED.app_instance_id, vm_instance_id = EXCLUDED.vm_instance_id, \
         status = EXCLUDED.status, vnc_url = EXCLUDED.vnc_url, log = EXCLUDED.log, \
         instantiate_time = EXCLUDED.instantiate_time", &[&ids, &column!(operation_id), &column!(app_package_id), &column!(distributed_mec_host), &column!(mepm_package_id), &column!(app_instance_id), &column!(vm_instance_id), &column!(status), &column!(vnc_url), &column!(log), &column!(instantiate_time)])
    .await?;
    let ports: Vec<(&str, &domain::vm::PortAddress)> = kept
        .iter()
        .flat_map(|(id, info)| info.ports.iter().map(move |p| (*id, p)))
        .collect();
    conn.execute(
        "INSERT INTO tbl_vm_port_instantiate_info (vm_id, network_name, ip_address) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
        &[
            &ports.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            &ports
                .iter()
                .map(|(_, p)| p.network_name.as_str())
                .collect::<Vec<_>>(),
            &ports
                .iter()
                .map(|(_, p)| p.ip_address.as_str())
                .collect::<Vec<_>>(),
        ],
    )
    .await?;
    let vm_info: Vec<String> = kept
        .iter()
        .map(|(_, i)| {
            json!({"vmInstanceId": i.vm_instance_id, "vncUrl": i.vnc_url, "ports": i.ports})
                .to_string()
        })
        .collect();
    conn.execute("INSERT INTO tbl_project_vm_create_config (vm_id, project_id, vm_name, host, status, vm_info, app_instance_id, \
         package_id, create_time, log) \
         SELECT v.id, v.app_id, left(v.name, 50), u.host, u.status, left(u.vm_info, 512), u.app_instance_id, \
           u.package_id, u.create_time, u.log \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[]) \
           AS u(id, host, status, vm_info, app_instance_id, package_id, create_time, log) \
         JOIN tbl_vm v ON v.id = u.id WHERE v.id = ANY($1::text[]) \
         ON CONFLICT (vm_id) DO UPDATE SET host = EXCLUDED.host, status = EXCLUDED.status, vm_info = EXCLUDED.vm_info, \
         app_instance_id = EXCLUDED.app_instance_id, package_id = EXCLUDED.package_id, \
         create_time = EXCLUDED.create_time, log = EXCLUDED.log", &[&ids, &column!(distributed_mec_host), &column!(status), &vm_info, &column!(app_instance_id), &column!(mepm_package_id), &column!(instantiate_time), &column!(log)])
    .await?;
    Ok(())
}

async fn write_exports(
    conn: &Conn,
    exports: &BTreeMap<String, Option<ExportInfo>>,
) -> Result<(), DbError> {
    if exports.is_empty() {
        return Ok(());
    }
    let (deleted, kept) = split(exports);
    conn.execute(
        "WITH e AS (DELETE FROM tbl_vm_image_export_info WHERE vm_id = ANY($1)) \
         DELETE FROM tbl_project_vm_image_config WHERE vm_id = ANY($1)",
        &[&deleted],
    )
    .await?;
    if kept.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($field:ident) => {
            kept.iter()
                .map(|(_, i)| i.$field.clone())
                .collect::<Vec<_>>()
        };
    }
    let ids: Vec<&str> = kept.iter().map(|(id, _)| *id).collect();
    conn.execute("INSERT INTO tbl_vm_image_export_info (vm_id, operation_id, image_instance_id, name, image_file_name, format, \
         download_url, check_sum, image_size, status, log, create_time) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
            $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[]) \
         ON CONFLICT (vm_id) DO UPDATE SET operation_id = EXCLUDED.operation_id, \
         image_instance_id = EXCLUDED.image_instance_id, name = EXCLUDED.name, \
         image_file_name = EXCLUDED.image_file_name, format = EXCLUDED.format, download_url = EXCLUDED.download_url, \
         check_sum = EXCLUDED.check_sum, image_size = EXCLUDED.image_size, status = EXCLUDED.status, \
         log = EXCLUDED.log, create_time = EXCLUDED.create_time", &[&ids, &column!(operation_id), &column!(image_instance_id), &column!(name), &column!(image_file_name), &column!(format), &column!(download_url), &column!(check_sum), &column!(image_size), &column!(status), &column!(log), &column!(create_time)])
    .await?;
    conn.execute("INSERT INTO tbl_project_vm_image_config (vm_id, image_id, project_id, vm_name, image_name, app_instance_id, \
         host_ip, status, create_time, log) \
         SELECT v.id, left(u.image_id, 50), left(v.app_id, 50), left(v.name, 50), left(u.name, 50), \
           left(i.app_instance_id, 50), left(i.distributed_mec_host, 50), u.status, u.create_time, u.log \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) \
           AS u(id, image_id, name, status, create_time, log) \
         JOIN tbl_vm v ON v.id = u.id LEFT JOIN tbl_vm_instantiate_info i ON i.vm_id = v.id \
         WHERE v.id = ANY($1::text[]) \
         ON CONFLICT (vm_id) DO UPDATE SET image_id = EXCLUDED.image_id, image_name = EXCLUDED.image_name, \
         app_instance_id = EXCLUDED.app_instance_id, host_ip = EXCLUDED.host_ip, status = EXCLUDED.status, \
         create_time = EXCLUDED.create_time, log = EXCLUDED.log", &[&ids, &column!(image_instance_id), &column!(name), &column!(status), &column!(create_time), &column!(log)])
    .await?;
    Ok(())
}

async fn write_images(conn: &Conn, images: &[ExportedImage]) -> Result<(), DbError> {
    if images.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($field:ident) => {
            images.iter().map(|i| i.$field.clone()).collect::<Vec<_>>()
        };
    }
    conn.execute("INSERT INTO tbl_vm_image (id, name, visible_type, image_file_name, image_format, down_load_url, file_md5, \
         image_size, image_slim_status, status, create_time, modify_time, upload_time, user_id, user_name) \
         SELECT id, name, 'private', file_name, format, url, md5, size, 'SLIM_SUCCEED', 'PUBLISHED', at, at, at, \
           user_id, user_name \
         FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], \
           $8::timestamptz[], $9::text[], $10::text[]) \
           AS u(id, name, file_name, format, url, md5, size, at, user_id, user_name) \
         ON CONFLICT (id) DO NOTHING", &[&column!(id), &column!(name), &column!(image_file_name), &column!(image_format), &column!(download_url), &column!(checksum), &column!(image_size), &column!(at), &column!(user_id), &column!(user_name)])
    .await?;
    Ok(())
}

/// The older model's package config: one row per project (the latest launch), keyed by VM.
async fn write_packages(
    conn: &Conn,
    packages: &BTreeMap<String, Option<(LaunchPlan, chrono::DateTime<chrono::Utc>)>>,
) -> Result<(), DbError> {
    if packages.is_empty() {
        return Ok(());
    }
    let (deleted, kept) = split(packages);
    conn.execute(
        "DELETE FROM tbl_project_vm_package_config WHERE id = ANY($1)",
        &[&deleted],
    )
    .await?;
    // One row per project: the latest launch in the batch wins.
    let mut latest: BTreeMap<&str, (&str, &LaunchPlan, chrono::DateTime<chrono::Utc>)> =
        BTreeMap::new();
    for (vm_id, (plan, at)) in kept {
        let entry = latest
            .entry(plan.app_id.as_str())
            .or_insert((vm_id, plan, *at));
        if *at >= entry.2 {
            *entry = (vm_id, plan, *at);
        }
    }
    let rows: Vec<(&str, &LaunchPlan, chrono::DateTime<chrono::Utc>)> =
        latest.into_values().collect();
    let system: Vec<String> = rows
        .iter()
        .map(|(_, p, _)| {
            json!({"flavorId": p.vm.spec.flavor_id, "imageId": p.vm.spec.image_id}).to_string()
        })
        .collect();
    let network: Vec<String> = rows
        .iter()
        .map(|(_, p, _)| json!(p.vm.spec.ports).to_string())
        .collect();
    conn.execute("INSERT INTO tbl_project_vm_package_config (id, project_id, vm_system_desc, vm_network_desc, \
         vm_user_data, vm_name, app_instance_id, create_time) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
           $8::timestamptz[]) \
         ON CONFLICT (project_id) DO UPDATE SET id = EXCLUDED.id, vm_system_desc = EXCLUDED.vm_system_desc, \
         vm_network_desc = EXCLUDED.vm_network_desc, vm_user_data = EXCLUDED.vm_user_data, \
         vm_name = EXCLUDED.vm_name, app_instance_id = EXCLUDED.app_instance_id, create_time = EXCLUDED.create_time", &[&rows.iter().map(|r| r.0).collect::<Vec<_>>(), &rows.iter().map(|r| r.1.app_id.as_str()).collect::<Vec<_>>(), &system, &network, &rows.iter().map(|r| r.1.vm.spec.user_data.clone()).collect::<Vec<_>>(), &rows.iter().map(|r| r.1.vm.spec.name.as_str()).collect::<Vec<_>>(), &rows.iter().map(|r| r.1.app_instance_id.as_str()).collect::<Vec<_>>(), &rows.iter().map(|r| r.2).collect::<Vec<_>>()])
    .await?;
    Ok(())
}
