//! The JSON shapes of sandbox hosts (the original's field names, the password masked) and their
//! conversion to the MepHost aggregate's validated fields (the password sealed on the way in).

use domain::mephost::{MepHost, MepHostError, MepHostFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use commands::secrets::MASK;

/// A host as the original's MepHost JSON (body of create and update).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MepHostBody {
    #[serde(default)]
    pub id: Option<String>,
    /// 6-50 characters (surrounding spaces not counted).
    #[schema(example = "edge-host-1", required = true, nullable = false)]
    pub name: Option<String>,
    /// An IPv4 address.
    #[schema(example = "10.7.1.1", required = true, nullable = false, format = Ipv4)]
    pub lcm_ip: Option<String>,
    /// http or https (default http).
    #[schema(example = "http")]
    pub lcm_protocol: Option<String>,
    /// 30000-32000.
    #[schema(
        example = 30204,
        required = true,
        nullable = false,
        minimum = 30000,
        maximum = 32000
    )]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub lcm_port: Option<i32>,
    /// X86 or ARM.
    #[schema(example = "X86", required = true, nullable = false)]
    pub architecture: Option<String>,
    /// NORMAL, BUSY or STOP (default NORMAL).
    #[schema(example = "NORMAL")]
    pub status: Option<String>,
    /// An IPv4 address.
    #[schema(example = "10.7.1.2", required = true, nullable = false, format = Ipv4)]
    pub mec_host_ip: Option<String>,
    #[schema(example = "http")]
    pub mec_host_protocol: Option<String>,
    /// OpenStack, K8S or FusionSphere.
    #[schema(example = "K8S", required = true, nullable = false)]
    pub vim_type: Option<String>,
    pub mec_host_user_name: Option<String>,
    /// Write-only: answered as "******".
    pub mec_host_password: Option<String>,
    /// 1-65535 (default 22).
    #[schema(example = 22, minimum = 1, maximum = 65535)]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub mec_host_port: Option<i32>,
    #[serde(default)]
    pub user_id: Option<String>,
    pub config_id: Option<String>,
    /// `k=v;k=v`; non-K8S hosts need VDU1_APP_Plane01_IP..03_IP as CIDRs.
    pub network_parameter: Option<String>,
    pub resource: Option<String>,
    pub address: Option<String>,
}

db::from_row!(MepHostBody {
    id,
    name,
    lcm_ip,
    lcm_protocol,
    lcm_port,
    architecture,
    status,
    mec_host_ip,
    mec_host_protocol,
    vim_type,
    mec_host_user_name,
    mec_host_password,
    mec_host_port,
    user_id,
    config_id,
    network_parameter,
    resource,
    address
});

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct HostQuery {
    #[param(pattern = r"^[^\u0000]*$")]
    pub name: Option<String>,
    /// K8S matches K8S hosts; any other value every other host.
    #[param(pattern = r"^[^\u0000]*$")]
    pub vim_type: Option<String>,
    #[param(pattern = r"^[^\u0000]*$")]
    pub architecture: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MepHostLog {
    pub log_id: String,
    pub host_ip: String,
    pub user_name: Option<String>,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub app_instances_id: Option<String>,
    pub deploy_time: Option<String>,
    pub status: Option<String>,
    pub operation: Option<String>,
    pub host_id: Option<String>,
}

db::from_row!(MepHostLog {
    log_id,
    host_ip,
    user_name,
    user_id,
    project_id,
    project_name,
    app_instances_id,
    deploy_time,
    status,
    operation,
    host_id
});

pub(super) fn invalid(error: MepHostError) -> ApiError {
    let (param, ret) = match &error {
        MepHostError::Name => ("name", 20002),
        MepHostError::Ip(f) | MepHostError::Protocol(f) | MepHostError::TooLong(f) => (*f, 20002),
        MepHostError::LcmPort => ("lcmPort", 20002),
        MepHostError::MecHostPort => ("mecHostPort", 20002),
        MepHostError::Architecture => ("architecture", 20002),
        MepHostError::Status => ("status", 20002),
        MepHostError::VimType => ("vimType", 20002),
        MepHostError::NetworkParameter(_) => ("networkParameter", 20023),
        _ => ("", 20002),
    };
    ApiError::new(ErrorCode::InvalidField, error.to_string())
        .with_ret_code(ret)
        .with_params(vec![param.to_owned()])
}

/// Validates a body into fields, sealing the password.
pub(super) fn fields(state: &AppState, body: &MepHostBody) -> Result<MepHostFields, ApiError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let port = |v: Option<i32>, default: i32, err| {
        u16::try_from(v.unwrap_or(default)).map_err(|_| invalid(err))
    };
    MepHostFields {
        name: text(&body.name),
        lcm_ip: text(&body.lcm_ip),
        lcm_protocol: body.lcm_protocol.clone().unwrap_or_else(|| "http".into()),
        lcm_port: port(body.lcm_port, 0, MepHostError::LcmPort)?,
        architecture: text(&body.architecture),
        status: body.status.clone().unwrap_or_else(|| "NORMAL".into()),
        mec_host_ip: text(&body.mec_host_ip),
        mec_host_protocol: body
            .mec_host_protocol
            .clone()
            .unwrap_or_else(|| "http".into()),
        vim_type: text(&body.vim_type),
        mec_host_user_name: body.mec_host_user_name.clone().filter(|u| !u.is_empty()),
        mec_host_password: body
            .mec_host_password
            .as_deref()
            .filter(|p| !p.is_empty() && *p != MASK)
            .map(|p| state.secrets.seal(p)),
        mec_host_port: port(body.mec_host_port, 22, MepHostError::MecHostPort)?,
        config_id: body.config_id.clone().filter(|c| !c.is_empty()),
        reverse_proxy: None,
        network_parameter: text(&body.network_parameter),
        resource: body.resource.clone(),
        address: body.address.clone(),
    }
    .validated()
    .map_err(invalid)
}

pub(super) fn render(id: &str, host: &MepHost) -> serde_json::Value {
    let Some(f) = &host.fields else {
        return serde_json::Value::Bool(true);
    };
    serde_json::to_value(MepHostBody {
        id: Some(id.to_owned()),
        name: Some(f.name.clone()),
        lcm_ip: Some(f.lcm_ip.clone()),
        lcm_protocol: Some(f.lcm_protocol.clone()),
        lcm_port: Some(i32::from(f.lcm_port)),
        architecture: Some(f.architecture.clone()),
        status: Some(f.status.clone()),
        mec_host_ip: Some(f.mec_host_ip.clone()),
        mec_host_protocol: Some(f.mec_host_protocol.clone()),
        vim_type: Some(f.vim_type.clone()),
        mec_host_user_name: f.mec_host_user_name.clone(),
        mec_host_password: f.mec_host_password.as_ref().map(|_| MASK.to_owned()),
        mec_host_port: Some(i32::from(f.mec_host_port)),
        user_id: Some(host.user_id.clone()),
        config_id: f.config_id.clone(),
        network_parameter: Some(f.network_parameter.clone()),
        resource: f.resource.clone(),
        address: f.address.clone(),
    })
    .unwrap_or_default()
}
