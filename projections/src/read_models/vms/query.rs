//! Queries of the VM read model: `tbl_network`, `tbl_vm` with its ports, certificate (password
//! masked), instantiate info (with port addresses) and export info.
//! Rows are read into the caller's type, its fields named as the columns.

use db::{DbError, FromRow, Pool};
use serde_json::Value;

/// The networks of an application (or the one with `id`), by name; rows have the columns `id`,
/// `app_id`, `name`, `description`.
pub async fn networks<T: FromRow>(
    pool: &Pool,
    app_id: &str,
    id: Option<&str>,
) -> Result<Vec<T>, DbError> {
    pool.query(
        "SELECT id, app_id, name, description FROM tbl_network WHERE app_id = $1 \
         AND ($2::text IS NULL OR id = $2) ORDER BY name",
        &[&app_id, &id],
    )
    .await
    .and_then(db::rows_as)
}

/// The VMs of an application (or the one with `id`), each shaped as the original's JSON in one
/// statement.
pub async fn vms(pool: &Pool, app_id: &str, id: Option<&str>) -> Result<Vec<Value>, DbError> {
    pool.query(VMS, &[&app_id, &id]).await.and_then(db::scalars)
}

const VMS: &str = "SELECT json_build_object( \
 'id', v.id, 'name', v.name, 'flavorId', v.flavor_id, 'imageId', v.image_id, 'targetImageId', v.target_image_id, \
 'userData', v.user_data, 'areaZone', v.area_zone, 'flavorExtraSpecs', v.flavor_extra_specs, 'status', v.status, \
 'portList', coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name, 'description', p.description, \
     'networkName', p.network_name) ORDER BY p.name) FROM tbl_vm_port p WHERE p.vm_id = v.id), '[]'::json), \
 'vmCertificate', (SELECT json_build_object('certificateType', c.certificate_type, \
     'pwdCertificate', CASE WHEN c.pwd_certificate IS NULL THEN NULL \
         ELSE json_build_object('username', c.pwd_certificate::json->>'username', 'password', '******') END, \
     'keyPairCertificate', c.key_pair_certificate::json) FROM tbl_vm_certificate c WHERE c.vm_id = v.id), \
 'vmInstantiateInfo', (SELECT json_build_object('operationId', i.operation_id, 'appPackageId', i.app_package_id, \
     'distributedMecHost', i.distributed_mec_host, 'mepmPackageId', i.mepm_package_id, \
     'appInstanceId', i.app_instance_id, 'vmInstanceId', i.vm_instance_id, 'status', i.status, 'vncUrl', i.vnc_url, \
     'log', i.log, 'instantiateTime', i.instantiate_time, \
     'portInstanceList', coalesce((SELECT json_agg(json_build_object('networkName', pi.network_name, \
         'ipAddress', pi.ip_address) ORDER BY pi.network_name) FROM tbl_vm_port_instantiate_info pi \
         WHERE pi.vm_id = v.id), '[]'::json)) FROM tbl_vm_instantiate_info i WHERE i.vm_id = v.id), \
 'imageExportInfo', (SELECT json_build_object('operationId', e.operation_id, 'imageInstanceId', e.image_instance_id, \
     'name', e.name, 'imageFileName', e.image_file_name, 'format', e.format, 'downloadUrl', e.download_url, \
     'checkSum', e.check_sum, 'imageSize', e.image_size, 'status', e.status, 'log', e.log, \
     'createTime', e.create_time) FROM tbl_vm_image_export_info e WHERE e.vm_id = v.id) \
) FROM tbl_vm v WHERE v.app_id = $1 AND ($2::text IS NULL OR v.id = $2) ORDER BY v.name, v.id";
