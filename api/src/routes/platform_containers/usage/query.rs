//! `GET .../containers/{containerId}/usage?from&to&step`: buckets with the average and highest
//! of each metric.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use domain::permission::Scope;
use projections::read_models::platform_containers::usage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::{not_found, paths, viewer};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::commanding::AppState;

/// The most buckets one usage query may answer.
const MAX_BUCKETS: i64 = 10_000;

/// The window and bucket size of a usage query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// RFC 3339; an hour before `to` by default.
    pub from: Option<DateTime<Utc>>,
    /// RFC 3339; now by default.
    pub to: Option<DateTime<Utc>>,
    /// A bucket's length: a number and s, m, h or d (`1m` by default).
    #[param(pattern = "^[1-9][0-9]{0,5}[smhd]$")]
    pub step: Option<String>,
}

/// One bucket of a container's usage.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageBucket {
    pub start: DateTime<Utc>,
    pub samples: i64,
    pub cpu_cores_avg: Option<f64>,
    pub cpu_cores_max: Option<f64>,
    pub cpu_percent_avg: Option<f64>,
    pub cpu_percent_max: Option<f64>,
    pub memory_bytes_avg: Option<f64>,
    pub memory_bytes_max: Option<i64>,
    pub memory_percent_avg: Option<f64>,
    pub memory_percent_max: Option<f64>,
    pub network_bytes_rx: Option<i64>,
    pub network_bytes_tx: Option<i64>,
}
db::from_row!(UsageBucket {
    start,
    samples,
    cpu_cores_avg,
    cpu_cores_max,
    cpu_percent_avg,
    cpu_percent_max,
    memory_bytes_avg,
    memory_bytes_max,
    memory_percent_avg,
    memory_percent_max,
    network_bytes_rx,
    network_bytes_tx
});

/// A container's usage in a window.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageBody {
    pub container_id: i64,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub step_seconds: i64,
    pub buckets: Vec<UsageBucket>,
}

/// Seconds of a step like `30s`, `5m`, `1h`, `1d`.
fn step_seconds(step: &str) -> Option<i64> {
    let unit = step.chars().last()?;
    let number = &step[..step.len() - unit.len_utf8()];
    let n: i64 = number.parse().ok().filter(|n| (1..=999_999).contains(n))?;
    let unit = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    (!number.starts_with(['0', '+'])).then_some(n * unit)
}

#[cfg(test)]
mod tests {
    use super::step_seconds;

    #[test]
    fn steps_are_a_number_and_a_unit_and_nothing_else() {
        assert_eq!(step_seconds("30s"), Some(30));
        assert_eq!(step_seconds("5m"), Some(300));
        assert_eq!(step_seconds("1h"), Some(3600));
        assert_eq!(step_seconds("2d"), Some(172_800));
        for bad in [
            "", "m", "0m", "05m", "+5m", "5", "5w", "ÄÂ", "5Ä", "1000000s",
        ] {
            assert_eq!(step_seconds(bad), None, "{bad:?}");
        }
    }
}

/// A container's resource usage in buckets (`containers:read` in its namespace).
#[utoipa::path(get, path = "/api/v1/namespaces/{namespaceId}/containers/{containerId}/usage", tag = "containers",
    params(("namespaceId" = i64, Path), ("containerId" = i64, Path), UsageQuery),
    responses((status = 200, body = UsageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn container_usage(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<UsageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let to = query.to.unwrap_or_else(Utc::now);
    let from = query.from.unwrap_or(to - Duration::hours(1));
    let step = step_seconds(query.step.as_deref().unwrap_or("1m")).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidQuery,
            "step is a number and s, m, h or d, like 5m",
        )
        .with_params(vec!["step".into()])
    })?;
    if from >= to {
        return Err(
            ApiError::new(ErrorCode::InvalidQuery, "from must be before to")
                .with_params(vec!["from".into()]),
        );
    }
    if (to - from).num_seconds() / step >= MAX_BUCKETS {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("the window holds more than {MAX_BUCKETS} steps; take a longer step"),
        )
        .with_params(vec!["step".into()]));
    }
    let st = state.clone();
    let buckets = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("containers", "read", Scope::Namespace(namespace_id))?;
            usage::buckets::<UsageBucket>(
                &st.pool,
                &viewer(&access),
                namespace_id,
                id,
                from,
                to,
                step,
            )
            .await
            .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(UsageBody {
        container_id: id,
        from,
        to,
        step_seconds: step,
        buckets,
    }))
}
