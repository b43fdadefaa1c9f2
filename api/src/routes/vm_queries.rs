//! Reads behind the network and VM queries: `tbl_network`, and `tbl_vm` with its ports,
//! certificate (password masked), instantiate info (with port addresses) and export info, shaped
//! as the original's JSON in one statement. Access is owner-or-admin through `tbl_application`.

use actix_web::HttpRequest;
use domain::Actor;
use serde_json::Value;

use super::commanding::{requested_position, AppState};
use super::sandbox::{NetworkBody, READ_MODELS};
use crate::auth::Caller;
use crate::error::ApiError;

/// Checks that `app_id` exists and the actor may read it.
pub async fn check_access(state: &AppState, actor: &Actor, app_id: &str) -> Result<(), ApiError> {
    let owner: Option<Option<String>> = state
        .pool
        .query_opt(
            "SELECT user_id FROM tbl_application WHERE id = $1",
            &[&app_id],
        )
        .await
        .and_then(db::opt_scalar)?;
    match owner {
        None => Err(ApiError::not_found(
            "APPLICATION_NOT_FOUND",
            "no application has this id",
        )),
        Some(owner) if !actor.may_act_on(owner.as_deref().unwrap_or_default()) => Err(
            ApiError::forbidden("only the application's owner or an admin may access it"),
        ),
        Some(_) => Ok(()),
    }
}

pub async fn networks(
    state: &AppState,
    caller: Caller,
    req: &HttpRequest,
    app_id: String,
    id: Option<String>,
) -> Result<Vec<NetworkBody>, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let position = requested_position(req)?;
    let st = state.clone();
    state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            check_access(&st, &actor, &app_id).await?;
            Ok(st
                .pool
                .query(
                    "SELECT id, app_id, name, description FROM tbl_network WHERE app_id = $1 \
                 AND ($2::text IS NULL OR id = $2) ORDER BY name",
                    &[&app_id, &id],
                )
                .await
                .and_then(db::rows_as::<NetworkBody>)?)
        })
        .await
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

pub async fn vms(
    state: &AppState,
    caller: Caller,
    req: &HttpRequest,
    app_id: String,
    id: Option<String>,
) -> Result<Vec<Value>, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let position = requested_position(req)?;
    let st = state.clone();
    state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            check_access(&st, &actor, &app_id).await?;
            Ok(st
                .pool
                .query(VMS, &[&app_id, &id])
                .await
                .and_then(db::scalars::<Value>)?)
        })
        .await
}
