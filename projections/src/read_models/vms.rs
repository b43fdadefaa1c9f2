//! The VM read models: configuration from the Application aggregate (`tbl_network`, `tbl_vm`,
//! `tbl_vm_port`, `tbl_vm_certificate`) and deployment from the Vm aggregate
//! (`tbl_vm_instantiate_info`, `tbl_vm_port_instantiate_info`, `tbl_vm_image_export_info`, the
//! exported images in `tbl_vm_image`, the status and target image in `tbl_vm`), plus the older
//! project model's `tbl_project_vm_create_config`, `tbl_project_vm_image_config` and
//! `tbl_project_vm_package_config` carrying the same facts. Certificates keep the sealed password.

use domain::application::sandbox::{VmCertificate, VmConfig};
use domain::application::ApplicationEvent;
use domain::vm::{ExportInfo, InstantiateInfo, VmEvent};
use serde_json::json;
use sqlx::PgConnection;

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct VmsProjection;

impl Projection for VmsProjection {
    fn name(&self) -> &'static str {
        "vms"
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
        conn: &'a mut PgConnection,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            for event in events {
                match event.aggregate_type.as_str() {
                    "application" => apply_application(conn, event).await?,
                    "vm" => apply_vm(conn, event).await?,
                    _ => {}
                }
            }
            Ok(())
        })
    }
}

const CONFIG_EVENTS: &[&str] = &[
    "NetworkCreated",
    "NetworkUpdated",
    "NetworkDeleted",
    "VmCreated",
    "VmUpdated",
    "VmDeleted",
    "ApplicationDeleted",
];

