//! The JSON shapes of networks and VMs (the original's), for requests and responses, and their
//! conversion to and from the Application aggregate's values (VM passwords sealed on the way in,
//! masked on the way out).

use domain::application::sandbox::{
    check_network, check_vm, Network, VmCertificate, VmConfig, VmPort, VmSpec,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use commands::secrets::MASK;

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub app_id: Option<String>,
    /// 1-64 letters, digits, '_', '-', '.' (surrounding spaces are dropped); unique in the
    /// application.
    #[schema(
        example = "mec_network_n6",
        required = true,
        nullable = false,
        pattern = r"^\s*[\w.-]{1,64}\s*$"
    )]
    pub name: Option<String>,
    /// At most 255 characters.
    #[schema(example = "N6 network", max_length = 255, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
}

db::from_row!(NetworkBody {
    id,
    app_id,
    name,
    description
});

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortBody {
    #[serde(default)]
    pub id: Option<String>,
    /// 1-64 letters, digits, '_', '-', '.'; unique in the VM.
    #[schema(
        example = "port1",
        required = true,
        nullable = false,
        pattern = r"^[\w.-]{1,64}$"
    )]
    pub name: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
    /// A network of the application.
    #[schema(example = "mec_network_n6", required = true, nullable = false)]
    pub network_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordBody {
    pub username: Option<String>,
    /// Write-only: answered as "******".
    pub password: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyPairBody {
    pub key_pair_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateBody {
    /// PASSWORD or KEYPAIR (any case).
    #[schema(
        required = true,
        nullable = false,
        pattern = "^([Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Kk][Ee][Yy][Pp][Aa][Ii][Rr])$"
    )]
    pub certificate_type: Option<String>,
    pub pwd_certificate: Option<PasswordBody>,
    pub key_pair_certificate: Option<KeyPairBody>,
}

/// A VirtualMachine as the original's JSON (request and response).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmBody {
    #[serde(default)]
    pub id: Option<String>,
    /// 1-64 letters, digits, '_', '-', '.' (surrounding spaces are dropped).
    #[schema(
        example = "vm1",
        required = true,
        nullable = false,
        pattern = r"^\s*[\w.-]{1,64}\s*$"
    )]
    pub name: Option<String>,
    /// The id of a flavor of the catalogue (`GET /mec/developer/v2/flavors`); at most 255 bytes.
    #[schema(
        example = "3ef2bea0-5e23-4fab-952d-cc9e6741dbe7",
        required = true,
        nullable = false,
        pattern = r"^[^\u0000]*\S[^\u0000]*$"
    )]
    pub flavor_id: Option<String>,
    /// A VM image the caller may use (1 or more).
    #[schema(example = 1, required = true, nullable = false, minimum = 1)]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub image_id: Option<i32>,
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub target_image_id: Option<i32>,
    pub user_data: Option<String>,
    pub area_zone: Option<String>,
    pub flavor_extra_specs: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// At most 8 ports, with distinct names.
    #[serde(default)]
    #[schema(max_items = 8)]
    pub port_list: Vec<PortBody>,
    pub vm_certificate: Option<CertificateBody>,
    /// The launch's facts (null until launched).
    #[serde(default)]
    pub vm_instantiate_info: Option<serde_json::Value>,
    /// The last export's facts (null until exported).
    #[serde(default)]
    pub image_export_info: Option<serde_json::Value>,
}

/// Turns a network body into a network, checked here so a bad body answers 400 before `If-Match`
/// is compared (a stale version with a bad body is the body's fault first).
pub(super) fn network_fields(id: String, body: &NetworkBody) -> Result<Network, ApiError> {
    let network = Network {
        id,
        name: body.name.clone().unwrap_or_default().trim().to_owned(),
        description: body.description.clone().unwrap_or_default(),
    };
    check_network(&network.name, &network.description).map_err(invalid_field)?;
    Ok(network)
}

/// The answer to a field the domain refuses, as the application's own rejection gives it.
fn invalid_field(error: domain::application::FieldError) -> ApiError {
    <domain::application::Application as crate::routes::commanding::CommandEndpoint>::rejection(
        domain::application::ApplicationError::InvalidField(error),
    )
}

