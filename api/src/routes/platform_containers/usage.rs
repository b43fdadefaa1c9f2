//! Resource usage of containers (ADR 0019): `POST /api/v1/metrics/containers` takes batches of
//! samples with the ingest token of its own (`EDGEDEV_METRICS_TOKEN`, as a bearer token), and
//! `GET .../containers/{containerId}/usage?from&to&step` answers buckets with the average and
//! highest of each metric.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use domain::permission::Scope;
use projections::read_models::platform_containers::usage::{self, Sample};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{not_found, paths, viewer};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::commanding::AppState;

/// The most samples one batch may carry, and the largest batch body.
pub const MAX_SAMPLES: usize = 5000;
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// The most buckets one usage query may answer.
const MAX_BUCKETS: i64 = 10_000;

/// One sample: when, which container, and any of its metrics.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageInput {
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(minimum = 1)]
    pub container_id: i64,
    /// RFC 3339; from 2000 until five minutes from now.
    pub timestamp: DateTime<Utc>,
    #[schema(minimum = 0, maximum = 999999)]
    pub cpu_cores_used: Option<f64>,
    #[schema(minimum = 0, maximum = 999999)]
    pub cpu_cores_request: Option<f64>,
    #[schema(minimum = 0, maximum = 999999)]
    pub cpu_cores_limit: Option<f64>,
    #[schema(minimum = 0, maximum = 999.99)]
    pub cpu_usage_percent: Option<f64>,
    #[schema(minimum = 0)]
    pub memory_bytes_used: Option<i64>,
    #[schema(minimum = 0)]
    pub memory_bytes_request: Option<i64>,
    #[schema(minimum = 0)]
    pub memory_bytes_limit: Option<i64>,
    #[schema(minimum = 0, maximum = 999.99)]
    pub memory_usage_percent: Option<f64>,
    #[schema(minimum = 0)]
    pub network_bytes_rx: Option<i64>,
    #[schema(minimum = 0)]
    pub network_bytes_tx: Option<i64>,
    #[schema(minimum = 0)]
    pub network_packets_rx: Option<i64>,
    #[schema(minimum = 0)]
    pub network_packets_tx: Option<i64>,
    #[schema(minimum = 0)]
    pub disk_bytes_used: Option<i64>,
    #[schema(minimum = 0)]
    pub disk_bytes_total: Option<i64>,
    #[schema(minimum = 0, maximum = 999.99)]
    pub disk_usage_percent: Option<f64>,
    #[schema(minimum = 0)]
    pub filesystem_reads: Option<i64>,
    #[schema(minimum = 0)]
    pub filesystem_writes: Option<i64>,
}

/// A batch of samples.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct UsageBatch {
    #[schema(max_items = 5000)]
    pub samples: Vec<UsageInput>,
}

/// A sample left out of a batch, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RejectedSample {
    pub index: usize,
    pub container_id: i64,
    pub reason: String,
}

/// What a batch wrote.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngestAnswer {
    pub accepted: u64,
    pub rejected: Vec<RejectedSample>,
}

fn field(message: impl Into<String>, param: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, message).with_params(vec![param.to_owned()])
}

