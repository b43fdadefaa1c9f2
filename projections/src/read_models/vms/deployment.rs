//! Writes of the VM deployment tables: `tbl_vm_instantiate_info` with its port addresses,
//! `tbl_vm_image_export_info`, and the older model's
//! package config.

use std::collections::BTreeMap;

use db::{Conn, DbError, Sql};
use domain::vm::{ExportInfo, InstantiateInfo, LaunchPlan};
use serde_json::json;

use super::split;

pub(super) async fn write_instances(
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

pub(super) async fn write_exports(
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

/// The older model's package config: one row per project (the latest launch), keyed by VM.
pub(super) async fn write_packages(
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
