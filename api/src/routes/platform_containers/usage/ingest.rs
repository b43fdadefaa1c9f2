//! `POST /api/v1/metrics/containers`: batches of samples with the ingest token of its own
//! (`EDGEDEV_METRICS_TOKEN`, as a bearer token), checked sample by sample and written in one
//! multi-row insert.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use projections::read_models::platform_containers::usage::{self, Sample};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::commanding::AppState;

/// The most samples one batch may carry, and the largest batch body.
pub const MAX_SAMPLES: usize = 5000;
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

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
