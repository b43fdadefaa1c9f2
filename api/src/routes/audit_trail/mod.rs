//! `/api/v1/audit`: an aggregate's history with the state change of each event, its state as of
//! a version or a time, and the global log filtered by who, what and when (docs/audit.md).
//! Admins read everything; a tenant reads the aggregates they created; guests nothing.

pub mod dto;

use actix_web::{web, HttpResponse};
use commands::audit::{AsOf, AuditError, AuditLog, HistoryQuery as Paging, LogFilter};
use domain::Actor;

use super::{time_param, AppState};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
pub use dto::{
    AuditEventBody, EventPageBody, EventsQuery, HistoryBody, HistoryQuery, StateBody, StateQuery,
};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/audit/events").get(events))
        .service(web::resource("/api/v1/audit/{aggregateType}/{id}/history").get(history))
        .service(web::resource("/api/v1/audit/{aggregateType}/{id}").get(state_as_of));
}

fn answer(error: AuditError) -> ApiError {
    match error {
        AuditError::NotFound(..) => ApiError::new(ErrorCode::AggregateNotFound, error.to_string()),
        AuditError::BeforeFirst(..) => ApiError::new(ErrorCode::NoStateYet, error.to_string()),
        AuditError::NoStateModel(_) => ApiError::new(ErrorCode::NoStateModel, error.to_string()),
        AuditError::Decode(detail) => ApiError::internal(&detail),
        AuditError::Database(e) => ApiError::database(&e),
    }
}

fn invalid(name: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery, message).with_params(vec![name.to_owned()])
}

fn limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(invalid(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ))
    }
}

fn after(after: Option<i64>) -> Result<i64, ApiError> {
    match after.unwrap_or(0) {
        a if a >= 0 => Ok(a),
        _ => Err(invalid("after", "after must be 0 or more")),
    }
}

fn text(value: Option<String>, name: &str, max: usize) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.chars().count() > max => {
            Err(invalid(name, format!("{name} is at most {max} characters")))
        }
        Some(v) if v.is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// Admins read every aggregate; anyone else only what they created.
async fn may_read(log: &AuditLog, actor: &Actor, kind: &str, id: &str) -> Result<(), ApiError> {
    let creator = log.creator(kind, id).await.map_err(answer)?;
    if actor.is_admin() || creator == actor.user_id {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "the history of an aggregate is for the user who created it and administrators",
        ))
    }
}

/// Every event of one aggregate in order, with its envelope and, with `diff=true`, the state
/// change it caused.
#[utoipa::path(get, path = "/api/v1/audit/{aggregateType}/{id}/history", tag = "audit",
    params(("aggregateType" = String, Path, max_length = 64), ("id" = String, Path, max_length = 128), HistoryQuery),
    responses((status = 200, body = HistoryBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn history(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (kind, id) = path.into_inner();
    let paging = Paging {
        after: after(query.after)?,
        limit: limit(query.limit)?,
        diff: query.diff.unwrap_or(false),
    };
    let log = AuditLog::new(state.pool.clone());
    let body = state
        .offload(async move {
            may_read(&log, &actor, &kind, &id).await?;
            let history = log.history(&kind, &id, paging).await.map_err(answer)?;
            Ok(HistoryBody::from(history))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// One aggregate's state as of a version or a time (the newest without `asOf`), with the
/// version it corresponds to.
#[utoipa::path(get, path = "/api/v1/audit/{aggregateType}/{id}", tag = "audit",
    params(("aggregateType" = String, Path, max_length = 64), ("id" = String, Path, max_length = 128), StateQuery),
    responses((status = 200, body = StateBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn state_as_of(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<StateQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (kind, id) = path.into_inner();
    let as_of = match query.as_of.as_deref() {
        None => None,
        Some(text) => Some(AsOf::parse(text).ok_or_else(|| {
            invalid(
                "asOf",
                "asOf must be a version (0 or more) or an RFC 3339 time, e.g. 2026-01-31T12:00:00Z",
            )
        })?),
    };
    let log = AuditLog::new(state.pool.clone());
    let body = state
        .offload(async move {
            may_read(&log, &actor, &kind, &id).await?;
            let at = log.state_as_of(&kind, &id, as_of).await.map_err(answer)?;
            Ok(StateBody::from(at))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The global log filtered by user, correlation, aggregate type and time, oldest first, paged by
/// position. A tenant sees the events of aggregates they created.
#[utoipa::path(get, path = "/api/v1/audit/events", tag = "audit", params(EventsQuery),
    responses((status = 200, body = EventPageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn events(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let q = query.into_inner();
    let filter = LogFilter {
        from: time_param(q.from.as_deref(), "from")?,
        to: time_param(q.to.as_deref(), "to")?,
        user_id: text(q.user_id, "userId", 128)?,
        correlation_id: text(q.correlation_id, "correlationId", 128)?,
        aggregate_type: text(q.aggregate_type, "aggregateType", 64)?,
        owner: (!actor.is_admin()).then(|| actor.user_id.clone()),
        after: after(q.after)?,
        limit: limit(q.limit)?,
    };
    let log = AuditLog::new(state.pool.clone());
    let body = state
        .offload(async move {
            let page = log.events(&filter).await.map_err(answer)?;
            Ok(EventPageBody::from(page))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
