//! Writes of the VM configuration tables: `tbl_network`, `tbl_vm`, `tbl_vm_port`,
//! `tbl_vm_certificate`, and the older model's create and image configs.

use std::collections::BTreeMap;

use db::{Conn, DbError, Sql};
use domain::application::sandbox::{Network, VmCertificate, VmConfig};
use serde_json::json;

use super::split;

pub(super) async fn write_networks(
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
pub(super) async fn delete_vms<T>(conn: &Conn, filter: &str, value: T) -> Result<(), DbError>
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
pub(super) async fn write_vms(
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
