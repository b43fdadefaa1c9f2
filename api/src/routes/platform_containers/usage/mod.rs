//! Resource usage of containers (ADR 0019): `POST /api/v1/metrics/containers` takes batches of
//! samples with the ingest token of its own (`EDGEDEV_METRICS_TOKEN`, as a bearer token), and
//! `GET .../containers/{containerId}/usage?from&to&step` answers buckets with the average and
//! highest of each metric.
//!
//! - [`ingest`]: the samples in; [`query`]: the buckets out.

pub mod ingest;
pub mod query;

pub use ingest::{
    IngestAnswer, RejectedSample, UsageBatch, UsageInput, MAX_BATCH_BYTES, MAX_SAMPLES,
};
pub use query::{UsageBody, UsageBucket, UsageQuery};
