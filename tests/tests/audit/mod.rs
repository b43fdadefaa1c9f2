//! The audit tooling (docs/audit.md): histories with the state change of each event, states as
//! of a version or a time, who did what; the tamper-evident chain and its verifier; the projections verifier; upcasting; blue-green rebuilds.

mod blue_green;
mod chain;
mod history;
mod upcasting;
mod verify;
