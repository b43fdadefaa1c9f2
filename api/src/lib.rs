//! # edgedev API and startup
//!
//! The only crate that sees all others (the composition root): HTTP routes (actix-web),
//! authentication, configuration, the private PostgreSQL cluster of the embedded default, and the
//! `edgedev` CLI. Database access lives in `db`, writes in `commands`, reads in `projections`,
//! operations and outside systems in `workflows`.
//!
//! # Layout
//! - [`cli`]: `edgedev serve | migrate | token | projections` (clap, flags with env fallbacks).
//! - [`config`]: server configuration and the data directory.
//! - [`embedded_pg`]: the private PostgreSQL cluster started when no `DATABASE_URL` is given.
//! - [`audit`]: the operation log of `/api/v1` requests (drafts, records, the group-commit writer).
//! - [`auth`]: JWTs (HS256 minted here, RS256 from an outside issuer) and the `Caller` extractor.
//! - [`error`]: the API error type and its JSON body.
//! - [`files`]: the content-addressed file store (uploads, checks, orphan sweeping).
//! - [`request_rules`]: what every request is held to: no NUL in its URL, and `JsonBody`, the extractor of JSON bodies.
//! - [`request_context`]: the current request (ids, operation-log draft), carried across tasks.
//! - [`middleware`]: request ids, request context, HTTP metrics.
//! - [`maintenance`]: scheduled upkeep: partitions (created ahead, dropped past retention), file sweeps.
//! - [`metrics`]: the Prometheus registry.
//! - [`routes`]: the HTTP endpoints, one module per resource.
//! - [`openapi`]: the OpenAPI document and its offline UI.
//! - [`rate_limit`]: token buckets on writes, per user and per client address.
//! - [`server`]: wiring: state, projector runtime, workflow runner, HTTP server, graceful shutdown.
//! - [`state`]: the state every handler shares.
//! - [`subscribe`]: `edgedev subscribe`, a RabbitMQ consumer printing events as JSON lines.

pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod embedded_pg;
pub mod error;
pub mod files;
pub mod maintenance;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod rate_limit;
pub mod request_context;
pub mod request_rules;
pub mod routes;
pub mod server;
pub mod state;
pub mod subscribe;