impl UsageInput {
    /// The first rule the sample breaks, if any (beside its container's existence).
    fn fault(&self, now: DateTime<Utc>) -> Option<&'static str> {
        let earliest = DateTime::from_timestamp(946_684_800, 0).unwrap_or_default();
        if self.timestamp < earliest || self.timestamp > now + Duration::minutes(5) {
            return Some("timestamp is before 2000 or more than five minutes ahead");
        }
        let cores = [
            self.cpu_cores_used,
            self.cpu_cores_request,
            self.cpu_cores_limit,
        ];
        if cores
            .iter()
            .flatten()
            .any(|c| !(0.0..=999_999.0).contains(c))
        {
            return Some("CPU cores are 0-999999");
        }
        let percents = [
            self.cpu_usage_percent,
            self.memory_usage_percent,
            self.disk_usage_percent,
        ];
        if percents
            .iter()
            .flatten()
            .any(|p| !(0.0..=999.99).contains(p))
        {
            return Some("percentages are 0-999.99");
        }
        let counts = [
            self.memory_bytes_used,
            self.memory_bytes_request,
            self.memory_bytes_limit,
            self.network_bytes_rx,
            self.network_bytes_tx,
            self.network_packets_rx,
            self.network_packets_tx,
            self.disk_bytes_used,
            self.disk_bytes_total,
            self.filesystem_reads,
            self.filesystem_writes,
        ];
        if counts.iter().flatten().any(|c| *c < 0) {
            return Some("byte, packet and operation counts are not negative");
        }
        None
    }

    fn sample(&self) -> Sample {
        Sample {
            container_id: self.container_id,
            timestamp: self.timestamp,
            cpu_cores_used: self.cpu_cores_used,
            cpu_cores_request: self.cpu_cores_request,
            cpu_cores_limit: self.cpu_cores_limit,
            cpu_usage_percent: self.cpu_usage_percent,
            memory_bytes_used: self.memory_bytes_used,
            memory_bytes_request: self.memory_bytes_request,
            memory_bytes_limit: self.memory_bytes_limit,
            memory_usage_percent: self.memory_usage_percent,
            network_bytes_rx: self.network_bytes_rx,
            network_bytes_tx: self.network_bytes_tx,
            network_packets_rx: self.network_packets_rx,
            network_packets_tx: self.network_packets_tx,
            disk_bytes_used: self.disk_bytes_used,
            disk_bytes_total: self.disk_bytes_total,
            disk_usage_percent: self.disk_usage_percent,
            filesystem_reads: self.filesystem_reads,
            filesystem_writes: self.filesystem_writes,
        }
    }
}

/// Whether the request carries the ingest token (compared by digest, in constant time).
fn holds_ingest_token(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    let given = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthorized,
                "send the metrics ingest token as a bearer token",
            )
        })?;
    let Some(expected) = &state.metrics_token else {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "metrics ingest is off: no EDGEDEV_METRICS_TOKEN is configured",
        ));
    };
    let digest = Sha256::digest(given.as_bytes());
    let same = digest
        .iter()
        .zip(expected.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0;
    if same {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Unauthorized,
            "the metrics ingest token is not valid",
        ))
    }
}

/// Ingest a batch of resource-usage samples (the ingest token, `Authorization: Bearer`).
/// Samples of unknown containers, or breaking a rule, are left out and listed.
#[utoipa::path(post, path = "/api/v1/metrics/containers", tag = "containers", request_body = UsageBatch,
    responses((status = 200, body = IngestAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, description = "ingest is off", body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("ingest_token" = [])))]
pub async fn ingest(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<UsageBatch>,
) -> Result<HttpResponse, ApiError> {
    holds_ingest_token(&state, &req)?;
    let batch = body.into_inner();
    if batch.samples.len() > MAX_SAMPLES {
        return Err(field(
            format!("a batch carries at most {MAX_SAMPLES} samples"),
            "samples",
        ));
    }
    let st = state.clone();
    let answer = state
        .offload(async move {
            let now = Utc::now();
            let ids: Vec<i64> = batch.samples.iter().map(|s| s.container_id).collect();
            let known = usage::known(&st.pool, &ids).await?;
            let mut rejected = Vec::new();
            let mut samples = Vec::new();
            for (index, input) in batch.samples.iter().enumerate() {
                let fault = if known.contains(&input.container_id) {
                    input.fault(now)
                } else {
                    Some("no container has this id")
                };
                match fault {
                    Some(reason) => rejected.push(RejectedSample {
                        index,
                        container_id: input.container_id,
                        reason: reason.to_owned(),
                    }),
                    None => samples.push(input.sample()),
                }
            }
            let accepted = usage::insert(&st.pool, &samples).await?;
            Ok(IngestAnswer { accepted, rejected })
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

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
