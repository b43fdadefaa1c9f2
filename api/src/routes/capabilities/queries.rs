//! The capability queries (everyone signed in): all, one, by group, by name or English name
//! (paged), by group type, and the groups with their number of capabilities.

use actix_web::{web, HttpRequest, HttpResponse};
use projections::read_models::capabilities::query::{self, CapabilityFilter};

use super::dto::{CapabilityResponse, GroupStats, NameEnQuery, NameQuery};
use super::READ_MODELS;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::{requested_position, AppState};
use crate::routes::{paging, parse_uuid, Page, MAX_LIMIT};

pub fn configure(cfg: &mut web::ServiceConfig) {
    const QUERY: &str = "/mec/developer/v2/query";
    cfg.service(web::resource(format!("{QUERY}/capabilities/group-id/{{groupId}}")).get(by_group))
        .service(web::resource(format!("{QUERY}/capabilities/name")).get(by_name))
        .service(
            web::resource(format!("{QUERY}/capabilities/project-id/{{applicationId}}"))
                .get(by_application),
        )
        .service(web::resource(format!("{QUERY}/capabilities/name-en")).get(by_name_en))
        .service(web::resource(format!("{QUERY}/capabilities/type/{{type}}")).get(by_type))
        .service(
            web::resource(format!("{QUERY}/capability-group-stats/type/{{type}}"))
                .get(group_stats_by_type),
        )
        .service(web::resource("/mec/developer/v2/capability-group-stats").get(group_stats));
}

/// A page of capabilities matching `filter`, once the read model shows the caller's position.
async fn page(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    filter: OwnedFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<CapabilityResponse>, ApiError> {
    let position = requested_position(req)?;
    let st = state.clone();
    state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(&[READ_MODELS[0], "app_configuration"], position)
                    .await;
            }
            let filter = CapabilityFilter {
                group_id: filter.group_id.as_deref(),
                group_type: filter.group_type,
                name: filter.name.as_deref(),
                name_en: filter.name_en.as_deref(),
                project_id: filter.project_id.as_deref(),
            };
            let (results, total) = query::list(&st.pool, filter, limit, offset).await?;
            Ok(Page {
                results,
                limit,
                offset,
                total,
            })
        })
        .await
}

#[derive(Clone, Default)]
struct OwnedFilter {
    group_id: Option<String>,
    group_type: Option<&'static str>,
    name: Option<String>,
    name_en: Option<String>,
    project_id: Option<String>,
}

/// Every capability, oldest first.
#[utoipa::path(get, path = "/mec/developer/v2/capabilities", tag = "capabilities",
    responses((status = 200, body = Vec<CapabilityResponse>), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(all(&state, &req, OwnedFilter::default()).await?))
}

/// Every capability matching `filter` (pages of the largest size, concatenated).
async fn all(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    filter: OwnedFilter,
) -> Result<Vec<CapabilityResponse>, ApiError> {
    let mut rows = Vec::new();
    loop {
        let page = page(state, req, filter.clone(), MAX_LIMIT, rows.len() as i64).await?;
        let done = page.results.len() < MAX_LIMIT as usize;
        rows.extend(page.results);
        if done {
            return Ok(rows);
        }
    }
}

