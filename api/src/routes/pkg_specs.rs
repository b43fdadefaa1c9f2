//! `/mec/developer/v2/pkg-specs` (reference 1.10): the package specifications an application's
//! package can follow (network names in the descriptor, a user-data variant, the flavor
//! properties), and the platform's use scene. As in the original they are configuration
//! (`api/config/pkg_specs.json`, compiled in), not a catalogue users change.

use std::sync::LazyLock;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};

const PKG_SPECS: &str = include_str!("../../config/pkg_specs.json");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/mec/developer/v2/pkg-specs").get(list))
        .service(web::resource("/mec/developer/v2/pkg-specs/useScenes").get(use_scenes));
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