/// Turns a VM body into a configuration, sealing its password, and checks its own fields (its
/// ports' networks are checked against the application by the command). PUT without a password
/// (or with the mask) keeps the current one (`current`).
pub(super) fn vm_config(
    state: &AppState,
    id: String,
    body: &VmBody,
    current: Option<&VmConfig>,
) -> Result<VmConfig, ApiError> {
    let bad = |field: &str, message: &str| {
        ApiError::new(ErrorCode::InvalidField, message.to_owned())
            .with_params(vec![field.to_owned()])
    };
    let certificate = match &body.vm_certificate {
        None => None,
        Some(c) => match c
            .certificate_type
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("PASSWORD") => {
                let pwd = c.pwd_certificate.clone().unwrap_or_default();
                let password = match pwd.password.as_deref().filter(|p| *p != MASK) {
                    Some(p) if !p.is_empty() && p.chars().count() <= 128 => state.secrets.seal(p),
                    Some(_) => {
                        return Err(bad(
                            "vmCertificate",
                            "the password must be 1-128 characters",
                        ))
                    }
                    None => match current.and_then(|c| c.spec.certificate.as_ref()) {
                        Some(VmCertificate::Password { password, .. }) => password.clone(),
                        _ => {
                            return Err(bad(
                                "vmCertificate",
                                "a PASSWORD certificate needs a password",
                            ))
                        }
                    },
                };
                Some(VmCertificate::Password {
                    username: pwd.username.unwrap_or_default(),
                    password,
                })
            }
            Some("KEYPAIR") => Some(VmCertificate::KeyPair {
                key_pair_id: c
                    .key_pair_certificate
                    .as_ref()
                    .and_then(|k| k.key_pair_id.clone())
                    .unwrap_or_default(),
            }),
            _ => {
                return Err(bad(
                    "vmCertificate",
                    "certificateType must be PASSWORD or KEYPAIR",
                ))
            }
        },
    };
    let config = VmConfig {
        id,
        spec: VmSpec {
            name: body.name.clone().unwrap_or_default().trim().to_owned(),
            flavor_id: body.flavor_id.clone().unwrap_or_default(),
            image_id: body.image_id.unwrap_or(0),
            user_data: body.user_data.clone(),
            area_zone: body.area_zone.clone(),
            flavor_extra_specs: body.flavor_extra_specs.clone(),
            ports: body
                .port_list
                .iter()
                .map(|p| VmPort {
                    id: p
                        .id
                        .clone()
                        .filter(|i| uuid::Uuid::parse_str(i).is_ok())
                        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                    name: p.name.clone().unwrap_or_default(),
                    description: p.description.clone().unwrap_or_default(),
                    network_name: p.network_name.clone().unwrap_or_default(),
                })
                .collect(),
            certificate,
        },
    };
    check_vm(&config.spec).map_err(invalid_field)?;
    Ok(config)
}

/// A VM configuration as the API shows it (password masked).
pub fn vm_body(vm: &VmConfig) -> VmBody {
    let spec = &vm.spec;
    VmBody {
        id: Some(vm.id.clone()),
        name: Some(spec.name.clone()),
        flavor_id: Some(spec.flavor_id.clone()),
        image_id: Some(spec.image_id),
        target_image_id: None,
        user_data: spec.user_data.clone(),
        area_zone: spec.area_zone.clone(),
        flavor_extra_specs: spec.flavor_extra_specs.clone(),
        status: None,
        port_list: spec
            .ports
            .iter()
            .map(|p| PortBody {
                id: Some(p.id.clone()),
                name: Some(p.name.clone()),
                description: Some(p.description.clone()),
                network_name: Some(p.network_name.clone()),
            })
            .collect(),
        vm_certificate: spec.certificate.as_ref().map(|c| match c {
            VmCertificate::Password { username, .. } => CertificateBody {
                certificate_type: Some("PASSWORD".into()),
                pwd_certificate: Some(PasswordBody {
                    username: Some(username.clone()),
                    password: Some(MASK.into()),
                }),
                key_pair_certificate: None,
            },
            VmCertificate::KeyPair { key_pair_id } => CertificateBody {
                certificate_type: Some("KEYPAIR".into()),
                pwd_certificate: None,
                key_pair_certificate: Some(KeyPairBody {
                    key_pair_id: Some(key_pair_id.clone()),
                }),
            },
        }),
        vm_instantiate_info: None,
        image_export_info: None,
    }
}
