//! HTTP endpoints, one module per resource, plus what they share: the application state, id
//! parsing, paging, command execution with metrics and read-your-writes.

pub mod app_configuration;
pub mod app_packages;
pub mod app_release;
pub mod app_scripts;
pub mod app_tests;
pub mod applications;
pub mod audit_trail;
pub mod capabilities;
pub mod capability_groups;
pub mod commanding;
pub mod config_maps;
pub mod containerimages;
pub mod containers;
pub mod flavors;
pub mod health;
pub mod helm_charts;
pub mod images;
pub mod login;
pub mod mephosts;
pub mod namespaces;
pub mod operation_logs;
pub mod operations;
pub mod pkg_specs;
pub mod platform_containers;
pub mod plugins;
pub mod profiles;
pub mod projections;
pub mod released_packages;
pub mod roles;
pub mod sandbox;
pub mod secrets;
pub mod upload_files;
pub mod users;
pub mod vmimages;
pub mod volumes;

use actix_web::web;
use serde::Serialize;

use crate::error::{ApiError, ErrorCode};

pub use commanding::AppState;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    health::configure(cfg);
    applications::configure(cfg);
    app_packages::configure(cfg);
    released_packages::configure(cfg);
    plugins::configure(cfg);
    projections::configure(cfg);
    audit_trail::configure(cfg);
    mephosts::configure(cfg);
    capabilities::configure(cfg);
    flavors::configure(cfg);
    upload_files::configure(cfg);
    capability_groups::configure(cfg);
    pkg_specs::configure(cfg);
    operations::configure(cfg);
    vmimages::configure(cfg);
    profiles::configure(cfg);
    containerimages::configure(cfg);
    login::configure(cfg);
    images::configure(cfg);
    // Before users: the users scope would take /api/v1/users/{userId}/operation-stats.
    operation_logs::configure(cfg);
    users::configure(cfg);
    roles::configure(cfg);
    // The namespace's resources before the namespaces: a matching scope does not fall through.
    config_maps::configure(cfg);
    secrets::configure(cfg);
    volumes::configure(cfg);
    platform_containers::configure(cfg);
    namespaces::configure(cfg);
}

/// An optional RFC 3339 time query parameter; 400 `INVALID_QUERY` naming it otherwise.
pub fn time_param(
    value: Option<&str>,
    name: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    value
        .map(|text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| {
                    ApiError::new(
                        ErrorCode::InvalidQuery,
                        format!("{name} must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z"),
                    )
                    .with_params(vec![name.to_owned()])
                })
        })
        .transpose()
}

/// The original platform's page shape.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub results: Vec<T>,
    pub limit: i64,
    pub offset: i64,
    pub total: i64,
}

/// The largest page a list answers, and the page size when `limit` is not given.
pub const MAX_LIMIT: i64 = 500;
pub const DEFAULT_LIMIT: i64 = 20;

/// Paging parameters: `limit` 1..=500 (default 20), `offset` >= 0 (default 0).
pub fn paging(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let offset = offset.unwrap_or(0);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(
            ApiError::new(ErrorCode::InvalidPaging, "limit must be between 1 and 500")
                .with_params(vec!["limit".into()]),
        );
    }
    if offset < 0 {
        return Err(
            ApiError::new(ErrorCode::InvalidPaging, "offset must be 0 or more")
                .with_params(vec!["offset".into()]),
        );
    }
    Ok((limit, offset))
}

/// Parses a path id that must be a UUID (the original's rule), answering 400 otherwise.
pub fn parse_uuid(text: &str, what: &str) -> Result<String, ApiError> {
    let parsed = uuid::Uuid::parse_str(text).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidId,
            format!("{what} must be a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        )
        .with_params(vec![what.to_owned()])
    })?;
    Ok(parsed.hyphenated().to_string())
}

/// The largest integer id a path takes (2^53 - 1: exact in every JSON number).
pub const MAX_INT_ID: i64 = (1 << 53) - 1;

/// Parses a path id of the container platform: a positive integer (its tables' `BIGSERIAL`), at
/// most [`MAX_INT_ID`].
pub fn parse_int_id(text: &str, what: &str) -> Result<i64, ApiError> {
    let id = text.parse::<i64>().ok();
    id.filter(|id| (1..=MAX_INT_ID).contains(id))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("{what} must be an integer from 1 to {MAX_INT_ID}"),
            )
            .with_params(vec![what.to_owned()])
        })
}