/// One capability.
#[utoipa::path(get, path = "/mec/developer/v2/capabilities/{capabilityId}", tag = "capabilities", params(("capabilityId" = String, Path)),
    responses((status = 200, body = CapabilityResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_uuid(&path, "capabilityId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let capability = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<CapabilityResponse>(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(super::not_found)?;
    Ok(HttpResponse::Ok().json(capability))
}

/// The capabilities of one group.
#[utoipa::path(get, path = "/mec/developer/v2/query/capabilities/group-id/{groupId}", tag = "capabilities", params(("groupId" = String, Path)),
    responses((status = 200, body = Vec<CapabilityResponse>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn by_group(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let group_id = parse_uuid(&path, "groupId")?;
    let filter = OwnedFilter {
        group_id: Some(group_id),
        ..OwnedFilter::default()
    };
    Ok(HttpResponse::Ok().json(all(&state, &req, filter).await?))
}

/// The capabilities an application requires (its services required; owner or admin).
#[utoipa::path(get, path = "/mec/developer/v2/query/capabilities/project-id/{applicationId}", tag = "capabilities", params(("applicationId" = String, Path)),
    responses((status = 200, body = Vec<CapabilityResponse>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn by_application(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let app_id = parse_uuid(&path, "applicationId")?;
    let st = state.clone();
    let owned = app_id.clone();
    state
        .offload(async move {
            crate::routes::operations::owned_application(&st, &actor, &owned).await?;
            Ok(())
        })
        .await?;
    let filter = OwnedFilter {
        project_id: Some(app_id),
        ..OwnedFilter::default()
    };
    Ok(HttpResponse::Ok().json(all(&state, &req, filter).await?))
}

/// A page of the capabilities whose name contains `name` (any case).
#[utoipa::path(get, path = "/mec/developer/v2/query/capabilities/name", tag = "capabilities", params(NameQuery),
    responses((status = 200, body = inline(Page<CapabilityResponse>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn by_name(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    query: web::Query<NameQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let (limit, offset) = paging(q.limit, q.offset)?;
    let filter = OwnedFilter {
        name: q.name,
        ..OwnedFilter::default()
    };
    Ok(HttpResponse::Ok().json(page(&state, &req, filter, limit, offset).await?))
}

/// A page of the capabilities whose English name contains `nameEn` (any case).
#[utoipa::path(get, path = "/mec/developer/v2/query/capabilities/name-en", tag = "capabilities", params(NameEnQuery),
    responses((status = 200, body = inline(Page<CapabilityResponse>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn by_name_en(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    query: web::Query<NameEnQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let (limit, offset) = paging(q.limit, q.offset)?;
    let filter = OwnedFilter {
        name_en: q.name_en,
        ..OwnedFilter::default()
    };
    Ok(HttpResponse::Ok().json(page(&state, &req, filter, limit, offset).await?))
}

fn group_type(text: &str) -> Result<&'static str, ApiError> {
    domain::capability_group::GROUP_TYPES
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidPath,
                "type must be OPENMEP, OPENMEP_ECO or STANDARD",
            )
            .with_params(vec!["type".into()])
        })
}

/// The capabilities whose group is of one type.
#[utoipa::path(get, path = "/mec/developer/v2/query/capabilities/type/{type}", tag = "capabilities",
    params(("type" = String, Path, pattern = r"^(?i:openmep|openmep_eco|standard)$")),
    responses((status = 200, body = Vec<CapabilityResponse>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn by_type(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let filter = OwnedFilter {
        group_type: Some(group_type(&path)?),
        ..OwnedFilter::default()
    };
    Ok(HttpResponse::Ok().json(all(&state, &req, filter).await?))
}

async fn stats(
    state: web::Data<AppState>,
    req: &HttpRequest,
    group_type: Option<&'static str>,
) -> Result<HttpResponse, ApiError> {
    let position = requested_position(req)?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(&["capabilities", "capability_groups"], position)
                    .await;
            }
            query::group_stats::<GroupStats>(&st.pool, group_type)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Every capability group with its number of capabilities.
#[utoipa::path(get, path = "/mec/developer/v2/capability-group-stats", tag = "capabilities",
    responses((status = 200, body = Vec<GroupStats>), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn group_stats(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    stats(state, &req, None).await
}

/// The capability groups of one type with their number of capabilities.
#[utoipa::path(get, path = "/mec/developer/v2/query/capability-group-stats/type/{type}", tag = "capabilities",
    params(("type" = String, Path, pattern = r"^(?i:openmep|openmep_eco|standard)$")),
    responses((status = 200, body = Vec<GroupStats>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn group_stats_by_type(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    stats(state, &req, Some(group_type(&path)?)).await
}
