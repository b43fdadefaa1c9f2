//! `GET /mec/developer/v2/applications/{applicationId}/detail` (reference 1.4): the application
//! as the original UI reads it, with `vmApp` (its VMs with their instantiate and export info, and
//! its networks) or `containerApp` (its helm charts and the instance's pods, containers and
//! services), composed from the read models.

use actix_web::{web, HttpRequest, HttpResponse};
use projections::read_models::{applications, container_instances, helm_charts, vms};
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::ApplicationResponse;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{requested_position, AppState};
use crate::routes::helm_charts::HelmChartBody;
use crate::routes::parse_uuid;
use crate::routes::sandbox::NetworkBody;

const READ_MODELS: &[&str] = &["applications", "vms", "helm_charts", "container_instances"];

/// A VM application's VMs (with their instantiate and export info) and networks.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmAppBody {
    #[schema(value_type = Vec<Object>)]
    pub vm_list: Vec<serde_json::Value>,
    pub network_list: Vec<NetworkBody>,
}

/// A container application's charts and its instance on the sandbox (null until launched):
/// `{operationId, appPackageId, mepmPackageId, distributedMecHost, appInstanceId, status, log,
/// instantiateTime, pods[{podName, podStatus, eventsInfo, containerList[{containerName,
/// cpuUsage, memUsage, diskUsage}]}], serviceList[{name, type, servicePortList[{port,
/// targetPort, nodePort}]}]}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerAppBody {
    pub helm_chart_list: Vec<HelmChartBody>,
    #[schema(value_type = Option<Object>)]
    pub instantiate_info: Option<serde_json::Value>,
}

/// An application with what it is made of.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub application: ApplicationResponse,
    pub vm_app: Option<VmAppBody>,
    pub container_app: Option<ContainerAppBody>,
}

/// The application with its VMs and networks, or its charts and instance (owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/applications/{applicationId}/detail", tag = "applications",
    params(("applicationId" = String, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn detail(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "applicationId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let detail = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let application = applications::query::find::<ApplicationResponse>(&st.pool, &id)
                .await?
                .ok_or_else(|| {
                    ApiError::new(ErrorCode::ApplicationNotFound, "no application has this id")
                })?;
            if !actor.may_act_on(application.user_id.as_deref().unwrap_or_default()) {
                return Err(ApiError::forbidden(
                    "only the application's owner or an admin may access it",
                ));
            }
            let (mut vm_app, mut container_app) = (None, None);
            if application.app_class.as_deref() == Some("CONTAINER") {
                let charts = helm_charts::query::list::<crate::routes::helm_charts::HelmChartRow>(
                    &st.pool, &id,
                )
                .await?;
                container_app = Some(ContainerAppBody {
                    helm_chart_list: charts.into_iter().map(|c| c.into_body()).collect(),
                    instantiate_info: container_instances::query::instance(&st.pool, &id).await?,
                });
            } else {
                vm_app = Some(VmAppBody {
                    vm_list: vms::query::vms(&st.pool, &id, None).await?,
                    network_list: vms::query::networks::<NetworkBody>(&st.pool, &id, None).await?,
                });
            }
            Ok(ApplicationDetail {
                application,
                vm_app,
                container_app,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}
