//! # edgedev process managers
//!
//! Long-running operations (DESIGN.md §5): a runner reacts to `OperationRequested` events, drives
//! each operation step by step through the outside systems' ports, and records every step as a
//! command on the operation's aggregate. It resumes unfinished operations from the log after a
//! restart, and one process at a time drives an operation (a session advisory lock).
//!
//! # Layout
//! - [`runner`]: the runner: sweeps for unfinished operations, leases, the step loop, recording.
//! - [`hooks`]: what the runner knows of each aggregate that runs operations (one impl each).
//! - [`record`]: recording a step as a command on the operation's aggregate.
//! - [`steps`]: building the events of a step (progress, success, failure, deadlines).
//! - [`launch`], [`export`], [`clean`]: the operations, one function per action.
//! - [`app_store`]: the app store port's adapters: simulator, client, server.
//! - [`app_test`]: the application test operation (a test task polled to its end).
//! - [`container_launch`]: the container application launch (charts packed, distributed, pods awaited).
//! - [`vm_image`]: the image operations (merge of an upload, slimming).
//! - [`lcm`]: the LCM port's adapters: simulator, HTTP client, the simulator's HTTP server, CSAR.
//! - [`file_server`]: the image file server port's adapters: simulator, HTTP client, server.
//! - [`helm_chart`]: helm chart archives: reading with limits, checking, rendering, re-packing.
//! - [`platform_container`]: the container platform's lifecycle operations and the watcher.
//! - [`orchestrator`]: the orchestrator port's adapters (the simulator).
//! - [`package`]: application packages (CSAR): built, read, edited, re-packed, signed.
//! - [`multipart`]: the multipart form bodies the HTTP clients send.
//! - [`registry`]: an image registry over the Docker Registry HTTP API v2, and `docker save` tars.
//! - [`test_platform`]: the test platform port's adapters (ATP): simulator, client, server.
//! - [`rest`]: the JSON client the test platform and app store clients share.
//! - [`reverse_proxy`]: the reverse proxy port's adapters (VNC consoles): simulator, client, server.

pub mod app_store;
pub mod app_test;
pub mod clean;
pub mod container_launch;
pub mod export;
pub mod file_server;
pub mod helm_chart;
pub mod hooks;
pub mod launch;
pub mod lcm;
pub mod multipart;
pub mod orchestrator;
pub mod package;
pub mod platform_container;
pub mod record;
pub mod registry;
pub mod rest;
pub mod reverse_proxy;
pub mod runner;
pub mod steps;
pub mod test_platform;
pub mod vm_image;

pub use runner::{Deadlines, Hook, RunError, RunnerMetrics, RunnerParts, Running, Workflows};
pub use steps::{no_response, Advance};
