//! `/mec/developer/v2/pkg-specs` (reference 1.10): the package specifications an application's
//! package can follow (network names in the descriptor, a user-data variant, the flavor
//! properties), and the platform's use scene. As in the original they are configuration
//! (`api/config/pkg_specs.json`, compiled in), not a catalogue users change. Beside them,
//! `/mec/developer/v2/user-datas`: the cloud-init template of an operating system, from the VM
//! catalogue's read model.

use std::sync::LazyLock;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::commanding::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

const PKG_SPECS: &str = include_str!("../../config/pkg_specs.json");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/mec/developer/v2/pkg-specs").get(list))
        .service(web::resource("/mec/developer/v2/pkg-specs/useScenes").get(use_scenes))
        .service(web::resource("/mec/developer/v2/user-datas").get(user_datas));
}

/// The configuration file: whether specs apply, the use scene, and the specs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PkgSpecConfig {
    support_pkg_specs: bool,
    use_scenes: String,
    pkg_specs: Vec<PkgSpec>,
}

/// A package specification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PkgSpec {
    #[schema(example = "PKG_SPEC_SUPPORT_FIXED_FLAVOR")]
    pub id: String,
    pub zh_name: String,
    pub en_name: String,
    pub specifications: PkgSpecifications,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PkgSpecifications {
    pub appd_specs: AppdSpecs,
}

/// What the application descriptor of a package following the spec uses.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppdSpecs {
    pub network_name_specs: NetworkNameSpecs,
    /// The user-data variant (`campus`), or empty for the plain one.
    pub user_data_flag: String,
    /// Comma-separated flavor properties the package may set, or empty.
    pub flavor_specs: String,
}

/// The network names of the descriptor, per plane.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkNameSpecs {
    #[serde(rename = "networkNameN6")]
    pub network_name_n6: String,
    pub network_name_internet: String,
    pub network_name_mep: String,
}

/// The configuration, read once. It is compiled in, and a unit test reads it, so a broken file
/// fails the build's tests rather than a request.
static CONFIG: LazyLock<Result<PkgSpecConfig, String>> =
    LazyLock::new(|| serde_json::from_str(PKG_SPECS).map_err(|e| e.to_string()));

fn config() -> Result<&'static PkgSpecConfig, ApiError> {
    CONFIG
        .as_ref()
        .map_err(|e| ApiError::internal(&format!("pkg_specs.json: {e}")))
}

/// The package specifications (none when the platform does not use them).
#[utoipa::path(get, path = "/mec/developer/v2/pkg-specs", tag = "vms",
    responses((status = 200, body = Vec<PkgSpec>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let config = config()?;
    let specs: &[PkgSpec] = if config.support_pkg_specs {
        &config.pkg_specs
    } else {
        &[]
    };
    Ok(HttpResponse::Ok().json(specs))
}

/// The platform's use scene, as a JSON string.
#[utoipa::path(get, path = "/mec/developer/v2/pkg-specs/useScenes", tag = "vms",
    responses((status = 200, body = String, content_type = "application/json"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn use_scenes(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    Ok(HttpResponse::Ok().json(&config()?.use_scenes))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct UserDataQuery {
    /// The VM's operating system: ubuntu, centos or debian (any case).
    #[param(
        required = true,
        nullable = false,
        example = "ubuntu",
        pattern = "^(?i:ubuntu|centos|debian)$"
    )]
    pub os_type: Option<String>,
    /// A package specification's id (GET /mec/developer/v2/pkg-specs), when the application has
    /// one; empty for none.
    #[param(
        example = "PKG_SPEC_SUPPORT_FIXED_FLAVOR",
        pattern = "^(PKG_SPEC_SUPPORT_DYNAMIC_FLAVOR|PKG_SPEC_SUPPORT_FIXED_FLAVOR)?$"
    )]
    pub pkg_spec_id: Option<String>,
}

/// The cloud-init template for an operating system (text, unescaped as the original does).
#[utoipa::path(get, path = "/mec/developer/v2/user-datas", tag = "vms", params(UserDataQuery),
    responses((status = 200, body = String, content_type = "text/plain"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn user_datas(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UserDataQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let query = query.into_inner();
    if let Some(spec) = query.pkg_spec_id.as_deref().filter(|s| !s.is_empty()) {
        if !config()?.pkg_specs.iter().any(|p| p.id == spec) {
            return Err(ApiError::new(ErrorCode::InvalidField, "pkgSpecId names no package specification (GET /mec/developer/v2/pkg-specs lists them)")
                .with_params(vec!["pkgSpecId".into()]));
        }
    }
    let os = query.os_type.unwrap_or_default();
    let st = state.clone();
    let lookup = os.clone();
    let template = state
        .offload(async move {
            projections::read_models::vm_catalogue::query::user_data(&st.pool, &lookup)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidField, format!("no cloud-init template for osType {os:?}: the catalogue has ubuntu, centos and debian"))
                .with_params(vec!["osType".into()])
        })?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(domain::vm_catalogue::unescape(&template.0)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_compiled_in_configuration_reads() {
        let config = super::config().expect("pkg_specs.json reads");
        let ids: Vec<&str> = config.pkg_specs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "PKG_SPEC_SUPPORT_DYNAMIC_FLAVOR",
                "PKG_SPEC_SUPPORT_FIXED_FLAVOR"
            ]
        );
    }
}