async fn apply_application(
    conn: &mut PgConnection,
    event: &LogEvent,
) -> Result<(), ProjectionError> {
    if !CONFIG_EVENTS.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    let app_id = event.aggregate_id.as_str();
    match event.decode::<ApplicationEvent>()? {
        ApplicationEvent::NetworkCreated { network }
        | ApplicationEvent::NetworkUpdated { network } => {
            sqlx::query(
                "INSERT INTO tbl_network (id, app_id, name, description) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description",
            )
            .bind(&network.id)
            .bind(app_id)
            .bind(&network.name)
            .bind(&network.description)
            .execute(conn)
            .await?;
        }
        ApplicationEvent::NetworkDeleted { network_id } => {
            sqlx::query("DELETE FROM tbl_network WHERE id = $1")
                .bind(network_id)
                .execute(conn)
                .await?;
        }
        ApplicationEvent::VmCreated { vm } | ApplicationEvent::VmUpdated { vm } => {
            write_vm(conn, app_id, &vm).await?
        }
        ApplicationEvent::VmDeleted { vm_id } => delete_vms(conn, "id = $1", &vm_id).await?,
        ApplicationEvent::ApplicationDeleted {} => {
            delete_vms(conn, "app_id = $1", app_id).await?;
            sqlx::query("DELETE FROM tbl_network WHERE app_id = $1")
                .bind(app_id)
                .execute(conn)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Deletes the VMs selected by `filter` on tbl_vm (bound to `value`) with everything hanging off
/// them.
async fn delete_vms(conn: &mut PgConnection, filter: &str, value: &str) -> Result<(), sqlx::Error> {
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
    sqlx::query(&sql).bind(value).execute(conn).await?;
    Ok(())
}

/// Replaces the VM row, recreates its ports and upserts its certificate (as the original's PUT).
async fn write_vm(conn: &mut PgConnection, app_id: &str, vm: &VmConfig) -> Result<(), sqlx::Error> {
    let spec = &vm.spec;
    sqlx::query(
        "INSERT INTO tbl_vm (id, app_id, name, flavor_id, image_id, target_image_id, user_data, status, area_zone, \
         flavor_extra_specs) VALUES ($1, $2, $3, $4, $5, NULL, $6, 'NOT_DEPLOY', $7, $8) \
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, flavor_id = EXCLUDED.flavor_id, \
         image_id = EXCLUDED.image_id, user_data = EXCLUDED.user_data, area_zone = EXCLUDED.area_zone, \
         flavor_extra_specs = EXCLUDED.flavor_extra_specs",
    )
    .bind(&vm.id)
    .bind(app_id)
    .bind(&spec.name)
    .bind(&spec.flavor_id)
    .bind(spec.image_id)
    .bind(&spec.user_data)
    .bind(&spec.area_zone)
    .bind(&spec.flavor_extra_specs)
    .execute(&mut *conn)
    .await?;
    let ids: Vec<&str> = spec.ports.iter().map(|p| p.id.as_str()).collect();
    let names: Vec<&str> = spec.ports.iter().map(|p| p.name.as_str()).collect();
    let descriptions: Vec<&str> = spec.ports.iter().map(|p| p.description.as_str()).collect();
    let networks: Vec<&str> = spec.ports.iter().map(|p| p.network_name.as_str()).collect();
    sqlx::query(
        "WITH gone AS (DELETE FROM tbl_vm_port WHERE vm_id = $1) \
         INSERT INTO tbl_vm_port (id, vm_id, name, description, network_name) \
         SELECT i, $1, n, d, w FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS p(i, n, d, w)",
    )
    .bind(&vm.id)
    .bind(&ids)
    .bind(&names)
    .bind(&descriptions)
    .bind(&networks)
    .execute(&mut *conn)
    .await?;
    let (kind, pwd, key_pair) = match &spec.certificate {
        None => (None, None, None),
        Some(VmCertificate::Password { username, password }) => (
            Some("PASSWORD"),
            Some(json!({"username": username, "password": password.0}).to_string()),
            None,
        ),
        Some(VmCertificate::KeyPair { key_pair_id }) => (
            Some("KEYPAIR"),
            None,
            Some(json!({"keyPairId": key_pair_id}).to_string()),
        ),
    };
    sqlx::query(
        "WITH gone AS (DELETE FROM tbl_vm_certificate WHERE vm_id = $1 AND $2::text IS NULL) \
         INSERT INTO tbl_vm_certificate (vm_id, certificate_type, pwd_certificate, key_pair_certificate) \
         SELECT $1, $2, $3, $4 WHERE $2::text IS NOT NULL \
         ON CONFLICT (vm_id) DO UPDATE SET certificate_type = EXCLUDED.certificate_type, \
         pwd_certificate = EXCLUDED.pwd_certificate, key_pair_certificate = EXCLUDED.key_pair_certificate",
    )
    .bind(&vm.id)
    .bind(kind)
    .bind(pwd)
    .bind(key_pair)
    .execute(conn)
    .await?;
    Ok(())
}

const VM_EVENTS: &[&str] = &[
    "LaunchRequested",
    "InstantiateInfoRecorded",
    "VmStatusChanged",
    "ImageExportInfoRecorded",
    "VmImageExported",
    "InstanceCleaned",
];

async fn apply_vm(conn: &mut PgConnection, event: &LogEvent) -> Result<(), ProjectionError> {
    if !VM_EVENTS.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    let vm_id = event.aggregate_id.as_str();
    match event.decode::<VmEvent>()? {
        VmEvent::LaunchRequested { plan } => {
            write_instantiate(
                conn,
                vm_id,
                &InstantiateInfo {
                    operation_id: event.meta("operation_id").unwrap_or_default().to_owned(),
                    ..InstantiateInfo::default()
                },
            )
            .await?;
            let network_desc = json!(plan.vm.spec.ports).to_string();
            let system_desc =
                json!({"flavorId": plan.vm.spec.flavor_id, "imageId": plan.vm.spec.image_id})
                    .to_string();
            sqlx::query(
                "INSERT INTO tbl_project_vm_package_config (id, project_id, vm_system_desc, vm_network_desc, \
                 vm_user_data, vm_name, app_instance_id, create_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (project_id) DO UPDATE SET id = EXCLUDED.id, vm_system_desc = EXCLUDED.vm_system_desc, \
                 vm_network_desc = EXCLUDED.vm_network_desc, vm_user_data = EXCLUDED.vm_user_data, \
                 vm_name = EXCLUDED.vm_name, app_instance_id = EXCLUDED.app_instance_id, create_time = EXCLUDED.create_time",
            )
            .bind(vm_id)
            .bind(&plan.app_id)
            .bind(system_desc)
            .bind(network_desc)
            .bind(&plan.vm.spec.user_data)
            .bind(&plan.vm.spec.name)
            .bind(&plan.app_instance_id)
            .bind(event.recorded_at)
            .execute(conn)
            .await?;
        }
        VmEvent::InstantiateInfoRecorded { info } => write_instantiate(conn, vm_id, &info).await?,
        VmEvent::VmStatusChanged {
            status,
            target_image_id,
        } => {
            sqlx::query(
                "UPDATE tbl_vm SET status = $2, target_image_id = coalesce($3, target_image_id) WHERE id = $1",
            )
            .bind(vm_id)
            .bind(status.as_str())
            .bind(target_image_id)
            .execute(conn)
            .await?;
        }
        VmEvent::ImageExportInfoRecorded { info } => write_export(conn, vm_id, &info).await?,
        VmEvent::VmImageExported { image } => {
            sqlx::query(
                "INSERT INTO tbl_vm_image (id, name, visible_type, os_type, os_version, os_bit_type, system_disk_size, \
                 image_file_name, image_format, down_load_url, file_md5, image_size, image_slim_status, status, \
                 create_time, modify_time, upload_time, user_id, user_name) \
                 SELECT $1, $2, 'private', NULL, NULL, NULL, NULL, $3, $4, $5, $6, $7, 'SLIM_SUCCEED', 'PUBLISHED', \
                 $8, $8, $8, $9, $10 ON CONFLICT (id) DO NOTHING",
            )
            .bind(image.id)
            .bind(&image.name)
            .bind(&image.image_file_name)
            .bind(&image.image_format)
            .bind(&image.download_url)
            .bind(&image.checksum)
            .bind(image.image_size)
            .bind(image.at)
            .bind(&image.user_id)
            .bind(&image.user_name)
            .execute(conn)
            .await?;
        }
        VmEvent::InstanceCleaned {} => {
            sqlx::query(
                "WITH i AS (DELETE FROM tbl_vm_instantiate_info WHERE vm_id = $1), \
                 p AS (DELETE FROM tbl_vm_port_instantiate_info WHERE vm_id = $1), \
                 e AS (DELETE FROM tbl_vm_image_export_info WHERE vm_id = $1), \
                 oc AS (DELETE FROM tbl_project_vm_create_config WHERE vm_id = $1), \
                 oi AS (DELETE FROM tbl_project_vm_image_config WHERE vm_id = $1) \
                 DELETE FROM tbl_project_vm_package_config WHERE id = $1",
            )
            .bind(vm_id)
            .execute(conn)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

async fn write_instantiate(
    conn: &mut PgConnection,
    vm_id: &str,
    info: &InstantiateInfo,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tbl_vm_instantiate_info (vm_id, operation_id, app_package_id, distributed_mec_host, \
         mepm_package_id, app_instance_id, vm_instance_id, status, vnc_url, log, instantiate_time) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (vm_id) DO UPDATE SET operation_id = EXCLUDED.operation_id, app_package_id = EXCLUDED.app_package_id, \
         distributed_mec_host = EXCLUDED.distributed_mec_host, mepm_package_id = EXCLUDED.mepm_package_id, \
         app_instance_id = EXCLUDED.app_instance_id, vm_instance_id = EXCLUDED.vm_instance_id, \
         status = EXCLUDED.status, vnc_url = EXCLUDED.vnc_url, log = EXCLUDED.log, \
         instantiate_time = EXCLUDED.instantiate_time",
    )
    .bind(vm_id)
    .bind(&info.operation_id)
    .bind(&info.app_package_id)
    .bind(&info.distributed_mec_host)
    .bind(&info.mepm_package_id)
    .bind(&info.app_instance_id)
    .bind(&info.vm_instance_id)
    .bind(&info.status)
    .bind(&info.vnc_url)
    .bind(&info.log)
    .bind(info.instantiate_time)
    .execute(&mut *conn)
    .await?;
    let networks: Vec<&str> = info.ports.iter().map(|p| p.network_name.as_str()).collect();
    let ips: Vec<&str> = info.ports.iter().map(|p| p.ip_address.as_str()).collect();
    sqlx::query(
        "WITH gone AS (DELETE FROM tbl_vm_port_instantiate_info WHERE vm_id = $1) \
         INSERT INTO tbl_vm_port_instantiate_info (vm_id, network_name, ip_address) \
         SELECT $1, n, i FROM unnest($2::text[], $3::text[]) AS p(n, i)",
    )
    .bind(vm_id)
    .bind(&networks)
    .bind(&ips)
    .execute(&mut *conn)
    .await?;
    let vm_info =
        json!({"vmInstanceId": info.vm_instance_id, "vncUrl": info.vnc_url, "ports": info.ports})
            .to_string();
    sqlx::query(
        "INSERT INTO tbl_project_vm_create_config (vm_id, project_id, vm_name, host, status, vm_info, app_instance_id, \
         package_id, create_time, log) \
         SELECT v.id, v.app_id, left(v.name, 50), $2, $3, left($4, 512), $5, $6, $7, $8 FROM tbl_vm v WHERE v.id = $1 \
         ON CONFLICT (vm_id) DO UPDATE SET host = EXCLUDED.host, status = EXCLUDED.status, vm_info = EXCLUDED.vm_info, \
         app_instance_id = EXCLUDED.app_instance_id, package_id = EXCLUDED.package_id, \
         create_time = EXCLUDED.create_time, log = EXCLUDED.log",
    )
    .bind(vm_id)
    .bind(&info.distributed_mec_host)
    .bind(&info.status)
    .bind(vm_info)
    .bind(&info.app_instance_id)
    .bind(&info.mepm_package_id)
    .bind(info.instantiate_time)
    .bind(&info.log)
    .execute(conn)
    .await?;
    Ok(())
}

async fn write_export(
    conn: &mut PgConnection,
    vm_id: &str,
    info: &ExportInfo,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tbl_vm_image_export_info (vm_id, operation_id, image_instance_id, name, image_file_name, format, \
         download_url, check_sum, image_size, status, log, create_time) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (vm_id) DO UPDATE SET operation_id = EXCLUDED.operation_id, \
         image_instance_id = EXCLUDED.image_instance_id, name = EXCLUDED.name, \
         image_file_name = EXCLUDED.image_file_name, format = EXCLUDED.format, download_url = EXCLUDED.download_url, \
         check_sum = EXCLUDED.check_sum, image_size = EXCLUDED.image_size, status = EXCLUDED.status, \
         log = EXCLUDED.log, create_time = EXCLUDED.create_time",
    )
    .bind(vm_id)
    .bind(&info.operation_id)
    .bind(&info.image_instance_id)
    .bind(&info.name)
    .bind(&info.image_file_name)
    .bind(&info.format)
    .bind(&info.download_url)
    .bind(&info.check_sum)
    .bind(&info.image_size)
    .bind(&info.status)
    .bind(&info.log)
    .bind(info.create_time)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO tbl_project_vm_image_config (vm_id, image_id, project_id, vm_name, image_name, app_instance_id, \
         host_ip, status, create_time, log) \
         SELECT v.id, left($2, 50), left(v.app_id, 50), left(v.name, 50), left($3, 50), left(i.app_instance_id, 50), \
         left(i.distributed_mec_host, 50), $4, $5, $6 \
         FROM tbl_vm v LEFT JOIN tbl_vm_instantiate_info i ON i.vm_id = v.id WHERE v.id = $1 \
         ON CONFLICT (vm_id) DO UPDATE SET image_id = EXCLUDED.image_id, image_name = EXCLUDED.image_name, \
         app_instance_id = EXCLUDED.app_instance_id, host_ip = EXCLUDED.host_ip, status = EXCLUDED.status, \
         create_time = EXCLUDED.create_time, log = EXCLUDED.log",
    )
    .bind(vm_id)
    .bind(&info.image_instance_id)
    .bind(&info.name)
    .bind(&info.status)
    .bind(info.create_time)
    .bind(&info.log)
    .execute(conn)
    .await?;
    Ok(())
}
