//! `GET /api/v1/operation-logs` and `GET /api/v1/users/{userId}/operation-stats`: the operation
//! log (ADR 0017). Everyone reads their own requests; `operation-logs:read` (platform-wide)
//! reads everyone's. The queries run under row-level security as the caller
//! (`operation_logs::query`), so the policy holds even where a condition here were missing.

pub mod dto;

use actix_web::{web, HttpRequest, HttpResponse};
use domain::permission::Scope;
use projections::read_models::access::query as access_query;
use projections::read_models::operation_logs::query::{self, OperationLogFilter};

pub use dto::{OperationLogBody, OperationLogQuery, OperationStatsBody};

use super::commanding::{requested_position, AppState};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::{paging, parse_int_id, time_param, Page};

pub const READ_MODELS: &[&str] = &["operation_logs"];

/// Registers both endpoints; before the users scope, which would otherwise take the stats path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/operation-logs").get(list))
        .service(web::resource("/api/v1/users/{userId}/operation-stats").get(stats));
}

fn may_read_all(access: &Access) -> bool {
    access.may("operation-logs", "read", Scope::Platform)
}

/// A page of the operation log, newest first: the caller's own requests, or with
/// `operation-logs:read` everyone's.
#[utoipa::path(get, path = "/api/v1/operation-logs", tag = "operation-logs", params(OperationLogQuery),
    responses((status = 200, body = inline(Page<OperationLogBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, description = "another user's requests without operation-logs:read", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<OperationLogQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = paging(query.limit, query.offset)?;
    let q = query.into_inner();
    for (value, name) in [(q.user_id, "userId"), (q.namespace_id, "namespaceId")] {
        if value.is_some_and(|v| !(1..=crate::routes::MAX_INT_ID).contains(&v)) {
            return Err(ApiError::new(
                ErrorCode::InvalidQuery,
                format!("{name} must be an id from 1 to 2^53-1"),
            )
            .with_params(vec![name.to_owned()]));
        }
    }
    for (value, name) in [(&q.action, "action"), (&q.resource_type, "resourceType")] {
        if value.as_ref().is_some_and(|v| v.chars().count() > 50) {
            return Err(ApiError::new(
                ErrorCode::InvalidQuery,
                format!("{name} is at most 50 characters"),
            )
            .with_params(vec![name.to_owned()]));
        }
    }
    let from = time_param(q.from.as_deref(), "from")?;
    let to = time_param(q.to.as_deref(), "to")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            let all = may_read_all(&access);
            let user_id = match (all, q.user_id) {
                (true, wanted) => wanted,
                (false, Some(wanted)) if Some(wanted) != access.user_id => {
                    access.require("operation-logs", "read", Scope::Platform)?;
                    Some(wanted)
                }
                // Own rows only; a caller that is no platform user has none.
                (false, _) => Some(access.user_id.unwrap_or(0)),
            };
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let filter = OperationLogFilter {
                user_id,
                action: q.action.as_deref(),
                resource_type: q.resource_type.as_deref(),
                namespace_id: q.namespace_id,
                from,
                to,
            };
            let (results, total) =
                query::list::<OperationLogBody>(&st.pool, &access.viewer(), &filter, limit, offset)
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

/// What a user did, counted: themselves, or with `operation-logs:read` anyone.
#[utoipa::path(get, path = "/api/v1/users/{userId}/operation-stats", tag = "operation-logs", params(("userId" = i64, Path)),
    responses((status = 200, body = OperationStatsBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn stats(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "userId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let stats = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            if !access.is_user(id) {
                access.require("operation-logs", "read", Scope::Platform)?;
            }
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let exists = access_query::user::<super::users::UserBody>(&st.pool, id)
                .await?
                .is_some();
            if !exists {
                return Ok(None);
            }
            query::stats::<OperationStatsBody>(&st.pool, &access.viewer(), id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(super::users::not_found)?;
    Ok(HttpResponse::Ok().json(stats))
}
