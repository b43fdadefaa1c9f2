//! Prometheus metrics: HTTP requests and latency, command latency, projection lag and failures,
//! operation-log records and partition maintenance.

use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub command_duration: HistogramVec,
    pub projection_lag_events: IntGaugeVec,
    pub projection_lag_seconds: GaugeVec,
    pub projection_failed: IntGaugeVec,
    /// Operations this process drives now (holds the lease of).
    pub operations_driven: IntGauge,
    /// Steps recorded by the workflow runner, by aggregate and outcome.
    pub operation_steps: IntCounterVec,
    /// Times this process found an operation's lease held by another process.
    pub operation_leases_busy: prometheus::IntCounter,
    /// Operation-log records by how they were written: `carried` by a command's events,
    /// `logged` as RequestLogged events, `lost` when that write failed.
    pub operation_log_records: IntCounterVec,
    /// Partitions dropped by the retention job, by table.
    pub partitions_dropped: IntCounterVec,
    /// Runs of the partition job (create ahead, drop past retention), by outcome.
    pub partition_maintenance_runs: IntCounterVec,
}

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("edgedev".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route and status",
            ),
            &["method", "route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )?;
        let command_duration = HistogramVec::new(
            HistogramOpts::new(
                "command_duration_seconds",
                "Command latency: load, decide, append",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["aggregate", "command", "outcome"],
        )?;
        let projection_lag_events = IntGaugeVec::new(
            Opts::new(
                "projection_lag_events",
                "Events in the log not yet applied by the projection",
            ),
            &["projection"],
        )?;
        let projection_lag_seconds = GaugeVec::new(
            Opts::new(
                "projection_lag_seconds",
                "Age of the oldest event not yet applied by the projection",
            ),
            &["projection"],
        )?;
        let projection_failed = IntGaugeVec::new(
            Opts::new(
                "projection_failed",
                "1 when the projection is stopped on a poison event",
            ),
            &["projection"],
        )?;
        let operations_driven = IntGauge::new(
            "operations_driven",
            "Long-running operations this process is driving",
        )?;
        let operation_steps = IntCounterVec::new(
            Opts::new(
                "operation_steps_total",
                "Steps of long-running operations: recorded, polled, or failed to run",
            ),
            &["aggregate", "outcome"],
        )?;
        let operation_leases_busy = prometheus::IntCounter::new(
            "operation_leases_busy_total",
            "Unfinished operations found whose lease another process holds",
        )?;
        let operation_log_records = IntCounterVec::new(
            Opts::new(
                "operation_log_records_total",
                "Operation-log records: carried by a command's events, logged on their own, or lost",
            ),
            &["outcome"],
        )?;
        let partitions_dropped = IntCounterVec::new(
            Opts::new(
                "partitions_dropped_total",
                "Partitions dropped because their month is past the retention",
            ),
            &["table"],
        )?;
        let partition_maintenance_runs = IntCounterVec::new(
            Opts::new(
                "partition_maintenance_runs_total",
                "Runs of the partition job (create ahead, drop past retention) by outcome",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(operation_log_records.clone()))?;
        registry.register(Box::new(partitions_dropped.clone()))?;
        registry.register(Box::new(partition_maintenance_runs.clone()))?;
        registry.register(Box::new(operation_leases_busy.clone()))?;
        registry.register(Box::new(operations_driven.clone()))?;
        registry.register(Box::new(operation_steps.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(command_duration.clone()))?;
        registry.register(Box::new(projection_lag_events.clone()))?;
        registry.register(Box::new(projection_lag_seconds.clone()))?;
        registry.register(Box::new(projection_failed.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            command_duration,
            projection_lag_events,
            projection_lag_seconds,
            projection_failed,
            operations_driven,
            operation_steps,
            operation_leases_busy,
            operation_log_records,
            partitions_dropped,
            partition_maintenance_runs,
        })
    }

    /// Updates the projection gauges from a status snapshot.
    pub fn observe_projections(&self, statuses: &[projections::ProjectionStatus]) {
        for s in statuses {
            self.projection_lag_events
                .with_label_values(&[&s.name])
                .set(s.lag_events);
            self.projection_lag_seconds
                .with_label_values(&[&s.name])
                .set(s.lag_seconds);
            self.projection_failed
                .with_label_values(&[&s.name])
                .set(i64::from(s.status == "failed"));
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::warn!(%error, "cannot encode metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}
