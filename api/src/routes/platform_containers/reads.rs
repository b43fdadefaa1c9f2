//! The reads of containers: a namespace's page, one container with its ports, variables and
//! mounts, and a container's status history, each under the row-level security of `containers`.

use actix_web::{web, HttpRequest, HttpResponse};
use domain::permission::Scope;
use projections::read_models::platform_containers::{query, summary};

use super::dto::{
    ContainerBody, ContainerEnvBody, ContainerMountBody, ContainerPortBody, ContainerQuery,
    HistoryQuery, StatusChangeBody,
};
use super::{not_found, viewer, READ_MODELS};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{requested_position, AppState};
use crate::routes::{paging, parse_int_id, Page};

/// A namespace's containers by name (`containers:read` there).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/containers", tag = "containers",
    params(("namespaceId" = i64, Path), ContainerQuery),
    responses((status = 200, body = inline(Page<ContainerBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ContainerQuery>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    if let Some(status) = query.status.as_deref() {
        if domain::platform_container::ContainerStatus::parse(status).is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidQuery,
                "status must be one of pending, running, paused, stopped, failed, crash_loop_back_off",
            )
            .with_params(vec!["status".into()]));
        }
    }
    let position = requested_position(&req)?;
    let q = query.into_inner();
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let namespace: Option<crate::routes::namespaces::NamespaceBody> =
                projections::read_models::namespaces::query::find(&st.pool, namespace_id).await?;
            namespace.ok_or_else(crate::routes::namespaces::not_found)?;
            let (results, total) = query::list::<ContainerBody>(
                &st.pool,
                &viewer(&access),
                namespace_id,
                q.status.as_deref(),
                limit,
                offset,
            )
            .await?;
            Ok(Page {
                results,
                limit,
                offset,
                total,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One container with its ports, variables and mounts (`containers:read` in its namespace).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/containers/{containerId}", tag = "containers",
    params(("namespaceId" = i64, Path), ("containerId" = i64, Path)),
    responses((status = 200, body = ContainerBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = super::paths(&path)?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let found = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<ContainerBody, ContainerPortBody, ContainerEnvBody, ContainerMountBody>(
                &st.pool,
                &viewer(&access),
                namespace_id,
                id,
            )
            .await
            .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    let (mut body, ports, env, volume_mounts) = found;
    body.ports = ports;
    body.env = env;
    body.volume_mounts = volume_mounts;
    Ok(HttpResponse::Ok().json(body))
}

/// A container's status changes, oldest first (`containers:read` in its namespace).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/containers/{containerId}/status-history", tag = "containers",
    params(("namespaceId" = i64, Path), ("containerId" = i64, Path), HistoryQuery),
    responses((status = 200, body = inline(Page<StatusChangeBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn history(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = super::paths(&path)?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let (results, total) = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "read", Scope::Namespace(namespace_id))?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::history::<StatusChangeBody>(
                &st.pool,
                &viewer(&access),
                namespace_id,
                id,
                limit,
                offset,
            )
            .await
            .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(Page {
        results,
        limit,
        offset,
        total,
    }))
}

/// A namespace's containers counted (`container_summary`, refreshed when containers change).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSummaryBody {
    pub namespace_id: i64,
    pub namespace_name: String,
    pub total_containers: i64,
    pub running_containers: i64,
    pub stopped_containers: i64,
    pub failed_containers: i64,
    /// The images' sizes, once per container.
    pub total_size_bytes: Option<i64>,
}
db::from_row!(NamespaceSummaryBody {
    namespace_id,
    namespace_name,
    total_containers,
    running_containers,
    stopped_containers,
    failed_containers,
    total_size_bytes
});

/// A namespace's containers counted by status, and their images' size (`containers:read`
/// there). From `container_summary`, refreshed within `EDGEDEV_SUMMARY_REFRESH_MS` of a change
/// (a namespace the last refresh did not know yet counts zero).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/summary", tag = "containers",
    params(("namespaceId" = i64, Path)),
    responses((status = 200, body = NamespaceSummaryBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn summary(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let namespace_id = parse_int_id(&path, "namespaceId")?;
    let st = state.clone();
    let body = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "read", Scope::Namespace(namespace_id))?;
            let namespace: Option<crate::routes::namespaces::NamespaceBody> =
                projections::read_models::namespaces::query::find(&st.pool, namespace_id).await?;
            let namespace = namespace.ok_or_else(crate::routes::namespaces::not_found)?;
            let found: Option<NamespaceSummaryBody> =
                summary::of_namespace(&st.pool, namespace_id).await?;
            Ok(found.unwrap_or(NamespaceSummaryBody {
                namespace_id,
                namespace_name: namespace.name,
                ..NamespaceSummaryBody::default()
            }))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
